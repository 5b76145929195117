"""create_app(): the one FastAPI application, with the JSON API under /api/v1 and the pages."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI

from api import page_cache, problems
from api.actions.routes import router as actions
from api.agencies.routes import router as agencies
from api.alerts.routes import feeds_router
from api.alerts.routes import follows_router as follows
from api.alerts.routes import notifications_router as notifications
from api.alerts.routes import router as alerts
from api.alerts.scheduler import AlertScheduler
from api.auth import middleware as auth_middleware
from api.auth.routes import router as users
from api.bodies.routes import router as bodies
from api.campaigns.routes import router as campaigns
from api.contracts.routes import router as contracts
from api.db import WORKER_THREADS
from api.documents.routes import router as documents
from api.jurisdictions.routes import router as jurisdictions
from api.media.routes import router as media
from api.meetings.routes import router as meetings
from api.organizations.routes import router as organizations
from api.people.routes import router as people
from api.playbooks.routes import router as playbooks
from api.records_requests.routes import router as records_requests
from api.routing import PathRouter
from api.settings import get_settings
from api.sources.routes import router as sources
from api.targets.routes import router as targets
from api.tasks.routes import router as tasks
from api.votes.routes import router as votes

API_ROUTERS = (organizations, people, jurisdictions, bodies, targets, agencies, contracts,
               campaigns, votes, meetings, actions, tasks, records_requests, documents, media,
               users, playbooks, sources, alerts, notifications, follows)


def api_router() -> APIRouter:
    router = PathRouter(prefix="/api/v1")
    for concept in API_ROUTERS:
        router.include_router(concept)
    return router


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Starts the alert scheduler in this process when OVERSIGHT_RUN_SCHEDULER says so (the
    single-process default); with several web workers, `oversight worker` runs it instead."""
    # Worker threads for sync routes: as many as the database pool has connections. More only
    # queue on Python's lock instead of here, and each extra session past the pool opens (and
    # throws away) a connection of its own.
    to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    scheduler = AlertScheduler().start() if get_settings().run_scheduler else None
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.stop()


def create_app() -> FastAPI:
    # The pages live in web/, which depends on api/; imported here so api/ modules never do.
    from web.app import mount_web  # noqa: PLC0415

    # No /docs or /redoc: they load scripts from a CDN, which the content security policy
    # (rightly) refuses; the schema is at /openapi.json for signed-in users.
    app = FastAPI(title="Oversight", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Coalition CRM and campaign organizer against ALPR surveillance.")
    problems.install(app)
    auth_middleware.install(app)
    app.include_router(api_router())
    app.include_router(feeds_router)

    @app.get("/healthz", tags=["meta"], summary="Liveness check")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_web(app)
    page_cache.install(app, get_settings().page_cache_mb * 1024 * 1024)
    return app
