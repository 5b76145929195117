"""Forms on the pages: fields read off a concept's Create schema, parsing of submitted forms
into that schema, errors keyed by field so each message shows next to its input, saving what a
form asks for, and where the browser goes after it."""

import logging
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from api.cross_checks import problems_beside
from api.errors import Conflict, DomainError, Forbidden, Problems
from api.i18n.validation_words import words_for
from web import flash, htmx
from web.words import choice_words

log = logging.getLogger(__name__)

# Where an error names no field of the form, it shows at the top of the form.
FORM = "__form__"

TEXTAREA_AT = 2_000


@dataclass
class FormField:
    """One input: its kind says how it renders and how its submitted text is read."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    nullable: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    ref: str | None = None
    help: str = ""
    default: Any = None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional[...] / X | None, and whether None is allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        inner = args[0] if len(args) == 1 else annotation
        return _strip_annotated(inner), True
    return _strip_annotated(annotation), False


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _max_length(info: FieldInfo) -> int | None:
    for item in info.metadata:
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


def _is_url(info: FieldInfo) -> bool:
    return any(getattr(getattr(m, "func", None), "__name__", "") == "_http_url"
               for m in info.metadata)


def _foreign_table(info: FieldInfo) -> str | None:
    for item in info.metadata:
        target = getattr(item, "foreign_key", None)
        if isinstance(target, str):
            return target.split(".")[0]
    return None


def declared_labels(schemas: Iterable[type[BaseModel]]) -> dict[str, str]:
    """The labels declared with the schemas' fields (`Field(title=N_("Cameras counted"))` in a
    concept's models), by field name. Where schemas label one name differently, the label
    most of them declare (the first schema's among equals): a vote's, a contract's "title" is
    its title, while an official's is their office."""
    found: dict[str, Counter[str]] = {}
    for schema in schemas:
        for name, info in schema.model_fields.items():
            if info.title:
                found.setdefault(name, Counter())[info.title] += 1
    return {name: labels.most_common(1)[0][0] for name, labels in found.items()}


def label_from_name(name: str) -> str:
    """The label of a field declared without one, made from its name: "start_date" reads
    "Start date"."""
    text = name.removesuffix("_ids").removesuffix("_id").replace("_", " ")
    return text[:1].upper() + text[1:]


def infer(schema: type[BaseModel], name: str, *, links: dict[str, str] | None = None,
          **overrides: Any) -> FormField:
    """A form field for one field of a schema, from its type and constraints."""
    info = schema.model_fields[name]
    inner, nullable = _unwrap(info.annotation)
    kind = "text"
    choices: list[tuple[str, str]] = []
    ref = None
    if isinstance(inner, type) and issubclass(inner, Enum):
        kind = "enum"
        choices = [(str(m.value), choice_words(m)) for m in inner]
    elif inner is bool:
        kind = "bool"
    elif inner is datetime:
        kind = "datetime"
    elif inner is date:
        kind = "date"
    elif inner is Decimal:
        kind = "money"
    elif inner is float:
        # A coordinate: signed, with decimals, which a number input's spinner serves badly.
        kind = "decimal"
    elif inner is int:
        ref = _foreign_table(info)
        kind = "ref" if ref else "number"
    elif typing.get_origin(inner) is list:
        item = _strip_annotated(typing.get_args(inner)[0])
        if item is int and links and name in links:
            kind, ref = "refs", links[name]
        elif item is str:
            kind = "tags"
        else:
            kind = "custom"
    elif getattr(inner, "__name__", "") == "EmailStr":
        kind = "email"
    elif inner is str:
        if _is_url(info):
            kind = "url"
        elif (_max_length(info) or 0) > TEXTAREA_AT:
            kind = "textarea"
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    if isinstance(default, Enum):
        default = default.value
    made = FormField(name=name, label=info.title or label_from_name(name), kind=kind,
                     required=info.is_required(), nullable=nullable, choices=choices, ref=ref,
                     default=default)
    for key, value in overrides.items():
        setattr(made, key, value)
    return made


def parse(fields: list[FormField], form: FormData) -> dict[str, Any]:
    """The submitted values of the given fields, as the schema expects them. Empty inputs of
    optional fields become None; an empty required one is left for validation to name."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "bool":
            values[f.name] = form.get(f.name) in ("on", "true", "1", "yes")
            continue
        if f.kind == "refs":
            values[f.name] = [v for v in form.getlist(f.name) if isinstance(v, str) and v]
            continue
        if f.kind in ("tags", "lines"):
            raw = str(form.get(f.name) or "")
            splitter = "\n" if f.kind == "lines" else ","
            values[f.name] = [part.strip() for part in raw.split(splitter) if part.strip()]
            continue
        if f.kind == "custom":
            continue
        if f.kind == "secret" and form.get(f"{f.name}_remove") in ("on", "true", "1", "yes"):
            # Asked for in so many words: an empty field alone never removes it.
            values[f.name] = ""
            continue
        if f.kind == "secret" and not str(form.get(f.name) or "").strip():
            # Left empty, a write-only value (a token) stays as it was.
            continue
        raw_value = form.get(f.name)
        if raw_value is None:
            continue
        text = str(raw_value)
        if text.strip() == "" and f.kind not in ("text", "textarea", "url"):
            if f.nullable:
                values[f.name] = None
            elif f.default is not None:
                values[f.name] = f.default
            else:
                values[f.name] = text
            continue
        values[f.name] = text
    return values


def messages(exc: ValidationError) -> dict[str, str]:
    """Every problem pydantic found, keyed by the top-level field it is about."""
    found: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        cause = (err.get("ctx") or {}).get("error")
        named = getattr(cause, "field", None)
        if isinstance(named, str):
            loc.append(named)
        key = loc[0] if loc else FORM
        text = words_for(err)
        text = text[:1].upper() + text[1:]
        if len(loc) > 1:
            text = f"{' '.join(loc[1:])}: {text}".replace("_", " ")
        found.setdefault(key, text)
    return found


def domain_message(exc: DomainError, fields: Sequence[FormField | str]) -> dict[str, str]:
    """A service's refusal, shown next to the field it names when the form has that field (the
    fields, or the names of those a template lays out itself), else at the top (FORM)."""
    if isinstance(exc, Problems):
        # Every refusal at once, each beside its field (the first said where two share one).
        found: dict[str, str] = {}
        for one in exc.problems:
            for where, text in domain_message(one, fields).items():
                found.setdefault(where, text)
        return found
    names = {f if isinstance(f, str) else f.name for f in fields}
    where = (exc.field or "").split(".")[0]
    text = exc.message
    if where in names:
        text = text.split(": ", 1)[1] if text.startswith(f"{exc.field}: ") else text
        return {where: text}
    return {FORM: text}


Schema = TypeVar("Schema", bound=BaseModel)
Written = TypeVar("Written")

# The status of a form (or a page's query) shown again with what was wrong in it.
INVALID = 422


def validate(schema: type[Schema], values: dict[str, Any], *,
             said: Mapping[str, str] | None = None,
             words: Callable[[ValidationError], dict[str, str]] = messages,
             ) -> tuple[Schema | None, dict[str, str]]:
    """The form's values as the schema, or the problems by field; `said` words a field's
    problem the form's own way ("Choose a stance.") in place of the schema's, and `words`
    reads the problems where a form names them from more than the field (the line of a box,
    an item of a list)."""
    try:
        return schema.model_validate(values), {}
    except ValidationError as exc:
        found = words(exc)
        return None, {key: (said or {}).get(key, text) for key, text in found.items()}


def beside(schema: type[BaseModel], record: object, values: Mapping[str, Any],
           errors: Mapping[str, str], fields: Sequence[FormField | str]) -> dict[str, str]:
    """For an edit whose fields have problems: the problems of the record's rules that span
    fields (`schema`'s), read with the record's other values and the fields that are fine,
    each by the field it names (at the top when the form has not that field)."""
    names = {f if isinstance(f, str) else f.name for f in fields}
    current = {name: getattr(record, name) for name in schema.model_fields
               if hasattr(record, name)}
    found: dict[str, str] = {}
    for problem in problems_beside(schema, current, values, errors):
        where = problem.field if problem.field in names else FORM
        found.setdefault(where, problem.said())
    return {key: text for key, text in found.items() if key not in errors}


def shown(page: Callable[[int], Response], problems: object = None) -> Response:
    """A page or step that writes nothing (a preview, a list asked with a bad query, a file
    that cannot be read) shown with what was wrong in the asking: answered INVALID when there
    is a problem (its errors by field, or one message), else 200."""
    return page(INVALID if problems else 200)


def typed_text(values: Mapping[str, Any], name: str) -> str:
    """A text box's text as typed: browsers send a textarea's line breaks as CR LF, kept as LF,
    so the text is as long as the person (or the phone's check) counted it and reads the same
    saved, shown again or downloaded."""
    return str(values.get(name) or "").replace("\r\n", "\n")


@dataclass
class Saved:
    """How a form's write went: `refusal` is the service's refusal when there was one."""

    refusal: DomainError | None = None

    def errors(self, fields: Sequence[FormField | str] = ()) -> dict[str, str]:
        """The refusal for the form shown again, next to the field it names (at the top when
        the form has no such field); none when the write was saved."""
        return domain_message(self.refusal, fields) if self.refusal else {}


def is_page_refusal(exc: DomainError) -> bool:
    """Not allowed or not found, naming no field: the page's answer (the error page), not a
    message inside one of its forms."""
    return exc.status in (403, 404) and exc.field is None


@contextmanager
def saving(session: Session, *, keep_refused: bool = False, page_refusals: bool = False,
           database_refusal: str | None = None) -> Iterator[Saved]:
    """Commits the write done inside the block. A service's refusal is not raised: the write is
    rolled back and the refusal kept on what this yields, for the route to answer with the form
    again. `keep_refused` commits instead, where the refused attempt is itself a record (a
    wrong password counts toward throttling); `page_refusals` raises the refusals that are the
    page's answer (is_page_refusal), after the rollback. With `database_refusal`, a write the
    database refuses (a row that refers to one removed meanwhile) is rolled back and kept as a
    conflict saying that, where a long write checked against an earlier reading can meet one."""
    saved = Saved()
    try:
        yield saved
        session.commit()
    except DomainError as exc:
        if keep_refused:
            session.commit()
        else:
            session.rollback()
        if page_refusals and is_page_refusal(exc):
            raise
        saved.refusal = exc
    except DBAPIError as exc:
        if database_refusal is None:
            raise
        session.rollback()
        log.warning("the database refused a form's write: %s", exc)
        saved.refusal = Conflict(database_refusal)


@dataclass
class Rejected:
    """Why a form comes back: its problems by field (FORM for the form as a whole), the status
    to answer with, and the service's refusal when the write was refused."""

    errors: dict[str, str]
    status: int = INVALID
    refusal: DomainError | None = None

    @property
    def message(self) -> str:
        """The problem in one sentence, for a form that shows one message."""
        if self.refusal is not None:
            return self.refusal.message
        return self.errors.get(FORM) or next(iter(self.errors.values()), "")


def refusal_status(refusal: DomainError, status: int | None) -> int:
    """The status a form refused by the service is answered with: `status` (None: the
    refusal's own). A refusal of what the role may not do is not a mistake in the form, so it
    keeps its 403 whatever `status` says, shown in the form like any other."""
    if isinstance(refusal, Forbidden) or status is None:
        return refusal.status
    return status


def refused(exc: DomainError, errors: Mapping[str, str]) -> Rejected:
    """A service's refusal met where nothing is written (a file's columns that cannot plan
    it): the form shown again with `errors`, answered with the refusal's own status."""
    return Rejected(dict(errors), exc.status, exc)


def save_or_show(session: Session, write: Callable[[], Written], *,
                 done: Callable[[Written], Response], again: Callable[[Rejected], Response],
                 fields: Sequence[FormField | str] = (), errors: Mapping[str, str] | None = None,
                 status: int | None = INVALID, keep_refused: bool = False,
                 page_refusals: bool = False, database_refusal: str | None = None) -> Response:
    """The one way a page answers a form: problems found before writing (`errors`) or the
    service's refusal of the write show the form `again`, with the problems next to the
    `fields` they name, answered with `status` (None: the refusal's own, such as 409), a
    refusal for permission always with 403 (refusal_status); else the write is committed and
    `done` answers with what it returned. The options are `saving`'s."""
    if errors:
        return again(Rejected(dict(errors)))
    with saving(session, keep_refused=keep_refused, page_refusals=page_refusals,
                database_refusal=database_refusal) as saved:
        written = write()
    if saved.refusal is None:
        return done(written)
    return again(Rejected(saved.errors(fields), refusal_status(saved.refusal, status),
                          saved.refusal))


def submit(session: Session, checked: tuple[Schema | None, Mapping[str, str]],
           write: Callable[[Schema], Written], *, done: Callable[[Written], Response],
           again: Callable[[Rejected], Response], fields: Sequence[FormField | str] = (),
           status: int | None = INVALID, page_refusals: bool = False) -> Response:
    """save_or_show for a form read into a schema (`checked` is what `validate` returned): the
    write is given the valid data; without it (invalid, or a question asked first) the form
    is shown again with its problems."""
    data, errors = checked
    if data is None or errors:
        return again(Rejected(dict(errors)))
    return save_or_show(session, lambda: write(data), done=done, again=again, fields=fields,
                        status=status, page_refusals=page_refusals)


def see_other(url: str, message: flash.Message | None = None) -> Response:
    response = RedirectResponse(url, status_code=303)
    if message is not None:
        flash.keep(response, message)
    return response


def go_to(request: Request, url: str, message: flash.Message | None = None, *,
          status: int = 204) -> Response:
    """After a form: a 303 for a browser (or a boosted form); for an htmx request that swaps a
    part, an answer telling htmx to load the page, since htmx would swap a redirected page into
    that part."""
    if not htmx.wants_fragment(request):
        return see_other(url, message)
    response = Response(status_code=status)
    if message is not None:
        flash.keep(response, message)
    return htmx.redirect(response, url)
