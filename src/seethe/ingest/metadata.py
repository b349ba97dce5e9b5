"""What a report file says about itself: publication date, outlet, URL and title.

Every scan here is linear in the text and reads a bounded head of it.  Front
matter and datelines are read line by line with anchored patterns; HTML tags
are found by a pattern that stops at the next angle bracket, and each tag's
attributes are read once, by a pattern that starts only where a name can
start.  (Unanchored patterns whose white-space runs could also match newlines
once took minutes on a file that opens with 300 blank lines, and a page of
20,000 unclosed ``<meta`` tags was scanned once per tag.)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator

from seethe.text import front_matter

HTML_HEAD_CHARS = 200_000  # where a page's meta and time tags are looked for
TITLE_CHARS = 50_000
DATELINE_CHARS = 600  # a dateline or outlet line is in the first lines of a text
HTML_DATELINE_CHARS = 3_000
MAX_DATE_CHARS = 100  # longer values are not dates; dateutil need not read them
PUBLICATION_YEARS = range(1900, 2101)  # a date outside is a mistake or a trap, not when a report appeared

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_ISO_DATE = re.compile(r"((?:19|20)\d\d)-([01]?\d)-([0-3]?\d)")
# Matched at the start of one stripped line: an optional label, then a date.
_DATELINE = re.compile(
    rf"(?:(?:published|posted|date|updated)[ \t]*+:?[ \t]*+|:[ \t]*+)?"
    rf"(?:(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    rf"|(?P<mdy>(?:{_MONTHS})\.?[ \t]++[0-3]?\d,?[ \t]++(?:19|20)\d\d)"
    rf"|(?P<dmy>[0-3]?\d[ \t]++(?:{_MONTHS})\.?[ \t]++(?:19|20)\d\d))",
    re.I,
)
_OUTLET_LINE = re.compile(r"(?:outlet|source|publisher)[ \t]*+:[ \t]*+(?P<value>.{2,80})", re.I)
_FM_KEY = re.compile(r"[A-Za-z_][\w-]*")
# A tag's name and its attribute text, up to the next angle bracket.
_TAG = re.compile(r"<(?P<name>meta|time|title)\b(?P<attrs>[^<>]*+)(?P<close>>?)", re.I)
# One attribute; it starts only after white space, a quote or a slash, so a
# long run of name characters is tried once, not once per character.
_ATTR = re.compile(
    r"""(?<![^\s"'/])(?P<name>[^\s=<>"'/]++)\s*+=\s*+(?:"(?P<dq>[^"]*+)"|'(?P<sq>[^']*+)'|(?P<bare>[^\s"'<>]++))"""
)
_ANY_TAG = re.compile(r"<[^<>]*+>")
_SPACES = re.compile(r"\s++")

_DATE_KEYS = {"article:published_time", "og:published_time", "datepublished", "date", "dc.date", "pubdate",
              "publish-date"}
_FM_FIELDS = {"published": "published", "date": "published", "pubdate": "published", "published_at": "published",
              "outlet": "outlet", "source": "outlet", "site": "outlet", "publisher": "outlet",
              "url": "url", "link": "url", "canonical": "url", "title": "title"}
_META_FIELDS = {**{k: "published" for k in _DATE_KEYS}, "og:site_name": "outlet", "og:url": "url",
                "og:title": "title"}


@dataclass(frozen=True, slots=True)
class FileMeta:
    published: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    title: str | None = None


def plausible_publication(day: dt.date | None) -> dt.date | None:
    """``day`` if a report can have been published on it (years 1900-2100), else None."""
    return day if day is not None and day.year in PUBLICATION_YEARS else None


def parse_date(value: str) -> dt.date | None:
    """A publication date from ISO, "March 6, 2016" or "6 March 2016" text; None when it is not one."""
    value = value.strip()
    if not value or len(value) > MAX_DATE_CHARS:
        return None
    m = _ISO_DATE.match(value)
    if m:
        try:
            return plausible_publication(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            return None
    from dateutil import parser as dateparser

    try:
        return plausible_publication(dateparser.parse(value, fuzzy=False, default=dt.datetime(1900, 1, 1)).date())
    except (ValueError, OverflowError, TypeError):
        return None


class _Found:
    """The first value found for each field; later sources fill only what is still missing."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def offer(self, field: str, value: str) -> None:
        value = value.strip()
        if not value or self.values.get(field) is not None:
            return
        self.values[field] = parse_date(value) if field == "published" else value

    def meta(self) -> FileMeta:
        return FileMeta(**{k: v for k, v in self.values.items() if v is not None})


def _front_matter_fields(text: str, span: tuple[int, int, int]) -> Iterator[tuple[str, str]]:
    for line in text[span[0]:span[1]].split("\n"):
        key, colon, value = line.partition(":")
        key = key.strip()
        if colon and _FM_KEY.fullmatch(key) and key.lower() in _FM_FIELDS:
            yield _FM_FIELDS[key.lower()], value.strip().strip("\"'")


def _attributes(attrs: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(attrs):
        value = m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None \
            else m.group("bare")
        out.setdefault(m.group("name").lower(), value)
    return out


def _html_fields(text: str) -> Iterator[tuple[str, str]]:
    """Fields from meta tags (either attribute order), then ``<time datetime>``, then ``<title>``."""
    head = text[:HTML_HEAD_CHARS]
    times: list[str] = []
    title: str | None = None
    for tag in _TAG.finditer(head):
        name = tag.group("name").lower()
        if name == "title":
            if title is None and tag.group("close") and tag.start() < TITLE_CHARS:
                title = _title_text(head, tag.end())
            continue
        attrs = _attributes(tag.group("attrs"))
        if name == "time":
            if "datetime" in attrs:
                times.append(attrs["datetime"])
            continue
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _META_FIELDS and "content" in attrs:
            yield _META_FIELDS[key], attrs["content"]
    for value in times[:1]:
        yield "published", value
    if title is not None:
        yield "title", title


def _title_text(head: str, start: int) -> str:
    end = head.lower().find("</title", start, TITLE_CHARS)
    if end < 0:
        return ""
    return _SPACES.sub(" ", _ANY_TAG.sub("", head[start:end])).strip()


def _head_lines(text: str, media_type: str, start: int) -> list[str]:
    """The first lines of the body, stripped (tags removed from HTML)."""
    if media_type == "text/html":
        head = _ANY_TAG.sub(" ", text[start:start + HTML_DATELINE_CHARS])
    else:
        head = text[start:start + DATELINE_CHARS]
    return [line.strip() for line in head.split("\n")]


def _dateline(lines: list[str]) -> str | None:
    for line in lines:
        m = _DATELINE.match(line)
        if m:
            return m.group("iso") or m.group("mdy") or m.group("dmy")
    return None


def _outlet_line(lines: list[str]) -> str | None:
    for line in lines[:-1]:  # a line cut off by the window is not read
        m = _OUTLET_LINE.fullmatch(line)
        if m:
            return m.group("value")
    return None


def read_metadata(text: str, media_type: str) -> FileMeta:
    """Publication date, outlet, URL and title a file carries about itself.

    Front matter comes first, then (for HTML) meta, time and title tags, then a
    dateline or outlet line among the first lines of the body.
    """
    found = _Found()
    fm = front_matter(text)
    if fm:
        for field, value in _front_matter_fields(text, fm):
            found.offer(field, value)
    if media_type == "text/html":
        for field, value in _html_fields(text):
            found.offer(field, value)
    lines = _head_lines(text, media_type, fm[2] if fm else 0)
    if media_type == "text/plain" and found.values.get("outlet") is None:
        found.offer("outlet", _outlet_line(lines) or "")
    if found.values.get("published") is None:
        found.offer("published", _dateline(lines) or "")
    return found.meta()
