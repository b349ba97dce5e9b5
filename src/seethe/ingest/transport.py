"""An HTTP transport that connects only to checked addresses, within one total deadline.

``pinned_transport`` gives httpx a network layer whose ``connect_tcp`` asks
the ``AddressGuard`` for the addresses it checked for the host (checking them
then if need be) and connects to one of those, never resolving the name
again; TLS still verifies the certificate against the host name.  Every
connect, read, write and TLS handshake is given at most the time left before
the fetch's ``Deadline``, so a server that trickles a byte every few seconds
is cut off when the deadline passes, not at the first quiet read.
"""

from __future__ import annotations

import time
import typing

import httpcore
import httpx

from seethe.ingest.addresses import AddressGuard


class Deadline:
    """The moment one fetch (every redirect hop and the whole body) must be done by."""

    def __init__(self, seconds: float, clock: typing.Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.at = clock() + seconds

    def left(self) -> float:
        return self.at - self._clock()

    def clamp(self, timeout: float | None, expired: type[Exception]) -> float:
        """``timeout`` cut to the time left; raises ``expired`` when none is."""
        left = self.left()
        if left <= 0:
            raise expired(f"the {self.seconds:g} s deadline has passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      self._deadline.clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects a host name only to the addresses ``guard`` checked for it."""

    def __init__(self, guard: AddressGuard, deadline: Deadline, inner: httpcore.NetworkBackend | None = None) -> None:
        self.guard = guard
        self.deadline = deadline
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        failure: Exception | None = None
        for address in self.guard.pinned(host, port):
            try:
                stream = self.inner.connect_tcp(str(address), port,
                                                self.deadline.clamp(timeout, httpcore.ConnectTimeout),
                                                local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next checked address may answer
                continue
            return _DeadlineStream(stream, self.deadline)
        raise failure or httpcore.ConnectError(f"no address to connect to for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("fetching refuses Unix sockets")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def pinned_transport(guard: AddressGuard, deadline: Deadline,
                     network: httpcore.NetworkBackend | None = None) -> httpx.HTTPTransport:
    """An httpx transport over ``PinnedBackend`` (``network`` replaces the sockets underneath, for tests)."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx does not take a network backend itself; its connection pool does.  (A proxy
    # from the environment is not used: it would resolve the name where it cannot be checked.)
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), max_connections=4,
                                              network_backend=PinnedBackend(guard, deadline, network))
    return transport
