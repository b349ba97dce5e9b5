"""Reports from the web: article pages by URL and RSS/Atom feeds.

``fetch`` checks every URL it is given or redirected to: a scheme of http or
https, a well-formed host and port (a malformed one is a ``ReportError``
naming the URL, code ``report.url``), and addresses that are not private or
special-purpose unless ``allow_private`` is set (see ``addresses``).  The
connection goes to the addresses that were checked (``transport``); the
whole fetch, every hop and the whole body, has one deadline of ``timeout``
seconds; at most ``max_bytes`` are read.  The article text is taken out of
the page's boilerplate by trafilatura.  Pass an ``httpx.Client`` (``client=``)
to use another transport, as tests do; the addresses are still checked
before each hop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urljoin, urlsplit

from seethe.errors import ReportError
from seethe.ingest.addresses import AddressGuard, Resolver
from seethe.ingest.files import MAX_BYTES
from seethe.ingest.metadata import parse_date, plausible_publication
from seethe.models import Report

USER_AGENT = "Seethe/0.1 (+https://github.com/seethe; research tool)"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
MAX_URL_CHARS = 8_192
MAX_HOST_CHARS = 253  # DNS: a name is at most 253 characters, a label at most 63


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL points: scheme, host (without brackets) and port."""

    url: str
    scheme: str
    host: str
    port: int


def parse_target(url: str) -> Target:
    """The scheme, host and port of a URL to fetch; ``ReportError`` (``report.url``) when it has none usable."""

    def bad(problem: str) -> ReportError:
        return ReportError(f"malformed URL: {problem}", source=url[:300], code="report.url")

    if len(url) > MAX_URL_CHARS:
        raise bad(f"longer than {MAX_URL_CHARS:,} characters")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise bad("it contains white space or control characters")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", a port that is not a number
        raise bad(str(exc)) from None
    if parts.scheme not in ("http", "https"):
        raise ReportError(f"only http and https URLs can be fetched, not {parts.scheme or 'a bare path'}",
                          source=url, code="report.url")
    if not host:
        raise bad("no host")
    if port == 0:
        raise bad("port 0")
    if ":" not in host:  # a name, or an IPv4 address
        if len(host) > MAX_HOST_CHARS or any(not 0 < len(label) <= 63 for label in host.rstrip(".").split(".")):
            raise bad("the host name is too long or has an empty or over-long label")
        try:
            host.encode("idna")
        except UnicodeError:
            raise bad("the host name is not a valid internationalized name") from None
    return Target(url, parts.scheme, host, port or (443 if parts.scheme == "https" else 80))


def fetch(url: str, *, client=None, allow_private: bool = False, resolver: Resolver | None = None,
          guard: AddressGuard | None = None, timeout: float = 20.0, max_bytes: int = MAX_BYTES,
          max_redirects: int = 5) -> tuple[bytes, str, str]:
    """The body, content type and final URL of a page, fetched within ``timeout`` seconds in all."""
    import httpx

    from seethe.ingest.transport import Deadline, pinned_transport

    guard = guard or AddressGuard(resolver, allow_private)
    deadline = Deadline(timeout)
    own = client is None
    if own:
        client = httpx.Client(transport=pinned_transport(guard, deadline), timeout=timeout, trust_env=False,
                              headers={"User-Agent": USER_AGENT}, follow_redirects=False)
    try:
        current = url
        for _ in range(max_redirects + 1):
            target = parse_target(current)
            guard.check(target.host, target.port, current)
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        current = urljoin(current, resp.headers.get("location", ""))
                        continue
                    return _body(resp, url, max_bytes, deadline) + (current,)
            except httpx.TimeoutException:
                raise ReportError(f"timed out after {timeout:g} s", source=url, code="report.timeout") from None
            except httpx.InvalidURL as exc:
                raise ReportError(f"malformed URL: {exc}", source=current[:300], code="report.url") from None
            except httpx.HTTPError as exc:
                raise ReportError(f"cannot fetch: {exc.__class__.__name__}: {exc}", source=url,
                                  code="report.fetch") from None
        raise ReportError(f"more than {max_redirects} redirects", source=url, code="report.fetch")
    finally:
        if own:
            client.close()


