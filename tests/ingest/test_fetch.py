"""Fetching: the address policy, URL parsing, pinned connections, one total deadline, no secrets shown (issue 12).

Only local traffic: host names are answered by stand-in resolvers, public
addresses by a stand-in network layer, and real sockets go to servers the
tests start on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import threading
import time

import httpcore
import httpx
import pytest
from hypothesis import given, settings, strategies as st

from seethe.errors import ReportError
from seethe.ingest.addresses import AddressGuard, refusal
from seethe.ingest.transport import Deadline, pinned_transport
from seethe.ingest.web import fetch, parse_target

REFUSED = [
    "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "100.127.255.254",
    "169.254.169.254", "0.0.0.0", "0.1.2.3", "192.0.0.8", "192.0.0.170", "192.0.2.1", "198.18.0.1", "198.19.255.1",
    "198.51.100.7", "203.0.113.9", "192.88.99.1", "192.31.196.1", "192.52.193.1", "192.175.48.1", "224.0.0.1",
    "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "::127.0.0.1", "100::1",
    "2001::1", "2001:2::1", "2001:db8::1", "3fff::1", "5f00::1", "64:ff9b:1::1", "2620:4f:8000::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:100.64.0.1",
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::c000:aa",  # NAT64 of 127.0.0.1, 10.0.0.1, 192.0.0.170
    "2002:7f00:1::", "2002:c0a8:101::1", "2002:6440:1::",  # 6to4 of 127.0.0.1, 192.168.1.1, 100.64.0.1
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8",
           "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_special_purpose_addresses_are_refused(address):
    assert refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def _carries_ipv4(address) -> bool:
    return isinstance(address, ipaddress.IPv6Address) and (
        address.ipv4_mapped or address.sixtofour or address in ipaddress.ip_network("64:ff9b::/96"))


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.integers(0, 2**32 - 1).map(ipaddress.IPv4Address),
                 st.integers(0, 2**128 - 1).map(ipaddress.IPv6Address)))
def test_every_address_python_calls_non_global_is_refused(address):
    if not address.is_global and not _carries_ipv4(address):
        assert refusal(address), address


@pytest.mark.parametrize("url, problem", [
    ("http://127.0.0.1:99999/x", "Port out of range"),
    ("http://[::1/x", "Invalid IPv6 URL"),
    ("http://host:abc/x", "malformed URL"),
    ("http://" + "a" * 300 + ".com/x", "too long"),
    ("http://" + "a" * 64 + ".example/x", "label"),
    ("http://a..b/x", "label"),
    ("http:///x", "no host"),
    ("http://exa mple.com/x", "white space"),
    ("http://example.com/\x00", "control"),
    ("http://example.com:0/x", "port 0"),
    ("http://example.com/" + "x" * 9000, "longer than"),
    ("ftp://example.com/x", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
])
def test_malformed_urls_are_one_line_report_errors(url, problem):
    with pytest.raises(ReportError) as err:
        parse_target(url)
    assert problem in err.value.message
    assert err.value.code == "report.url"
    assert "\n" not in err.value.one_line() and len(err.value.one_line()) < 500


def test_an_internationalized_host_is_a_host():
    assert parse_target("https://例え.jp/news").port == 443


class Resolver:
    """A stand-in for DNS: answers from a table (or a list of answers, one per call) and counts calls."""

    def __init__(self, answers):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, host, port):
        self.calls.append(host)
        answer = self.answers[host]
        return answer.pop(0) if isinstance(answer, list) and isinstance(answer[0], list) else answer


@pytest.fixture
def local_server():
    """A server on 127.0.0.1 that records the Host header of each request and serves a page."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Host"))
            body = b"<html><body><p>Local page.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_the_connection_goes_to_the_address_the_resolver_gave_and_checked(local_server):
    port, seen = local_server
    resolver = Resolver({"news.example": ["127.0.0.1"]})
    body, _, final = fetch(f"http://news.example:{port}/a", resolver=resolver, allow_private=True, timeout=10)
    assert b"Local page" in body and final.endswith("/a")
    assert seen == [f"news.example:{port}"]  # the name was kept for the server
    assert resolver.calls == ["news.example"]  # resolved once: checked and connected alike


def test_a_name_that_resolves_to_a_local_address_is_refused_before_connecting(local_server):
    port, seen = local_server
    with pytest.raises(ReportError) as err:
        fetch(f"http://news.example:{port}/a", resolver=Resolver({"news.example": ["127.0.0.1"]}), timeout=10)
    assert err.value.code == "report.private_address"
    assert seen == []


