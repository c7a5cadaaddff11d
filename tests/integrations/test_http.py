"""The hardened outbound client: SSRF guard at connect time, redirects, limits, timeouts."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

from moyeu.integrations import http
from moyeu.integrations.http import (
    AllowList,
    ForbiddenTarget,
    InvalidTarget,
    OutboundClient,
    TransportError,
    is_public_address,
    validate_target,
)
from tests.integrations.receivers import Received, Receiver, running_receiver

FORBIDDEN = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "169.254.1.1",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104
    "224.0.0.1",
    "239.255.255.250",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd00:ec2::254",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::a00:1",
    "2002:7f00:1::",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
]


@pytest.fixture
def no_connect(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any socket opened to a forbidden address would be a bug: record attempts instead."""
    attempts: list[Any] = []

    def refuse(address: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(address)
        raise AssertionError(f"connected to {address}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize("address", FORBIDDEN)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/hook",
        "http://[::ffff:127.0.0.1]:9/",
        "https://192.168.0.10/",
    ],
)
def test_literal_internal_targets_are_refused_without_connecting(
    url: str, no_connect: list[Any], settings: Any
) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(ForbiddenTarget, match=r"internal addresses are not called"):
        OutboundClient().request("POST", url, body=b"{}")
    assert no_connect == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1"])
def test_names_resolving_to_internal_addresses_are_refused(
    address: str, no_connect: list[Any], settings: Any
) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = []
    asked: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return [address]

    client = OutboundClient(resolver=resolver)
    with pytest.raises(ForbiddenTarget) as refused:
        client.request("GET", "http://hooks.customer.example:8080/x")
    assert str(refused.value).startswith(f"hooks.customer.example resolves to {address}:")
    assert asked == [("hooks.customer.example", 8080)]
    assert no_connect == []


