"""JSON endpoints for tasks under /api/v1/tasks."""

from api.crud_routes import crud_router
from api.tasks import service

router = crud_router(service.crud, path="/tasks", tag="tasks")
