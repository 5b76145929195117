"""Mounts the pages and the static files onto the application."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web.routes import account, alerts, auth, dashboard

STATIC_DIR = Path(__file__).parent / "static"


def mount_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(dashboard.router)
    app.include_router(alerts.router)
    app.include_router(auth.router)
    app.include_router(account.router)
