"""Mounts the pages, their error pages and the static files onto the application."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web import errors
from web.concepts import record_url, refs_noun
from web.htmx import VaryOnHtmx
from web.routes import (
    account,
    agendas,
    alerts,
    auth,
    calendar,
    cameras,
    campaigns,
    dashboard,
    imports,
    meetings,
    playbooks,
    records,
    records_batch,
    records_requests,
    search,
    sheet_imports,
)
from web.templating import templates

STATIC_DIR = Path(__file__).parent / "static"

templates.env.globals["record_url"] = record_url
templates.env.globals["refs_noun"] = refs_noun


def mount_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Pages of their own first: /meetings/new is the meeting log, not the generic form.
    for module in (dashboard, campaigns, meetings, calendar, search, alerts, auth, account,
                   playbooks, records_batch, records_requests, imports, sheet_imports,
                   agendas, cameras):
        app.include_router(module.router)
    for router in records.build_routers():
        app.include_router(router)
    errors.install(app)
    app.add_middleware(VaryOnHtmx, skip_prefixes=("/api/", "/static/", "/healthz"))
