"""The address every link the app sends out starts with: OVERSIGHT_BASE_URL when it is set, else
where `oversight serve` serves, so a copied feed or emailed link reaches this instance."""

from api.settings import Settings, get_settings

# `oversight serve`'s own default address, for processes that serve nothing themselves (the
# alert worker, the CLI) when neither address is known.
FALLBACK = "http://127.0.0.1:8000"
# Bound to these, a server answers on every interface; a browser cannot open them as written.
ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", ""})  # noqa: S104


def listens_everywhere(host: str) -> bool:
    return host.strip() in ALL_INTERFACES


def browsable(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server bound to host and port."""
    host = host.strip()
    if host in ("::", "[::]"):
        host = "[::1]"
    elif listens_everywhere(host):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def base_url(settings: Settings | None = None) -> str:
    """Without a trailing slash, ready for a path."""
    settings = settings or get_settings()
    return (settings.base_url.strip() or settings.served_url.strip() or FALLBACK).rstrip("/")