def _body(resp, url: str, max_bytes: int, deadline) -> tuple[bytes, str]:
    if resp.status_code >= 400:
        raise ReportError(f"HTTP {resp.status_code}", source=url, code="report.fetch")
    declared = resp.headers.get("content-length") or "0"
    if declared.isdigit() and int(declared) > max_bytes:
        raise ReportError(f"too large ({int(declared) / 1e6:.1f} MB)", source=url, code="report.too_large")
    body = bytearray()
    for chunk in resp.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise ReportError(f"too large (over {max_bytes / 1e6:.0f} MB)", source=url, code="report.too_large")
        if deadline.left() <= 0:  # also with a transport of the caller's, which knows no deadline
            raise ReportError(f"timed out after {deadline.seconds:g} s", source=url, code="report.timeout")
    return bytes(body), resp.headers.get("content-type", "")


def is_feed(body: bytes, content_type: str, url: str = "") -> bool:
    head = body[:600].lstrip().lower()
    return any(t in content_type for t in FEED_TYPES) or url.endswith((".rss", ".atom", ".xml")) \
        or head.startswith(b"<rss") or b"<feed" in head or b"<rdf:rdf" in head


def article_report(body: bytes, url: str, *, published: dt.date | None = None, outlet: str | None = None) -> Report:
    """The article in a fetched page: main text without menus and footers, with its metadata."""
    import trafilatura

    html = body.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ReportError("no article text found on the page", source=url)
    meta = trafilatura.extract_metadata(html, default_url=url)
    date = published or (parse_date(meta.date) if meta and meta.date else None)
    return Report(text=text, source=url, published=date, outlet=outlet or (meta.sitename if meta else None),
                  url=url, title=meta.title if meta else None, media_type="text/plain", raw=body)


MAX_FEED_BYTES = MAX_BYTES


def read_feed_file(path: str, max_bytes: int = MAX_FEED_BYTES) -> bytes:
    """A local feed file's bytes, refused over the size limit like a page."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise ReportError(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)",
                              source=path, code="report.too_large")
        return p.read_bytes()
    except FileNotFoundError:
        raise ReportError("no such file", source=path, code="report.missing") from None
    except OSError as exc:
        raise ReportError(f"cannot read: {exc.strerror}", source=path, code="report.unreadable") from None


def _entry_date(entry) -> dt.date | None:
    # (dict.get: feedparser's own get maps a missing "updated" to "published" with a warning.)
    when = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not when:
        return None
    try:
        return plausible_publication(dt.date(when.tm_year, when.tm_mon, when.tm_mday))
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None


def feed_reports(body: bytes, source: str, *, outlet: str | None = None,
                 on_error: Callable[[str], None] | None = None) -> Iterator[Report]:
    """One report per feed entry, from the entry's content (or summary) in HTML.

    An entry that cannot be made into a report is passed to ``on_error`` as one
    line and skipped; the other entries still come.
    """
    import feedparser

    try:
        parsed = feedparser.parse(body)
    except Exception as exc:  # noqa: BLE001 - feedparser itself fails on some input (a &#99999999; reference)
        raise ReportError(f"not a readable feed ({type(exc).__name__}: {exc})", source=source,
                          code="report.feed") from None
    if parsed.bozo and not parsed.entries:
        raise ReportError(f"not a readable feed ({parsed.bozo_exception.__class__.__name__})", source=source,
                          code="report.feed")
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries):
        where = f"{source}#{n}"
        try:
            content = ""
            if entry.get("content"):
                content = entry.content[0].get("value", "")
            content = content or entry.get("summary", "")
            if not content.strip():
                continue
            title = entry.get("title", "")
            html = f"<h1>{title}</h1>\n{content}" if title else content
            yield Report(
                text=html, source=entry.get("link") or where, published=_entry_date(entry),
                outlet=outlet or feed_title, url=entry.get("link"), title=title or None,
                media_type="text/html", raw=html.encode("utf-8"),
            )
        except Exception as exc:  # noqa: BLE001 - one malformed entry must not cost the feed
            if on_error is None:
                raise
            on_error(f"{where}: entry skipped ({type(exc).__name__}: {exc})")
