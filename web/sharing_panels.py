"""Panels of record pages about sharing: an organization's export of what it shares."""

from typing import Any

from sqlmodel import Session

from api.auth import permissions
from api.auth.models import User
from api.exports import redacted
from api.i18n.catalogs import gettext


def organization_export(session: Session, actor: User, organization: Any) -> dict[str, Any]:
    """The export form, for those who may run it: the organization's members and admins."""
    if not permissions.may_export_organization(actor, organization.id):
        return {"shared_export_tiers": []}
    return {"shared_export_tiers": [(tier.value, gettext(redacted.TIER_WORDS[tier]))
                                    for tier in redacted.TIERS]}
