"""The headers every response carries, errors and static files included: a content security
policy that lets in nothing from elsewhere, no framing, no referrer, and no caching of data."""


from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth.access import is_public_page
from api.auth.cookies import is_secure
from api.outer_layers import LayeredApp

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
HSTS = "max-age=63072000; includeSubDomains"


# Sent on every response, in place of any the app set; built once, as raw headers.
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
HSTS_HEADER = (b"strict-transport-security", HSTS.encode())
# Pages and API answers hold coalition data: never kept by a browser or a proxy.
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """The headers every response carries, errors and static files included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = list(SECURITY_HEADERS)
        if is_secure(scope):
            added.append(HSTS_HEADER)
        # A published campaign page is public by design: it says how a shared cache may keep it.
        public = is_public_page(scope["path"])
        data = not scope["path"].startswith("/static/") and not public
        if data:
            added.append(NO_STORE)
        replaced = {name for name, _ in added}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # One pass over the raw headers: setting each through MutableHeaders scans
                # them all once per header.
                headers = []
                pragma = False
                for name, value in message.get("headers", []):
                    lower = name.lower()
                    if lower in replaced:
                        continue
                    pragma = pragma or lower == b"pragma"
                    if lower == b"vary" and not public and b"cookie" not in value.lower():
                        value += b", Cookie"
                    headers.append((name, value))
                headers.extend(added)
                if data and not pragma:
                    headers.append((b"pragma", b"no-cache"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: LayeredApp) -> None:
    """Outside everything the app builds, so even an unexpected error's answer carries them."""
    app.add_outer_layer(SecurityHeaders)
