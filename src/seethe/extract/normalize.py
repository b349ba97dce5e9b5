"""Normalize: a report's content (plain text, HTML or Markdown) to plain text.

The plain text is what every character offset Seethe prints points into.
``Document.source_offset(i)`` maps a plain-text offset back to the report's
original content, so a reviewer can find the evidence in the HTML it came from.

Two strings of equal length are kept: ``text`` (what a person reads, with curly
quotes and dashes made plain) and ``folded`` (lower case, diacritics removed:
``Hamgyŏng`` → ``hamgyong``), which the cue and place matchers search.  Because
the two have the same length, an offset found in one is valid in the other.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
from dataclasses import dataclass
from html.parser import HTMLParser

from seethe.models import Report

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


def _fold_char(c: str) -> str:
    if c.isascii():
        return c.lower()
    low = c.lower()
    if len(low) != 1:
        low = c
    decomposed = unicodedata.normalize("NFD", low)
    base = decomposed[0]
    # Keep Hangul and other scripts as they are; strip marks from Latin letters only.
    if base.isascii() and base.isalpha():
        return base
    return low


# A translation table grown as new characters are seen; str.translate does the work in C.
_FOLD_TABLE: dict[int, str] = {i: chr(i).lower() for i in range(128)}


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics from Latin letters, one char for one."""
    table = _FOLD_TABLE
    for c in set(text):
        if ord(c) not in table:
            table[ord(c)] = _fold_char(c)
    return text.translate(table)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    index: int


@dataclass(frozen=True, slots=True)
class Document:
    """A report's plain text with its paragraphs and sentences."""

    report: Report
    text: str
    folded: str
    offsets: "OffsetMap"
    paragraphs: tuple[Span, ...]
    sentences: tuple[Sentence, ...]

    def source_offset(self, i: int) -> int:
        """Where plain-text offset ``i`` is in the report's original content."""
        return self.offsets.source(i, len(self.report.text))

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]


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
_MARKDOWN = re.compile(
    r"(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|\[(?P<link>[^\]\n]*)\]\([^)\n]*\)"
    r"|(?P<heading>^[ \t]{0,3}#{1,6}[ \t]+)"
    r"|(?P<quote>^[ \t]{0,3}>[ \t]?)"
    r"|(?P<bullet>^[ \t]*(?:[-*+]|\d+[.)])[ \t]+)"
    r"|(?P<emph>\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])|`)"
    r"|(?P<tag></?[a-zA-Z][^>\n]*>)",
    re.M,
)


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
        for piece in re.finditer(r"[^\n]+|\n(?:[ \t]*\n)+|\n", chunk):
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


# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "gen", "lt", "col", "sgt", "maj", "capt", "prof",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "nos", "vs", "etc", "inc", "co", "corp", "ltd", "approx", "est", "dept", "gov", "rep",
    "a.m", "p.m", "u.s", "u.n", "e.g", "i.e", "u.k", "r.o.k", "d.p.r.k",
}
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\[…+\.?\]|\[\.\.\.+\]")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")


def _split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    s = start
    for m in _BOUNDARY.finditer(text, start, end):
        b = m.end()
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(start, m.start() - 12), m.start())
            word = w.group(1).lower().rstrip(".") if w else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        # The next sentence starts with an upper-case letter, digit, quote or bracket.
        nxt = b
        while nxt < end and text[nxt] == " ":
            nxt += 1
        if nxt < end and not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"'[(" or not text[nxt].isascii()):
            continue
        if b - s > 1:
            out.append((s, b))
        s = nxt
    if end > s:
        out.append((s, end))
    return out


def segment(text: str) -> tuple[tuple[Span, ...], tuple[Sentence, ...]]:
    """Paragraphs (separated by newlines) and the sentences in each."""
    paragraphs: list[Span] = []
    sentences: list[Sentence] = []
    for m in re.finditer(r"[^\n]+", text):
        if not m.group().strip():
            continue
        p_index = len(paragraphs)
        paragraphs.append(Span(m.start(), m.end()))
        for a, b in _split_sentences(text, m.start(), m.end()):
            while a < b and text[a] == " ":
                a += 1
            while b > a and text[b - 1] == " ":
                b -= 1
            if b > a:
                sentences.append(Sentence(a, b, p_index, len(sentences)))
    return tuple(paragraphs), tuple(sentences)


def normalize(report: Report) -> Document:
    """Build the plain-text ``Document`` for a report."""
    text, offsets = to_plain_text(report.text, report.media_type)
    paragraphs, sentences = segment(text)
    return Document(
        report=report,
        text=text,
        folded=fold(text),
        offsets=offsets,
        paragraphs=paragraphs,
        sentences=sentences,
    )
