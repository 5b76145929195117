"""Builds the JSON endpoints of one concept (list, get, create, update, delete) from its Crud."""

import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, create_model
from pydantic_core import to_json
from sqlmodel import Session

from api.auth.models import User
from api.crud import MAX_PAGE, Crud, ListQuery
from api.deps import SessionDep, UserDep
from api.fields import MAX_INT, digits_only, no_control_chars
from api.keyset import COUNT_CAP, MAX_CURSOR_CHARS
from api.page_cache import ReusableRoute, reusable

RecordId = Annotated[int, BeforeValidator(digits_only),
                     Path(ge=1, le=MAX_INT, description="The record's id")]


class ReadResponse(JSONResponse):
    """JSON of data already made JSON-ready by a read schema; the same bytes as JSONResponse,
    written by pydantic's encoder at a quarter of the time."""

    def render(self, content: Any) -> bytes:
        return to_json(content)


def page_schema(read: type[BaseModel]) -> type[BaseModel]:
    return create_model(
        # A schema known only when the routes are made: mypy takes no variable as a type.
        f"{read.__name__}Page", items=(list[read], ...),  # type: ignore[valid-type]
        total=(Optional[int], Field(description=(  # noqa: UP045
            f"How many records the list holds, when at most {COUNT_CAP:,} (or with "
            "count=exact); otherwise null, and more_than says how many it exceeds"))),
        limit=(int, ...), offset=(int, Field(description="Records before this page")),
        next=(Optional[str], Field(description=(  # noqa: UP045
            "Cursor of the next page (pass it as cursor); null on the last page"))),
        previous=(Optional[str], Field(description=(  # noqa: UP045
            "Cursor of the page before; null on the first page"))),
        more_than=(Optional[int], Field(description=(  # noqa: UP045
            "When total is null: a number of records the list holds more than"))))


def list_params(crud: Crud[Any, Any]) -> Any:
    """A dependency whose query parameters are the concept's filters, so they show in OpenAPI."""
    params = []
    for name in crud.filters:
        annotation = crud.model.model_fields[name].annotation
        if name.endswith("_id"):
            annotation = Annotated[int, Query(ge=1, le=MAX_INT)]
        elif annotation is str:
            # No text the database cannot compare with (PostgreSQL refuses NUL outright).
            annotation = Annotated[str, Query(max_length=200), AfterValidator(no_control_chars)]
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                        default=None, annotation=Optional[annotation]))  # noqa: UP045
    common = {
        "q": Annotated[str | None, Query(max_length=200, description="Text to search for"),
                       AfterValidator(no_control_chars)],
        "sort": Annotated[str | None, Query(max_length=50, description=(
            "Field to sort by; prefix with - for descending. One of: "
            + ", ".join(crud.sort_fields)))],
        "limit": Annotated[int, Query(ge=1, le=MAX_PAGE)],
        "offset": Annotated[int, Query(ge=0, le=MAX_INT, description=(
            "Records to skip; a cursor (next or previous of a page) is cheaper far into a "
            "list"))],
        "cursor": Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS, description=(
            "Where the page starts: the next or previous of the page before, with the same "
            "q, filters and sort"))],
        "count": Annotated[Literal["exact"] | None, Query(description=(
            f"exact: count every record, even past {COUNT_CAP:,} (slower on a large list)"))],
    }
    defaults = {"q": None, "sort": None, "limit": 50, "offset": 0, "cursor": None,
                "count": None}
    for name, annotation in common.items():
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                        default=defaults[name], annotation=annotation))
    if crud.date_column:
        kind = crud.model.model_fields[crud.date_column].annotation
        value_type = datetime if kind in (datetime, Optional[datetime]) else date  # noqa: UP045
        for name in ("date_from", "date_to"):
            params.append(inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=None,
                annotation=Annotated[Optional[value_type], Query(  # noqa: UP045
                    description=f"Only records whose {crud.date_column} is on or "
                                f"{'after' if name == 'date_from' else 'before'} this")]))

    # async: it only sorts parameters, so it runs on the event loop instead of taking a trip
    # through the thread pool on every list request.
    async def dependency(**kwargs: Any) -> ListQuery:
        filters = {k: kwargs.pop(k) for k in crud.filters if kwargs.get(k) is not None}
        for k in crud.filters:
            kwargs.pop(k, None)
        exact = kwargs.pop("count") == "exact"
        return ListQuery(filters=filters, exact_count=exact, **kwargs)

    # FastAPI reads the query parameters from the signature; a function declares no such
    # attribute to mypy, though inspect reads it.
    dependency.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return dependency


# A change of a record made by more than its own concept's save: (session, actor, id, changes).
Updater = Callable[[Session, User, int, Any], Any]


def crud_router(crud: Crud[Any, Any], *, path: str, tag: str, writable: bool = True,
                update_with: Updater | None = None) -> APIRouter:
    """The concept's list, get, create, update and delete endpoints; `update_with`, when given,
    makes the change instead of the concept's own update (a composition that also moves records
    of another concept, which the concept's package may not know)."""
    router = APIRouter(prefix=path, tags=[tag], route_class=ReusableRoute)
    read = crud.read_schema
    create = crud.create_schema
    update = crud.update_schema
    noun = crud.label

    # The reads below answer with the service's output as it is: to_read has already validated
    # it against the read schema, and checking it again (e-mail syntax and all) cost more than
    # the query. response_model still documents the shape.
    @router.get("", response_model=page_schema(read), summary=f"List {tag}")
    @reusable
    def list_records(session: SessionDep, actor: UserDep,
                     params: Annotated[ListQuery, Depends(list_params(crud))]) -> Any:
        page = crud.list_page(session, actor, params)
        return ReadResponse({"items": page.items, "total": page.total, "limit": page.limit,
                             "offset": page.offset, "next": page.next,
                             "previous": page.previous, "more_than": page.more_than})

    @router.get("/{record_id}", response_model=read, summary=f"Get one {noun}",
                responses={404: {"description": f"No such {noun}"}})
    @reusable
    def get_record(record_id: RecordId, session: SessionDep, actor: UserDep) -> Any:
        return ReadResponse(crud.read(session, actor, record_id))

    if not writable:
        return router

    @router.post("", response_model=read, status_code=201, summary=f"Create a {noun}",
                 responses={409: {"description": "Conflicts with an existing record"},
                            422: {"description": "Invalid input"}})
    # The concept's schemas are known only when the routes are made: mypy takes no variable
    # as a type, FastAPI reads them from the annotations all the same.
    def create_record(data: create, session: SessionDep, actor: UserDep) -> Any:  # type: ignore[valid-type]
        obj = crud.create(session, actor, data)
        session.commit()
        return crud.read(session, actor, obj.id)

    @router.patch("/{record_id}", response_model=read, summary=f"Update a {noun}",
                  responses={404: {"description": f"No such {noun}"}})
    # As create_record: a schema held in a variable.
    def update_record(record_id: RecordId, data: update, session: SessionDep,  # type: ignore[valid-type]
                      actor: UserDep) -> Any:
        (update_with or crud.update)(session, actor, record_id, data)
        session.commit()
        return crud.read(session, actor, record_id)

    @router.delete("/{record_id}", status_code=204, summary=f"Delete a {noun}",
                   responses={404: {"description": f"No such {noun}"}})
    def delete_record(record_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
        crud.delete(session, actor, record_id)
        session.commit()
        return Response(status_code=204)

    return router
