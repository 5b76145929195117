"""An organization's own data, exported by its members as a zip of CSV and JSON files."""

import csv
import io
import json
import zipfile
from typing import Any

from pydantic_core import to_jsonable_python
from sqlmodel import Session, SQLModel, select

from api import clock
from api.auth import permissions
from api.auth.models import User
from api.errors import Forbidden, NotFound

SECRET_COLUMNS = frozenset({"password_hash", "totp_secret", "totp_last_step"})


def _rows(session: Session, model: type[SQLModel], column: str, value: int) -> list[dict[str, Any]]:
    names = [c.name for c in model.__table__.columns  # type: ignore[attr-defined]
             if c.name not in SECRET_COLUMNS]
    stmt = select(model).where(getattr(model, column) == value).order_by(model.id)  # type: ignore[attr-defined]
    return [{name: to_jsonable_python(getattr(obj, name), fallback=str) for name in names}
            for obj in session.exec(stmt).all()]


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v) if isinstance(v, list | dict) else v
                             for k, v in row.items()})
    return out.getvalue()


def organization_zip(session: Session, actor: Any, organization_id: int) -> tuple[str, bytes]:
    """The file name and bytes of the organization's export: its record, its members, and every
    record it owns that the actor may read."""
    from api.organizations.models import Organization  # noqa: PLC0415
    from api.people.models import Affiliation  # noqa: PLC0415

    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"No organization with id {organization_id}.")
    if not permissions.may_manage_organization(actor, organization_id):
        raise Forbidden("Only the organization's own members, leads and administrators can "
                        "export its data.")
    tables: dict[str, list[dict[str, Any]]] = {
        "organization": _rows(session, Organization, "id", organization_id),
        "users": _rows(session, User, "organization_id", organization_id),
        "affiliations": _rows(session, Affiliation, "organization_id", organization_id),
    }
    for model, spec in permissions.owned().items():
        if model.__tablename__ == "audit_entry":  # type: ignore[attr-defined]
            continue
        tables[str(model.__tablename__)] = _rows(session, model, spec.owner, organization_id)  # type: ignore[attr-defined]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.json", json.dumps(rows, indent=2, ensure_ascii=False))
            archive.writestr(f"{name}.csv", _csv(rows))
        archive.writestr("README.txt", (
            f"Export of {organization.name} from Oversight, made {clock.now():%Y-%m-%d %H:%M} "
            "UTC.\nEach table is here twice: as CSV for spreadsheets and as JSON.\n"))
    slug = "".join(c if c.isalnum() else "-" for c in organization.name.lower()).strip("-")
    return f"{slug or 'organization'}-{clock.today():%Y-%m-%d}.zip", buffer.getvalue()
