"""The one outbound HTTP client of Moyeu: webhooks, connectors, anything calling out.

Everything that leaves Moyeu over HTTP goes through :class:`OutboundClient` (a ruff rule bans
``urllib3``, ``requests``, ``httpx`` and ``urllib.request`` elsewhere). It is built on urllib3
(pooled, thread-safe) and adds what a server calling user-supplied URLs needs:

- **SSRF guard at connect time.** The host is resolved when the connection is opened and
  every address is checked: loopback, private, link-local, carrier-grade NAT, multicast,
  unspecified, reserved and documentation ranges, and their IPv6 forms (IPv4-mapped,
  IPv4-compatible, NAT64, 6to4, Teredo) are refused unless an administrator allows the host or
  address explicitly (``MOYEU_OUTBOUND_ALLOWED_HOSTS``). The socket is then connected to the
  checked address itself, so a DNS answer that changes between check and connect (rebinding)
  cannot slip through. Cloud metadata addresses are refused even when allowed.
- **Timeouts** on connect and read, and a total deadline.
- **Response size limit.** At most ``max_response_bytes`` are read; the rest is dropped with
  the connection (``Response.truncated``).
- **Redirects only to the same scheme, host and port**, at most ``max_redirects``, each hop
  checked again at connect time; GET and HEAD follow any redirect status, other methods only
  307 and 308 (which keep the method and body). Other redirects are returned as they are.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses to try, in order. Tests replace it to play DNS.
Resolver = Callable[[str, int], list[str]]

# Never reachable, whatever the allow list says: instance metadata services.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class OutboundError(Exception):
    """A request that could not be made or completed; ``str()`` says why, for the log."""


class ForbiddenTarget(OutboundError):
    """The target resolves to an address Moyeu does not call (SSRF guard)."""


class InvalidTarget(OutboundError):
    """The URL itself is not one Moyeu calls (scheme, credentials, no host)."""


class TransportError(OutboundError):
    """Connection refused or reset, timeout, TLS failure, name not found..."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for *_ignored, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone index
        if address not in seen:
            seen.append(address)
    return seen


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if any(address in network for network in _NAT64):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def is_public_address(address: Address) -> bool:
    """True for an address of the public internet, False for anything internal or special."""
    if address in METADATA_ADDRESSES:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _IPV4_COMPATIBLE:
            return False  # ::a.b.c.d (deprecated) and ::, ::1
        embedded = _embedded_ipv4(address)
        if embedded:
            return all(is_public_address(inner) for inner in embedded)
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class AllowList:
    """Hosts (names) and addresses or networks an administrator allows despite the guard."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        networks: list[Network] = []
        for raw in entries:
            entry = raw.strip().lower().strip("[]")
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: Address) -> bool:
        if address in METADATA_ADDRESSES:
            return False
        if host.lower().rstrip(".") in self.hosts:
            return True
        return any(address in network for network in self.networks)


def configured_allow_list() -> AllowList:
    return AllowList.parse(settings.MOYEU_OUTBOUND_ALLOWED_HOSTS)


@dataclass
class Guard:
    """Decides, at connect time, which addresses of a host may be connected to."""

    resolver: Resolver | None = None
    allow_list: AllowList | None = None  # None: read the setting at each connection

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses of ``host`` Moyeu may connect to; ForbiddenTarget when none."""
        allowed = self.allow_list or configured_allow_list()
        literal = host.strip("[]")
        try:
            candidates = [str(ipaddress.ip_address(literal))]
        except ValueError:
            try:
                candidates = (self.resolver or system_resolver)(literal, port)
            except OSError as exc:
                raise TransportError(f"cannot resolve {host}: {exc}") from exc
        usable: list[str] = []
        refused: list[str] = []
        for candidate in candidates:
            address = ipaddress.ip_address(candidate)
            if is_public_address(address) or allowed.allows(literal, address):
                usable.append(str(address))
            else:
                refused.append(str(address))
        if not usable:
            where = ", ".join(refused) or "no address"
            raise ForbiddenTarget(
                f"{host} resolves to {where}: internal addresses are not called "
                "(an administrator can allow a host in MOYEU_OUTBOUND_ALLOWED_HOSTS)"
            )
        return usable


class _GuardedConnectionMixin:
    guard: Guard
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        last_error: OSError | None = None
        for address in self.guard.addresses(self.host, self.port):
            try:
                sock = socket.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address
                )
            except OSError as exc:
                last_error = exc
                continue
            for option in self.socket_options or ():
                sock.setsockopt(*option)
            return sock
        raise TransportError(f"cannot connect to {self.host}:{self.port}: {last_error}")


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    truncated: bool
    elapsed: float  # seconds, first byte sent to last byte read, redirects included
    url: str  # the last URL requested (after redirects)
    redirects: list[str] = field(default_factory=list)


