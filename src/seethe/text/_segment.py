"""Segmentation: paragraphs (separated by newlines) and the sentences in each."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from seethe.text._budget import WorkBudget


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


# A boundary is a run of sentence punctuation followed by white space, or an
# elision mark.  The run must start where punctuation starts (the look-behind),
# so a long run of dots is tried once, not once per dot: linear time.
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+(?=\s)|\[…+\.?\]|\[\.\.\.+\]")
_WORD_BEFORE = re.compile(r"([A-Za-z.]+)$")


def _split_sentences(text: str, start: int, end: int, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    out = []
    s = start
    for m in _BOUNDARY.finditer(text, start, end):
        b = m.end()
        if text[m.start()] == ".":
            w = _WORD_BEFORE.search(text, max(start, m.start() - 12), m.start())
            word = w.group(1).lower().rstrip(".") if w else ""
            if word in abbreviations or (len(word) == 1 and word.isalpha()):
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


_PARAGRAPH = re.compile(r"[^\n]+")
# Real sentences are far shorter.  A longer stretch without sentence punctuation
# (a list, a page without full stops) is cut at a space before this length, so
# the per-sentence work of later stages, and an incident's evidence, stay bounded.
MAX_SENTENCE_CHARS = 2_000


def _cut_long(text: str, a: int, b: int) -> Iterable[tuple[int, int]]:
    while b - a > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS)
        cut = cut if cut > a else a + MAX_SENTENCE_CHARS
        yield a, cut
        a = cut
    yield a, b


def segment(text: str, abbreviations: Iterable[str] = (),
            budget: WorkBudget | None = None) -> tuple[tuple[Span, ...], tuple[Sentence, ...]]:
    """Paragraphs (separated by newlines) and the sentences in each.

    A sentence is at most ``MAX_SENTENCE_CHARS`` long.  A period after one of ``abbreviations`` (the language lexicon's: "Mr", "Jan",
    "a.m") or after a single letter does not end a sentence.
    """
    abbrev = frozenset(a.lower().rstrip(".") for a in abbreviations)
    paragraphs: list[Span] = []
    sentences: list[Sentence] = []
    budget = budget or WorkBudget.unlimited()
    for m in _PARAGRAPH.finditer(text):
        budget.tick()
        if not m.group().strip():
            continue
        p_index = len(paragraphs)
        paragraphs.append(Span(m.start(), m.end()))
        for whole in _split_sentences(text, m.start(), m.end(), abbrev):
            budget.tick()
            for a, b in _cut_long(text, *whole):
                while a < b and text[a] == " ":
                    a += 1
                while b > a and text[b - 1] == " ":
                    b -= 1
                if b > a:
                    sentences.append(Sentence(a, b, p_index, len(sentences)))
    return tuple(paragraphs), tuple(sentences)
