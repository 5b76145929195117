"""The coalition-wide choices an administrator makes: two-factor sign-in for leads, and who a
new organization's records are shared with until it picks a default of its own."""


from sqlmodel import Field, Session, SQLModel, select

from api.auth import permissions
from api.auth.models import InstanceSetting, User, Visibility
from api.errors import Forbidden
from api.i18n.catalogs import N_


class InstanceSettingsRead(SQLModel):
    require_totp_for_leads: bool
    # None: each kind's own default (a meeting or a person private, an action the coalition's).
    default_visibility: Visibility | None


class InstanceSettingsUpdate(SQLModel):
    """Only the fields sent change; a null default_visibility goes back to each kind's own."""

    require_totp_for_leads: bool | None = Field(default=None)
    default_visibility: Visibility | None = Field(default=None)


def _require_admin(actor: User) -> None:
    if not permissions.can_administer(actor):
        raise Forbidden(N_("Only an administrator can read or change the coalition's settings."))


def _stored(session: Session) -> InstanceSetting | None:
    return session.exec(select(InstanceSetting).order_by(InstanceSetting.id)).first()


def read(session: Session, actor: User) -> InstanceSettingsRead:
    _require_admin(actor)
    found = _stored(session)
    return InstanceSettingsRead(
        require_totp_for_leads=bool(found and found.require_totp_for_leads),
        default_visibility=found.default_visibility if found else None)


def update(session: Session, actor: User, data: InstanceSettingsUpdate) -> InstanceSettingsRead:
    """Changes what was sent; written through the ORM, so the audit log keeps who changed what
    from what, like every other administrator's change."""
    _require_admin(actor)
    found = _stored(session) or InstanceSetting()
    sent = data.model_fields_set
    if "require_totp_for_leads" in sent and data.require_totp_for_leads is not None:
        found.require_totp_for_leads = data.require_totp_for_leads
    if "default_visibility" in sent:
        found.default_visibility = data.default_visibility
    session.add(found)
    session.flush()
    return read(session, actor)
