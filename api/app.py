"""create_app(): the one FastAPI application, with the JSON API under /api/v1 and the pages."""

from fastapi import APIRouter, FastAPI

from api import problems
from api.actions.routes import router as actions
from api.agencies.routes import router as agencies
from api.auth import middleware as auth_middleware
from api.auth.routes import router as users
from api.bodies.routes import router as bodies
from api.campaigns.routes import router as campaigns
from api.contracts.routes import router as contracts
from api.documents.routes import router as documents
from api.jurisdictions.routes import router as jurisdictions
from api.media.routes import router as media
from api.meetings.routes import router as meetings
from api.organizations.routes import router as organizations
from api.people.routes import router as people
from api.records_requests.routes import router as records_requests
from api.targets.routes import router as targets
from api.tasks.routes import router as tasks
from api.votes.routes import router as votes

API_ROUTERS = (organizations, people, jurisdictions, bodies, targets, agencies, contracts,
               campaigns, votes, meetings, actions, tasks, records_requests, documents, media,
               users)


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1")
    for concept in API_ROUTERS:
        router.include_router(concept)
    return router


def create_app() -> FastAPI:
    # The pages live in web/, which depends on api/; imported here so api/ modules never do.
    from web.app import mount_web  # noqa: PLC0415

    # No /docs or /redoc: they load scripts from a CDN, which the content security policy
    # (rightly) refuses; the schema is at /openapi.json for signed-in users.
    app = FastAPI(title="Oversight", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Coalition CRM and campaign organizer against ALPR surveillance.")
    problems.install(app)
    auth_middleware.install(app)
    app.include_router(api_router())

    @app.get("/healthz", tags=["meta"], summary="Liveness check")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    mount_web(app)
    return app
