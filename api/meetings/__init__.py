"""meetings."""

# Every write of a meeting through a session stamps its local day: registered with the package,
# as the permission rules are with api.auth, so no way of writing a meeting can miss it.
from api.meetings import local_days as local_days
