"""The address a request comes from: the connection's peer, or what a trusted proxy says."""

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.datastructures import Headers
from starlette.types import Scope

from api.settings import get_settings

Network = IPv4Network | IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(setting: str) -> tuple[Network, ...]:
    """OVERSIGHT_TRUSTED_PROXIES as networks: addresses and CIDRs, separated by commas."""
    return tuple(ip_network(entry, strict=False) for entry in setting.replace(",", " ").split())


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in networks)


def client_address(scope: Scope) -> str:
    """The peer's address; when the peer is a trusted proxy, the nearest address in
    X-Forwarded-For that is not one of ours. Read from the right: a client can write anything
    on the left of the header, but each proxy appends the address it was reached from."""
    client = scope.get("client")
    peer = str(client[0]) if client else ""
    networks = trusted_networks(get_settings().trusted_proxies)
    if not networks or not _is_trusted(peer, networks):
        return peer
    forwarded = ",".join(Headers(scope=scope).getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        if _parsed(hop) is None:
            # Not an address: nothing to the left of it can be believed either.
            break
        if not _is_trusted(hop, networks):
            return hop
        nearest = hop
    # Only our own proxies, or no header: the furthest of them that can be believed.
    return nearest