def test_a_name_with_one_internal_address_connects_only_to_the_public_one(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = []
    tried: list[Any] = []

    def record(address: Any, *args: Any, **kwargs: Any) -> Any:
        tried.append(address)
        raise OSError("unreachable in tests")

    monkeypatch.setattr(socket, "create_connection", record)
    client = OutboundClient(resolver=lambda host, port: ["10.0.0.1", "93.184.215.14"])
    with pytest.raises(TransportError, match=r"cannot connect to rebind.example:80"):
        client.request("GET", "http://rebind.example/")
    assert tried == [("93.184.215.14", 80)]


def test_loopback_is_refused_by_default_then_allowed_explicitly(
    receiver: Receiver, settings: Any
) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(ForbiddenTarget):
        OutboundClient().request("POST", receiver.url + "/a", body=b"1")
    assert receiver.received == []
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    answer = OutboundClient().request("POST", receiver.url + "/b", body=b"2")
    assert (answer.status, answer.body, answer.truncated) == (200, b"ok", False)
    assert [(r.path, r.body) for r in receiver.received] == [("/b", b"2")]


def test_allow_list_by_name_and_by_network() -> None:
    allowed = AllowList.parse(["Hooks.Internal.", "10.1.0.0/16", "[::1]"])
    assert allowed.hosts == frozenset({"hooks.internal"})
    assert allowed.allows("hooks.internal", ipaddress.ip_address("10.9.9.9")) is True
    assert allowed.allows("other", ipaddress.ip_address("10.1.2.3")) is True
    assert allowed.allows("other", ipaddress.ip_address("10.2.0.1")) is False
    assert allowed.allows("other", ipaddress.ip_address("::1")) is True
    # Metadata services stay out of reach even when their network is allowed.
    everything = AllowList.parse(["0.0.0.0/0", "metadata.internal"])
    assert everything.allows("metadata.internal", ipaddress.ip_address("169.254.169.254")) is False


def test_metadata_address_is_refused_even_when_allowed(
    settings: Any, no_connect: list[Any]
) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["169.254.0.0/16"]
    with pytest.raises(ForbiddenTarget):
        OutboundClient().request("GET", "http://169.254.169.254/latest/")
    assert no_connect == []


def test_redirect_to_another_host_is_refused(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

    def bounce(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 307, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""

    with running_receiver(bounce) as receiver:
        with pytest.raises(ForbiddenTarget, match=r"redirect to another host refused"):
            OutboundClient().request("POST", receiver.url + "/hook", body=b"{}")
        assert len(receiver.received) == 1


def test_redirect_to_a_name_resolving_to_loopback_is_refused(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

    def bounce(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 302, {"Location": "http://localhost.evil.example/"}, b""

    with running_receiver(bounce) as receiver:
        client = OutboundClient(resolver=lambda host, port: ["127.0.0.1"])
        with pytest.raises(ForbiddenTarget, match=r"redirect to another host refused"):
            client.request("GET", receiver.url + "/start")


def test_same_host_redirects_are_followed_and_bounded(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

    def hop(request: Received) -> tuple[int, dict[str, str], bytes]:
        number = int(request.path.rsplit("/", 1)[1])
        return 308, {"Location": f"/hop/{number + 1}"}, b""

    with running_receiver(hop) as receiver:
        answer = OutboundClient(max_redirects=2).request("POST", receiver.url + "/hop/0", body=b"x")
        assert answer.status == 308
        assert answer.redirects == [receiver.url + "/hop/1", receiver.url + "/hop/2"]
        assert [(r.path, r.body) for r in receiver.received] == [
            ("/hop/0", b"x"),
            ("/hop/1", b"x"),
            ("/hop/2", b"x"),
        ]


def test_post_does_not_follow_a_302(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

    def moved(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 302, {"Location": "/elsewhere"}, b""

    with running_receiver(moved) as receiver:
        answer = OutboundClient().request("POST", receiver.url + "/hook", body=b"x")
        assert (answer.status, answer.redirects, len(receiver.received)) == (302, [], 1)


def test_response_size_is_limited(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

    def big(request: Received) -> tuple[int, dict[str, str], bytes]:
        return 200, {}, b"z" * 200_000

    with running_receiver(big) as receiver:
        answer = OutboundClient(max_response_bytes=1000).request("GET", receiver.url + "/")
        assert (answer.status, len(answer.body), answer.truncated) == (200, 1000, True)


def test_read_timeout_is_a_transport_error(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts, never answers
    try:
        port = listener.getsockname()[1]
        client = OutboundClient(read_timeout=0.2, total_timeout=1)
        with pytest.raises(TransportError, match=r"ReadTimeoutError"):
            client.request("GET", f"http://127.0.0.1:{port}/")
    finally:
        listener.close()


def test_refused_connection_is_a_transport_error(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransportError, match=rf"cannot connect to 127.0.0.1:{port}"):
        OutboundClient().request("GET", f"http://127.0.0.1:{port}/")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example/x", "only http and https URLs are called, not ftp"),
        ("http://user:pw@hooks.example/", "URLs with credentials are not called"),
        ("http:///nohost", "the URL has no host"),
        ("http://hooks.example:99999/", "bad port in URL"),
    ],
)
def test_invalid_targets(url: str, message: str) -> None:
    with pytest.raises(InvalidTarget, match=message):
        validate_target(url)


def test_validate_target_refuses_literal_internal_addresses_only(settings: Any) -> None:
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = []
    with pytest.raises(ForbiddenTarget, match=r"10.0.0.1 is an internal address"):
        validate_target("http://10.0.0.1/hook")
    validate_target("https://hooks.example/hook")  # names are checked when connecting
    settings.MOYEU_OUTBOUND_ALLOWED_HOSTS = ["10.0.0.1"]
    validate_target("http://10.0.0.1/hook")


def test_system_resolver_drops_zone_indexes(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("fe80::1%eth0", 80, 0, 2)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 80)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers)
    assert http.system_resolver("x.example", 80) == ["fe80::1", "93.184.215.14"]
