"""Markup to plain text: HTML, Markdown and plain text, with an offset map back to the source.

The plain text is what every character offset Seethe prints points into.
``OffsetMap.source(i)`` maps a plain-text offset back to the report's original
content, so a reviewer can find the evidence in the HTML it came from.

Every pattern here runs in time linear in the text: none has nested
quantifiers over overlapping classes, and each alternative that scans ahead
stops at the next character that could start another match.
"""

from __future__ import annotations

import bisect
import html
import re
from array import array
from typing import Iterator

from seethe.text._budget import WorkBudget

# One-for-one replacements, so offsets survive.  Why: reports copied from web
# pages mix typographic and plain punctuation, and cue patterns are written
# with plain ASCII quotes and hyphens.
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u3000": " ",
    "\t": " ", "\r": " ", "\f": " ", "\v": " ",
})


_NON_SPACE = re.compile(r"[^ \n\t\r]+")
_WS_RUN = re.compile(r"[ \t\r]{2}|[\t\r]")


class OffsetMap:
    """Plain-text offsets to source offsets, as runs copied verbatim.

    Each run is (plain start, source start): characters from there on map one
    for one until the next run.  Storing runs instead of one number per
    character keeps normalization fast and small.
    """

    __slots__ = ("plain", "source_at")

    def __init__(self) -> None:
        self.plain = array("l")
        self.source_at = array("l")

    def add_run(self, plain_start: int, source_start: int) -> None:
        self.plain.append(plain_start)
        self.source_at.append(source_start)

    def source(self, i: int, source_length: int) -> int:
        if not self.plain:
            return min(i, source_length)
        k = bisect.bisect_right(self.plain, i) - 1
        if k < 0:
            return 0
        return min(self.source_at[k] + (i - self.plain[k]), source_length)

    def plain_offset(self, source_offset: int) -> int:
        """Where a source offset lands in the plain text (the run that holds it, or the next one)."""
        if not self.plain:
            return source_offset
        k = bisect.bisect_right(self.source_at, source_offset) - 1
        if k < 0:
            return 0
        return self.plain[k] + (source_offset - self.source_at[k])

    def __len__(self) -> int:
        return len(self.plain)


