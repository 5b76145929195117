"""Rules that span fields ("the end date is before the start date"), checked beside each
field's own problems: a form or an API client hears every problem of a record at once, not a
rule's only after the fields it reads are fixed, nor one rule per try."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ModelWrapValidatorHandler, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails

from api.fields import FieldError


@dataclass(frozen=True)
class Rule:
    """One rule: the fields it reads, and its check of their values (a FieldError naming the
    field to correct, or None). Not checked while a field it reads has a problem of its own."""

    reads: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], FieldError | None]


def broken(rules: Iterable[Rule], values: Mapping[str, Any],
           skip: Iterable[str] = ()) -> list[FieldError]:
    """The rules the values break, leaving out those that read a field in `skip`."""
    skipped = set(skip)
    found: list[FieldError] = []
    for rule in rules:
        if skipped.intersection(rule.reads):
            continue
        problem = rule.check(values)
        if problem is not None:
            found.append(problem)
    return found


@cache
def _adapter(schema: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = schema.model_fields[name]
    annotated: Any = Annotated[info.annotation, info]
    return TypeAdapter(annotated)


def typed_values(schema: type[BaseModel], data: Mapping[str, Any],
                 skip: Iterable[str] = ()) -> tuple[dict[str, Any], set[str]]:
    """Each field's value as the schema reads it, one field at a time (the default where the
    data leaves it out); with the fields that cannot be read, `skip` among them."""
    unread = set(skip)
    values: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name in unread:
            continue
        if name not in data:
            values[name] = None if info.is_required() else info.get_default(
                call_default_factory=True)
            continue
        try:
            values[name] = _adapter(schema, name).validate_python(data[name])
        except ValidationError:
            unread.add(name)
    return values, unread


def _detail(problem: FieldError) -> InitErrorDetails:
    return {"type": "value_error", "loc": (), "input": None, "ctx": {"error": problem}}


def _again(error: Any) -> InitErrorDetails:
    detail: InitErrorDetails = {"type": error["type"], "loc": error["loc"],
                                "input": error.get("input")}
    if "ctx" in error:
        detail["ctx"] = error["ctx"]
    return detail


def every_problem(rules: tuple[Rule, ...]) -> Any:
    """A wrap validator for a model (`model_validator(mode="wrap")(every_problem(RULES))`):
    the rules are checked with the fields, those whose fields are fine told beside the fields'
    problems; with no other problem, one broken rule is raised as itself (its FieldError, as a
    rule raised in an after validator) and several together."""

    def validate(cls: type[BaseModel], data: Any,
                 handler: ModelWrapValidatorHandler[Any]) -> Any:
        try:
            made = handler(data)
        except ValidationError as exc:
            if not isinstance(data, Mapping):
                raise
            found = exc.errors()
            bad = {str(e["loc"][0]) for e in found if e["loc"]}
            values, unread = typed_values(cls, data, bad)
            more = broken(rules, values, unread)
            if not more:
                raise
            raise ValidationError.from_exception_data(
                exc.title, [*map(_again, found), *map(_detail, more)]) from exc
        problems = broken(rules, {name: getattr(made, name, None) for name in cls.model_fields})
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise ValidationError.from_exception_data(cls.__name__, list(map(_detail, problems)))
        return made

    # Found again by rules_of, for a change read with the record it changes.
    setattr(validate, "rules", rules)  # noqa: B010
    return classmethod(validate)


def rules_of(schema: type[BaseModel]) -> tuple[Rule, ...]:
    """The rules an `every_problem` validator of the schema (or of a base) checks."""
    found: list[Rule] = []
    for decorator in schema.__pydantic_decorators__.model_validators.values():
        found.extend(getattr(decorator.func, "rules", ()))
    return tuple(found)


def problems_beside(schema: type[BaseModel], record: Mapping[str, Any],
                    changes: Mapping[str, Any], skip: Iterable[str]) -> list[FieldError]:
    """For a change to a record that has problems of its own (the fields in `skip`): the
    rules of the schema the changed record breaks, read with the fields that are fine."""
    rules = rules_of(schema)
    if not rules:
        return []
    values, unread = typed_values(schema, {**record, **changes}, skip)
    return broken(rules, values, unread)