class OutboundClient:
    """A pooled, guarded HTTP client; one per purpose (webhooks...), shared by threads."""

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_list: AllowList | None = None,
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
        total_timeout: float | None = None,
        max_response_bytes: int | None = None,
        max_redirects: int = 3,
        pool_size: int = 10,
        user_agent: str = "Moyeu",
    ) -> None:
        self.guard = Guard(resolver, allow_list)
        self.timeout = urllib3.Timeout(
            connect=connect_timeout or settings.MOYEU_OUTBOUND_CONNECT_TIMEOUT,
            read=read_timeout or settings.MOYEU_OUTBOUND_READ_TIMEOUT,
            total=total_timeout or settings.MOYEU_OUTBOUND_TOTAL_TIMEOUT,
        )
        self.max_response_bytes = max_response_bytes or settings.MOYEU_OUTBOUND_MAX_RESPONSE_BYTES
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        guard = self.guard
        http_pool = type(
            "GuardedHTTPPool",
            (HTTPConnectionPool,),
            {"ConnectionCls": type("Conn", (GuardedHTTPConnection,), {"guard": guard})},
        )
        https_pool = type(
            "GuardedHTTPSPool",
            (HTTPSConnectionPool,),
            {"ConnectionCls": type("Conn", (GuardedHTTPSConnection,), {"guard": guard})},
        )
        self._pools = urllib3.PoolManager(num_pools=50, maxsize=pool_size, block=False)
        self._pools.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

    def close(self) -> None:
        self._pools.clear()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response:
        """Send one request (following same-host redirects); raise OutboundError on failure.

        Any HTTP status is a Response; only failures to get one raise.
        """
        method = method.upper()
        origin = _origin(url)
        sent_headers = {"User-Agent": self.user_agent, **(headers or {})}
        started = time.monotonic()
        redirects: list[str] = []
        current = url
        while True:
            response = self._send(method, current, sent_headers, body)
            location = response.headers.get("location")
            follow = (
                response.status in REDIRECT_STATUSES
                and location
                and (method in {"GET", "HEAD"} or response.status in {307, 308})
            )
            if not follow or len(redirects) >= self.max_redirects:
                break
            target = urljoin(current, location or "")
            if _origin(target, check=False) != origin:
                raise ForbiddenTarget(f"redirect to another host refused: {target}")
            redirects.append(target)
            current = target
        response.elapsed = time.monotonic() - started
        response.redirects = redirects
        return response

    def _send(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response:
        try:
            raw = self._pools.request(
                method,
                url,
                body=body,
                headers=headers,
                redirect=False,
                retries=False,
                timeout=self.timeout,
                preload_content=False,
            )
        except OutboundError:
            raise
        except Urllib3Error as exc:
            raise _unwrap(exc) from exc
        try:
            chunks: list[bytes] = []
            size = 0
            truncated = False
            for chunk in raw.stream(65536):
                size += len(chunk)
                if size > self.max_response_bytes:
                    chunks.append(chunk[: len(chunk) - (size - self.max_response_bytes)])
                    truncated = True
                    break
                chunks.append(chunk)
        except Urllib3Error as exc:
            raw.release_conn()
            raise _unwrap(exc) from exc
        if truncated:
            raw.close()  # never read the rest: drop the connection
        else:
            raw.release_conn()
        return Response(
            status=raw.status,
            headers={k.lower(): v for k, v in raw.headers.items()},
            body=b"".join(chunks),
            truncated=truncated,
            elapsed=0.0,
            url=url,
        )


def _unwrap(exc: Exception) -> OutboundError:
    """The guard's own errors travel inside urllib3's; give them back as they were."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OutboundError):
            return current
        current = getattr(current, "reason", None) or current.__cause__ or current.__context__
    return TransportError(f"{type(exc).__name__}: {exc}")


def _origin(url: str, *, check: bool = True) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise InvalidTarget(f"only http and https URLs are called, not {scheme or 'none'}")
    if parts.username or parts.password:
        raise InvalidTarget("URLs with credentials are not called; use a header or a secret")
    host = (parts.hostname or "").lower()
    if not host:
        raise InvalidTarget("the URL has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise InvalidTarget(f"bad port in URL: {exc}") from exc
    return scheme, host, port


def validate_target(url: str) -> None:
    """Early check of a URL an administrator enters (scheme, host, literal addresses).

    Names are only resolved when connecting (they may change): this refuses what is already
    certain to be refused then.
    """
    _scheme, host, _port = _origin(url)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not is_public_address(address) and not configured_allow_list().allows(host, address):
        raise ForbiddenTarget(
            f"{host} is an internal address: it is not called unless an administrator "
            "allows it in MOYEU_OUTBOUND_ALLOWED_HOSTS"
        )
