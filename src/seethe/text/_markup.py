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
from html.parser import HTMLParser

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


class _HTMLText(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.builder = _TextBuilder()
        self.skip_depth = 0
        self.in_head = False
        self.in_title = False
        self.line_starts = [0]
        for m in re.finditer("\n", source):
            self.line_starts.append(m.end())

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag == "head":
            self.in_head = True
        elif tag == "title":
            self.in_title = True
        if tag in _BLOCK_TAGS:
            self.builder.add_break(tag != "br" and tag != "td" and tag != "th")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "head":
            self.in_head = False
        elif tag == "title":
            self.in_title = False
        if tag in _BLOCK_TAGS:
            self.builder.add_break(tag not in ("td", "th"))

    def _visible(self) -> bool:
        return not self.skip_depth and (not self.in_head or self.in_title)

    def handle_data(self, data):
        if self._visible():
            self.builder.add(data, self._pos())

    def handle_entityref(self, name):
        if self._visible():
            self.builder.add(html.unescape(f"&{name};"), self._pos())

    def handle_charref(self, name):
        if self._visible():
            self.builder.add(html.unescape(f"&#{name};"), self._pos())


def html_to_text(source: str) -> tuple[str, OffsetMap]:
    """Visible text of an HTML page, with block elements as paragraph breaks."""
    parser = _HTMLText(source)
    parser.feed(source)
    parser.close()
    return parser.builder.result()


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*\n", re.S)
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


def markdown_to_text(source: str) -> tuple[str, OffsetMap]:
    """Markdown with its markup removed; blank lines separate paragraphs."""
    builder = _TextBuilder()
    pos = 0
    fm = _FRONT_MATTER.match(source)
    if fm:
        pos = fm.end()

    def add_plain(chunk: str, at: int) -> None:
        # Blank lines end a paragraph; single newlines inside one are spaces,
        # except before a list item or heading, which start their own line.
        for piece in _MD_LINES.finditer(chunk):
            t = piece.group()
            if t.startswith("\n"):
                builder.add_break(paragraph=t.count("\n") > 1)
            else:
                builder.add(t, at + piece.start())

    for m in _MARKDOWN.finditer(source, pos):
        add_plain(source[pos:m.start()], pos)
        if m.group("link") is not None:
            builder.add(m.group("link"), m.start("link"))
        elif m.group("heading") or m.group("bullet"):
            builder.add_break(paragraph=True)
        pos = m.end()
    add_plain(source[pos:], pos)
    return builder.result()


def plain_text_lines(source: str) -> tuple[str, OffsetMap]:
    """Plain text: every line break separates paragraphs, runs of spaces fold."""
    builder = _TextBuilder()
    for m in re.finditer(r"[^\n]+|\n+", source):
        line = m.group()
        if line.startswith("\n"):
            builder.add_break(paragraph=True)
        elif _WS_RUN.search(line.strip()) is None:
            # The common case: single spaces between words, copied whole.
            stripped = line.strip()
            if stripped:
                builder.add_clean(stripped, m.start() + line.index(stripped[0]))
        else:
            builder.add(line, m.start())
    return builder.result()


def to_plain_text(content: str, media_type: str) -> tuple[str, OffsetMap]:
    """Plain text and offset map for content of the given media type."""
    if media_type == "text/html":
        text, offsets = html_to_text(content)
    elif media_type == "text/markdown":
        text, offsets = markdown_to_text(content)
    else:
        text, offsets = plain_text_lines(content)
    return text.translate(_PUNCT), offsets


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]{1,2000})>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"')\]]{1,2000}")


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            for name, value in attrs:
                if name == "href" and value:
                    self.found.append(value.strip())


def links_in(content: str, media_type: str) -> list[str]:
    """The addresses a report links to: ``<a href>`` in HTML, ``[text](url)`` in Markdown, bare URLs in any text.

    Relative links are kept as written; the caller decides what they point at.
    """
    found: list[str] = []
    if "html" in media_type:
        parser = _Hrefs()
        try:
            parser.feed(content)
            parser.close()
        except Exception:  # noqa: BLE001 - a malformed page still gives the links read so far
            pass
        found.extend(parser.found)
    elif "markdown" in media_type:
        found.extend(m.group(1) for m in _MD_LINK.finditer(content))
    found.extend(m.group(0).rstrip(".,;:") for m in _BARE_URL.finditer(content))
    return list(dict.fromkeys(found))
