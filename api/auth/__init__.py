"""Who may do what: users and their sessions and tokens, permissions, scoping and the audit."""

# The session hooks (read scoping, the write gate, the audit log) register on import, and every
# table imports this package, so no session runs without them.
from api.auth import audit as audit
from api.auth import scoping as scoping