class _TextBuilder:
    """Accumulates plain text and the runs that map it back to the source."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets = OffsetMap()
        self.pending_break = 0  # 1 = space, 2 = paragraph
        self.length = 0

    def add(self, text: str, source_start: int) -> None:
        # Runs of non-space characters are copied whole; spaces between them fold to one.
        for m in _NON_SPACE.finditer(text):
            a, b = m.start(), m.end()
            if a > 0 and self.pending_break < 1:
                self.pending_break = 1
            self._flush_break(source_start + a)
            self.offsets.add_run(self.length, source_start + a)
            self.parts.append(m.group())
            self.length += b - a
        if text and text[-1] in " \n\t\r" and self.pending_break < 1:
            self.pending_break = 1

    def add_clean(self, text: str, source_start: int) -> None:
        """Add text that has no leading, trailing or repeated white space."""
        self._flush_break(source_start)
        self.offsets.add_run(self.length, source_start)
        self.parts.append(text)
        self.length += len(text)

    def add_break(self, paragraph: bool) -> None:
        self.pending_break = max(self.pending_break, 2 if paragraph else 1)

    def _flush_break(self, source_at: int) -> None:
        if self.pending_break and self.length:
            sep = "\n" if self.pending_break == 2 else " "
            self.offsets.add_run(self.length, source_at)
            self.parts.append(sep)
            self.length += 1
        self.pending_break = 0

    def result(self) -> tuple[str, OffsetMap]:
        return "".join(self.parts), self.offsets


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "article", "section", "blockquote", "pre", "hr", "figcaption", "dd", "dt", "title",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "footer", "form", "iframe", "button"}


# One HTML token at a time, each consumed whole and never scanned again, so the
# tokenizer is linear however the markup is broken.  As in the HTML standard, a
# tag or comment that is never closed runs to the end of the page (and shows
# nothing); quoted attribute values may hold ">".  (The standard library's
# parser rescans the rest of the page at every unclosed "<meta" or "<!--":
# quadratic, minutes on a page of them.)
_ENTITY = r"&(?:#[xX][0-9a-fA-F]{1,8}+;?|#[0-9]{1,8}+;?|[A-Za-z][A-Za-z0-9]{0,31}+;?)"
_HTML_TOKEN = re.compile(
    r"(?P<text>[^<&]++)"
    rf"|(?P<entity>{_ENTITY})"
    r"|(?P<comment><!--(?:(?!-->).)*+(?:-->)?)"
    r"|<(?P<end>/?)(?P<tag>[A-Za-z][^\s/<>]*+)(?P<attrs>(?:[^>\"']++|\"[^\"]*+\"|'[^']*+'|[\"'])*+)(?P<close>>?)"
    r"|(?P<bogus></?[!?/](?:[^>]*+)>?)"
    r"|(?P<other>[<&])",
    re.S,
)
# Elements whose content is text up to their end tag, never markup; in the
# first two, entities still count.
_RAW_TEXT = {"title", "textarea", "script", "style", "xmp", "iframe", "noembed", "noframes"}
_RCDATA = re.compile(rf"[^&]++|(?P<entity>{_ENTITY})|&")


class _HTMLText:
    """Visible text and paragraph breaks of an HTML page, as it is tokenized."""

    def __init__(self) -> None:
        self.builder = _TextBuilder()
        self.skip_depth = 0
        self.in_head = False
        self.in_title = False

    def start(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag == "head":
            self.in_head = True
        elif tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS:
            self.builder.add_break(tag != "br" and tag != "td" and tag != "th")

    def end(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
        if tag in _BLOCK_TAGS:
            self.builder.add_break(tag not in ("td", "th"))

    def text(self, data: str, at: int) -> None:
        if not self.skip_depth and (not self.in_head or self.in_title):
            self.builder.add(data, at)

    def raw_text(self, source: str, tag: str, at: int) -> int:
        """Text of a raw-text element (``<script>``, ``<title>``) up to its end tag; where it ends."""
        close = re.compile(rf"</{tag}(?=[\s/>]|\Z)", re.I).search(source, at)  # re caches the pattern
        stop = close.start() if close else len(source)
        if tag in ("title", "textarea"):
            for m in _RCDATA.finditer(source, at, stop):
                self.text(html.unescape(m.group()) if m.group("entity") else m.group(), m.start())
        return stop


def html_to_text(source: str, budget: WorkBudget | None = None) -> tuple[str, OffsetMap]:
    """Visible text of an HTML page, with block elements as paragraph breaks."""
    budget = budget or WorkBudget.unlimited()
    page = _HTMLText()
    pos = 0
    while pos < len(source):
        budget.tick()
        m = _HTML_TOKEN.match(source, pos)
        pos = m.end()
        if m.group("text") is not None or m.group("other") is not None:
            page.text(m.group(), m.start())
        elif m.group("entity") is not None:
            page.text(html.unescape(m.group()), m.start())
        elif m.group("tag") is not None and m.group("close"):  # an unclosed tag runs to the end: ignored
            tag = m.group("tag").lower()
            if m.group("end"):
                page.end(tag)
                continue
            page.start(tag)
            if m.group("attrs").endswith("/"):
                page.end(tag)
            elif tag in _RAW_TEXT:
                pos = page.raw_text(source, tag, pos)
    return page.builder.result()


FRONT_MATTER_LIMIT = 64_000  # front matter is a few lines; a closing fence further on is not one
_FENCE_OPEN = re.compile(r"---[ \t]*+\n")
_FENCE_CLOSE = re.compile(r"\n---[ \t]*+\n")


def front_matter(source: str) -> tuple[int, int, int] | None:
    """Where a leading ``---`` front-matter block is: (body start, body end, block end), or None.

    The closing fence is looked for in the first ``FRONT_MATTER_LIMIT``
    characters only, so a document that opens with ``---`` and never closes it
    costs no more than that.
    """
    opening = _FENCE_OPEN.match(source)
    if opening is None:
        return None
    body_start = opening.end() - 1  # the closing fence may follow the opening one directly
    closing = _FENCE_CLOSE.search(source, body_start, min(len(source), FRONT_MATTER_LIMIT))
    if closing is None:
        return None
    return opening.end(), max(opening.end(), closing.start()), closing.end()
# Link and image texts and targets stop at the next bracket or parenthesis, and a
# tag at the next angle bracket, so no attempt scans past where another could
# begin (a line of "[" or "<a" stays linear).
_MARKDOWN = re.compile(
    r"(?P<image>!\[[^\[\]\n]*\]\([^()\n]*\))"
    r"|\[(?P<link>[^\[\]\n]*)\]\([^()\n]*\)"
    r"|(?P<heading>^[ \t]{0,3}#{1,6}[ \t]+)"
    r"|(?P<quote>^[ \t]{0,3}>[ \t]?)"
    r"|(?P<bullet>^[ \t]*(?:[-*+]|\d+[.)])[ \t]+)"
    r"|(?P<emph>\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])|`)"
    r"|(?P<tag></?[a-zA-Z][^<>\n]*>)",
    re.M,
)

_MD_LINES = re.compile(r"[^\n]+|\n(?:[ \t]*+\n)++|\n")


def markdown_to_text(source: str, budget: WorkBudget | None = None) -> tuple[str, OffsetMap]:
    """Markdown with its markup removed; blank lines separate paragraphs."""
    builder = _TextBuilder()
    pos = 0
    fm = front_matter(source)
    if fm:
        pos = fm[2]

    def add_plain(chunk: str, at: int) -> None:
        # Blank lines end a paragraph; single newlines inside one are spaces,
        # except before a list item or heading, which start their own line.
        for piece in _MD_LINES.finditer(chunk):
            t = piece.group()
            if t.startswith("\n"):
                builder.add_break(paragraph=t.count("\n") > 1)
            else:
                builder.add(t, at + piece.start())

    budget = budget or WorkBudget.unlimited()
    for m in _MARKDOWN.finditer(source, pos):
        budget.tick()
        add_plain(source[pos:m.start()], pos)
        if m.group("link") is not None:
            builder.add(m.group("link"), m.start("link"))
        elif m.group("heading") or m.group("bullet"):
            builder.add_break(paragraph=True)
        pos = m.end()
    add_plain(source[pos:], pos)
    return builder.result()


_LINE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")
_WRAP_MIN = 30  # a wrapped line is at least this long: shorter ones are headlines, bylines, menus


def _wrapped_breaks(source: str) -> set[int]:
    """Offsets of the line breaks that only wrap a paragraph (hard-wrapped text, as e-mail and old pages have it).

    A block of lines between blank lines is wrapped when its lines (all but
    the last) are long and at least half of them stop mid-sentence; a block of
    two lines needs its second to go on in lower case.  Elsewhere a line break
    separates paragraphs.
    """
    out: set[int] = set()
    for block in re.finditer(r"[^\n]+(?:\n[^\n]+)+", source):
        lines = list(re.finditer(r"[^\n]+", block.group()))
        heads = [ln.group().strip() for ln in lines[:-1]]
        if any(len(h) < _WRAP_MIN for h in heads):
            continue
        mid = sum(1 for h in heads if not _LINE_END.search(h))
        if mid * 2 < len(heads) or (len(lines) == 2 and not lines[1].group().lstrip()[:1].islower()):
            continue
        out.update(block.start() + ln.end() for ln in lines[:-1])
    return out


def plain_text_lines(source: str, budget: WorkBudget | None = None) -> tuple[str, OffsetMap]:
    """Plain text: a line break separates paragraphs (unless it only wraps one), runs of spaces fold."""
    builder = _TextBuilder()
    budget = budget or WorkBudget.unlimited()
    wrapped = _wrapped_breaks(source) if "\n" in source else set()
    for m in re.finditer(r"[^\n]+|\n+", source):
        budget.tick()
        line = m.group()
        if line.startswith("\n"):
            builder.add_break(paragraph=m.start() not in wrapped)
        elif _WS_RUN.search(line.strip()) is None:
            # The common case: single spaces between words, copied whole.
            stripped = line.strip()
            if stripped:
                builder.add_clean(stripped, m.start() + line.index(stripped[0]))
        else:
            builder.add(line, m.start())
    return builder.result()


def to_plain_text(content: str, media_type: str, budget: WorkBudget | None = None) -> tuple[str, OffsetMap]:
    """Plain text and offset map for content of the given media type."""
    if media_type == "text/html":
        text, offsets = html_to_text(content, budget)
    elif media_type == "text/markdown":
        text, offsets = markdown_to_text(content, budget)
    else:
        text, offsets = plain_text_lines(content, budget)
    return text.translate(_PUNCT), offsets


_MD_LINK = re.compile(r"\]\(\s*+<?([^)\s>\]]{1,2000}+)>?(?:\s++\"[^\"]*+\")?\s*+\)")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]{1,2000}+")
_HREF = re.compile(r"""(?:^|\s)href\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'>]++))""", re.I)


def _hrefs(source: str) -> Iterator[str]:
    """``href`` of every ``<a>`` start tag, read with the page tokenizer (linear on broken markup)."""
    pos = 0
    while pos < len(source):
        m = _HTML_TOKEN.match(source, pos)
        pos = m.end()
        if m.group("tag") is None or m.group("end") or m.group("tag").lower() != "a":
            continue
        href = _HREF.search(m.group("attrs"))
        if href:
            value = html.unescape(next(g for g in href.groups() if g is not None)).strip()
            if value:
                yield value


def links_in(content: str, media_type: str) -> list[str]:
    """The addresses a report links to: ``<a href>`` in HTML, ``[text](url)`` in Markdown, bare URLs in any text.

    Relative links are kept as written; the caller decides what they point at.
    """
    found: list[str] = []
    if "html" in media_type:
        found.extend(_hrefs(content))
    elif "markdown" in media_type:
        found.extend(m.group(1) for m in _MD_LINK.finditer(content))
    for m in _BARE_URL.finditer(content):
        url = m.group(0).rstrip(".,;:")
        found.append(html.unescape(url) if "html" in media_type else url)  # "&amp;" in a page's text is "&"
    return list(dict.fromkeys(found))
