"""Who may bring outside data in or ask outside services on the coalition's behalf: campaign
leads and administrators, and trusted code (the command line and the scheduler)."""


from api.auth import permissions
from api.auth.models import User
from api.errors import Forbidden
from api.i18n.catalogs import N_


def may_bring_in(actor: User) -> bool:
    """Imports write many shared records at once, and syncs and counts spend the outside
    services' patience, so they are for the coalition's leads."""
    return permissions.acts_as_lead(actor)


def require_lead(actor: User) -> None:
    if not may_bring_in(actor):
        raise Forbidden(N_("Only a campaign lead or an administrator can do this."))
