"""Which network addresses a fetch may connect to, and the one place host names are resolved.

A tool that fetches whatever a feed links to must not become a way into the
analyst's own network.  By default every address in IANA's special-purpose
address registries (IPv4 and IPv6) is refused, as are multicast and, for
IPv6, anything outside global unicast (2000::/3).  IPv6 forms that carry an
IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by the address they carry,
so ``64:ff9b::7f00:1`` and ``2002:7f00:1::`` are refused like ``127.0.0.1``.

``AddressGuard`` resolves a host once, refuses it if any of its addresses is
refused, and remembers (pins) the addresses it checked, so that the
connection goes to exactly those addresses: a name that resolves to a public
address for the check and to 127.0.0.1 a moment later is never fetched from
127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable

from seethe.errors import ReportError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

# IANA IPv4 Special-Purpose Address Registry, every entry (RFC 6890 and later), plus multicast.
SPECIAL_IPV4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8",  # "this network"
    "10.0.0.0/8",  # private use
    "100.64.0.0/10",  # shared address space (carrier-grade NAT)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link local
    "172.16.0.0/12",  # private use
    "192.0.0.0/24",  # IETF protocol assignments (DS-Lite, NAT64 discovery, PCP and TURN anycast)
    "192.0.2.0/24",  # documentation (TEST-NET-1)
    "192.31.196.0/24",  # AS112-v4
    "192.52.193.0/24",  # AMT
    "192.88.99.0/24",  # deprecated 6to4 relay anycast
    "192.168.0.0/16",  # private use
    "192.175.48.0/24",  # direct delegation AS112 service
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation (TEST-NET-2)
    "203.0.113.0/24",  # documentation (TEST-NET-3)
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and 255.255.255.255 limited broadcast
))

# IANA IPv6 Special-Purpose Address Registry, every entry that does not carry an
# IPv4 address, plus the IPv6 space outside global unicast.
SPECIAL_IPV6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/128",  # unspecified
    "::1/128",  # loopback
    "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation
    "100::/64",  # discard-only
    "100:0:0:1::/64",  # dummy prefix
    "2001::/23",  # IETF protocol assignments (Teredo, benchmarking, ORCHID, AS112-v6, AMT, ...)
    "2001:db8::/32",  # documentation
    "2620:4f:8000::/48",  # direct delegation AS112 service
    "3fff::/20",  # documentation
    "5f00::/16",  # segment routing (SRv6) SIDs
    "fc00::/7",  # unique local
    "fe80::/10",  # link local
    "fec0::/10",  # deprecated site local
    "ff00::/8",  # multicast
))
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
# IPv6 forms whose meaning is an IPv4 address: judged by that address.
NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    return None


def refusal(address: IPAddress) -> str | None:
    """Why a fetch may not connect to ``address`` by default (the block it is in), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "a scoped IPv6 address"
        carried = embedded_ipv4(address)
        if carried is not None:
            reason = refusal(carried)
            return f"carrying {carried}, {reason}" if reason else None
        for network in SPECIAL_IPV6:
            if address in network:
                return f"in special-purpose block {network}"
        if address not in GLOBAL_UNICAST_V6:
            return "outside IPv6 global unicast (2000::/3)"
        return None
    for network in SPECIAL_IPV4:
        if address in network:
            return f"special-purpose block {network}"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the operating system gives for ``host``."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(info[4][0] for info in infos))


class AddressGuard:
    """Resolves host names once per host and port, refuses special-purpose addresses
    (unless ``allow_private``), and pins the addresses it checked for the connection."""

    def __init__(self, resolver: Resolver | None = None, allow_private: bool = False) -> None:
        self.resolver = resolver or system_resolver
        self.allow_private = allow_private
        self.pins: dict[tuple[str, int], list[IPAddress]] = {}

    def check(self, host: str, port: int, url: str) -> list[IPAddress]:
        """The addresses ``host`` may be fetched from (resolved now and pinned); ``ReportError`` if refused."""
        addresses = self._resolve(host, port, url)
        if not self.allow_private:
            for address in addresses:
                reason = refusal(address)
                if reason:
                    raise ReportError(f"refusing to fetch from a private or local address ({address}, {reason})",
                                      source=url, code="report.private_address")
        self.pins[(host.lower(), port)] = addresses
        return addresses

    def pinned(self, host: str, port: int) -> list[IPAddress]:
        """The addresses checked for ``host`` on this fetch, checking them now if it has not been."""
        found = self.pins.get((host.lower(), port))
        return found if found is not None else self.check(host, port, f"{host}:{port}")

    def _resolve(self, host: str, port: int, url: str) -> list[IPAddress]:
        literal = host.strip("[]")
        try:
            return [ipaddress.ip_address(literal)]
        except ValueError:
            pass
        try:
            found = self.resolver(host, port)
        except (OSError, UnicodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise ReportError(f"cannot resolve host {host}: {reason}", source=url, code="report.dns") from None
        addresses = []
        for text in found:
            try:
                addresses.append(ipaddress.ip_address(text))
            except ValueError:
                raise ReportError(f"host {host} resolved to something that is not an address ({text[:60]!r})",
                                  source=url, code="report.dns") from None
        if not addresses:
            raise ReportError(f"host {host} has no address", source=url, code="report.dns")
        return addresses
