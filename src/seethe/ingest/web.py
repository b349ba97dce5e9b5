"""Reports from the web: article pages by URL and RSS/Atom feeds.

``fetch_url`` refuses addresses on private, loopback and link-local networks
unless ``allow_private`` is set (a tool that fetches what a feed links to must
not become a way into the analyst's own network).  It follows redirects one
hop at a time, checking each; gives up after ``timeout`` seconds; and reads at
most ``max_bytes``.  The article text is taken out of the page's boilerplate
by trafilatura.  Pass an ``httpx.Client`` (``client=``) to use another
transport, as tests do.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urljoin, urlparse

from seethe.errors import ReportError
from seethe.ingest.files import MAX_BYTES
from seethe.ingest.metadata import parse_date
from seethe.models import Report

USER_AGENT = "Seethe/0.1 (+https://github.com/seethe; research tool)"
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")


def _check_host(url: str, allow_private: bool) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        raise ReportError(f"only http and https URLs can be fetched, not {parsed.scheme or 'a bare path'}", source=url)
    host = parsed.hostname
    if not host:
        raise ReportError("URL has no host", source=url)
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parsed.port or (443 if parsed.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ReportError(f"cannot resolve host {host}: {exc.strerror}", source=url) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved \
                or address.is_multicast or address.is_unspecified:
            raise ReportError(f"refusing to fetch from a private or local address ({address})", source=url,
                              code="report.private_address")


def fetch(url: str, *, client=None, allow_private: bool = False, timeout: float = 20.0,
          max_bytes: int = MAX_BYTES, max_redirects: int = 5) -> tuple[bytes, str, str]:
    """The body, content type and final URL of a page."""
    import httpx

    own = client is None
    client = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False)
    try:
        current = url
        for _ in range(max_redirects + 1):
            _check_host(current, allow_private)
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        current = urljoin(current, resp.headers.get("location", ""))
                        continue
                    if resp.status_code >= 400:
                        raise ReportError(f"HTTP {resp.status_code}", source=url)
                    declared = int(resp.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise ReportError(f"too large ({declared / 1e6:.1f} MB)", source=url)
                    body = bytearray()
                    for chunk in resp.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise ReportError(f"too large (over {max_bytes / 1e6:.0f} MB)", source=url)
                    return bytes(body), resp.headers.get("content-type", ""), current
            except httpx.TimeoutException:
                raise ReportError(f"timed out after {timeout:.0f} s", source=url) from None
            except httpx.HTTPError as exc:
                raise ReportError(f"cannot fetch: {exc.__class__.__name__}: {exc}", source=url) from None
        raise ReportError(f"more than {max_redirects} redirects", source=url)
    finally:
        if own:
            client.close()


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
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if not when:
        return None
    try:
        return dt.date(when.tm_year, when.tm_mon, when.tm_mday)
    except (ValueError, OverflowError, TypeError):
        return None


def feed_reports(body: bytes, source: str, *, outlet: str | None = None,
                 on_error: Callable[[str], None] | None = None) -> Iterator[Report]:
    """One report per feed entry, from the entry's content (or summary) in HTML.

    An entry that cannot be made into a report is passed to ``on_error`` as one
    line and skipped; the other entries still come.
    """
    import feedparser

    parsed = feedparser.parse(body)
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
