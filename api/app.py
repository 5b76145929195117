"""create_app(): the one FastAPI application, with the JSON API under /api/v1 and the pages."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import APIRouter, FastAPI

from api import body_limit, log_redaction, page_cache, problems, security_headers
from api.accounts.routes import router as users
from api.actions.routes import router as actions
from api.agencies.routes import router as agencies
from api.alerts.routes import feeds_router
from api.alerts.routes import follows_router as follows
from api.alerts.routes import notifications_router as notifications
from api.alerts.routes import router as alerts
from api.auth.forgery import ForgeryCheck
from api.auth.identity import IdentityMiddleware
from api.bodies.routes import router as bodies
from api.campaigns.routes import campaigns_router
from api.contracts.routes import router as contracts
from api.db import WORKER_THREADS
from api.documents.routes import router as documents
from api.evidence.routes import router as evidence
from api.exports.routes import router as exports
from api.jurisdictions.routes import router as jurisdictions
from api.known_outcomes.routes import router as known_outcomes
from api.media.routes import router as media
from api.meetings.routes import router as meetings
from api.organizations.routes import router as organizations
from api.outer_layers import LayeredApp
from api.people.routes import router as people
from api.playbooks import service as playbooks_service
from api.playbooks.routes import router as playbooks
from api.public_pages.routes import router as public_pages
from api.records_requests.routes import router as records_requests
from api.routing import ExactPaths, PathRouter
from api.search.routes import router as saved_searches
from api.settings import get_settings
from api.sharing.routes import router as sharing_links
from api.sources.routes import router as sources
from api.targets.routes import router as targets
from api.tasks.routes import router as tasks
from api.upkeep import AlertScheduler
from api.vendors.routes import router as vendors
from api.votes.routes import router as votes

# A campaign's change of vote date moves its vote, as moving its anchors does.
campaigns = campaigns_router(update_with=playbooks_service.update_campaign)
API_ROUTERS = (organizations, people, jurisdictions, bodies, targets, agencies, vendors, contracts,
               campaigns, exports, votes, meetings, actions, tasks, records_requests, documents,
               media, users, playbooks, sources, alerts, notifications, follows, saved_searches,
               public_pages, sharing_links, evidence, known_outcomes)
# The JSON routes that take a file: a multipart body to them may be as large as the upload
# limit allows; every other body is held to the form limit (api.body_limit).
API_UPLOAD_PATHS = ("/api/v1/documents", "/api/v1/records-requests/{record_id}/documents",
                    "/api/v1/imports/{kind}")


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
    _freeze_what_start_up_made()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.stop()


def _freeze_what_start_up_made() -> None:
    """What start-up made (modules, tables, templates, statements) lives as long as the
    process: moved out of the collector's reach, a full collection no longer walks it (about a
    tenth of a second, once every hundred pages or so). Once a process: an app started again
    (tests start many) has nothing more of that kind."""
    if gc.get_freeze_count():
        return
    gc.collect()
    gc.freeze()


def create_app() -> FastAPI:
    # The pages live in web/, which depends on api/; imported here so api/ modules never do.
    from web import refusals  # noqa: PLC0415
    from web.app import UPLOAD_PATHS, mount_web  # noqa: PLC0415

    # No /docs or /redoc: they load scripts from a CDN, which the content security policy
    # (rightly) refuses; the schema is at /openapi.json for signed-in users.
    app = LayeredApp(title="Oversight", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None,
                  description="Coalition CRM and campaign organizer against ALPR surveillance.")
    problems.install(app)
    # Innermost first. A kept page is given only to a caller identified and let through; a
    # forged request is refused before it reaches a route.
    app.add_middleware(page_cache.PageReuse)
    app.add_middleware(ForgeryCheck, pages=refusals)
    app.add_middleware(IdentityMiddleware, pages=refusals)
    # Outside those: bodies are cut at their limit before the forgery check reads them.
    body_limit.install(app, upload_paths=(*API_UPLOAD_PATHS, *UPLOAD_PATHS),
                       page=refusals.too_large)
    security_headers.install(app)
    app.add_outer_layer(ExactPaths)
    app.include_router(api_router())
    app.include_router(feeds_router)

    # HEAD as GET: load balancers and uptime checks often probe with HEAD. Left out of the
    # schema, where it would repeat GET's operation id.
    @app.get("/healthz", tags=["meta"], summary="Liveness check")
    @app.head("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_web(app)
    page_cache.install(app, get_settings().page_cache_mb * 1024 * 1024)
    # Here as well as in `oversight serve`: any server may run this factory, in any process.
    log_redaction.install()
    return app