class StandInNetwork(httpcore.MockBackend):
    """The socket layer replaced: records where each connection goes and answers with canned HTTP."""

    def __init__(self, responses: list[bytes]):
        super().__init__([])
        self.responses = responses
        self.connections: list[tuple[str, int]] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connections.append((host, port))
        if not self.responses:
            raise httpcore.ConnectError("nothing answers there")
        return httpcore.MockStream([self.responses.pop(0)])


def _pinned_client(guard, network, seconds=10.0):
    return httpx.Client(transport=pinned_transport(guard, Deadline(seconds), network), follow_redirects=False)


def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_fetched_from_loopback(local_server):
    port, seen = local_server
    # The first answer is public (it passes the check); every later one is 127.0.0.1.
    resolver = Resolver({"rebind.example": [["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]]})
    guard = AddressGuard(resolver)
    network = StandInNetwork([])
    with pytest.raises(ReportError, match="cannot fetch"):
        fetch(f"http://rebind.example:{port}/a", client=_pinned_client(guard, network), guard=guard, timeout=10)
    assert network.connections == [("93.184.216.34", port)]
    assert resolver.calls == ["rebind.example"]
    assert seen == []


def test_every_redirect_hop_is_checked_and_pinned():
    redirect = b"HTTP/1.1 302 Found\r\nLocation: http://intranet.example/admin\r\nContent-Length: 0\r\n\r\n"
    resolver = Resolver({"news.example": ["93.184.216.34"], "intranet.example": ["10.0.0.5"]})
    guard = AddressGuard(resolver)
    network = StandInNetwork([redirect])
    with pytest.raises(ReportError) as err:
        fetch("http://news.example/story", client=_pinned_client(guard, network), guard=guard, timeout=10)
    assert err.value.code == "report.private_address" and "10.0.0.5" in err.value.message
    assert network.connections == [("93.184.216.34", 80)]


def test_a_public_page_through_the_pinned_transport():
    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello"
    guard = AddressGuard(Resolver({"news.example": ["2606:4700::1111", "93.184.216.34"]}))
    network = StandInNetwork([page])
    body, ctype, _ = fetch("http://news.example/", client=_pinned_client(guard, network), guard=guard)
    assert body == b"hello" and ctype == "text/html"
    assert network.connections == [("2606:4700::1111", 80)]


def test_one_refused_address_among_several_refuses_the_host():
    guard = AddressGuard(Resolver({"mixed.example": ["93.184.216.34", "127.0.0.1"]}))
    with pytest.raises(ReportError, match="127.0.0.1"):
        guard.check("mixed.example", 80, "http://mixed.example/")


@pytest.fixture
def trickling_server():
    """A server that sends headers, then one byte every 0.3 s for as long as the client listens."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(4096)
                try:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
                    while not stop.is_set():
                        conn.sendall(b"x")
                        time.sleep(0.3)
                except OSError:
                    pass  # the client hung up: what the deadline is for

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    stop.set()
    thread.join(5)
    listener.close()


def test_a_trickling_server_is_cut_off_at_the_total_deadline(trickling_server, finishes_within):
    started = time.monotonic()
    with pytest.raises(ReportError) as err, finishes_within(30):
        fetch(trickling_server, allow_private=True, timeout=1.5)
    elapsed = time.monotonic() - started
    assert err.value.code == "report.timeout" and "1.5 s" in err.value.message
    # Each read was quick, so a timeout per read never fired: only a total deadline stops this.
    assert elapsed < 6


def test_credentials_in_a_url_never_reach_a_message():
    # Port 1 on loopback refuses the connection: the error names the URL, without its password.
    with pytest.raises(ReportError) as err:
        fetch("http://analyst:hunter2@127.0.0.1:1/feed?token=abc123", allow_private=True, timeout=5)
    line = err.value.one_line()
    assert "hunter2" not in line and "abc123" not in line
    assert "analyst:***@127.0.0.1:1" in line


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class RecordingStream(httpcore.NetworkStream):
    def __init__(self):
        self.timeouts: list[float | None] = []

    def read(self, max_bytes, timeout=None):
        self.timeouts.append(timeout)
        return b"x"


def test_every_read_waits_at_most_the_time_left_before_the_deadline():
    from seethe.ingest.transport import _DeadlineStream

    clock = Clock()
    inner = RecordingStream()
    stream = _DeadlineStream(inner, Deadline(10.0, clock))
    stream.read(1, timeout=20.0)  # a per-read timeout longer than the fetch may take
    clock.now = 7.5
    stream.read(1, timeout=20.0)
    stream.read(1, timeout=None)
    assert inner.timeouts == [10.0, 2.5, 2.5]
    clock.now = 10.0
    with pytest.raises(httpcore.ReadTimeout):
        stream.read(1, timeout=20.0)
    assert len(inner.timeouts) == 3  # past the deadline the socket is not read at all
