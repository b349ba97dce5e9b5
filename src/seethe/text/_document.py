"""The plain-text ``Document`` a report becomes before any stage reads it.

Two strings of equal length are kept: ``text`` (what a person reads, with
curly quotes and dashes made plain) and ``folded`` (lower case, diacritics
removed: ``Hamgyŏng`` → ``hamgyong``), which the cue and place matchers
search.  Because the two have the same length, an offset found in one is
valid in the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from seethe.models import Report
from seethe.text._budget import WorkBudget
from seethe.text._fold import fold
from seethe.text._markup import OffsetMap, to_plain_text
from seethe.text._segment import Sentence, Span, segment


@dataclass(frozen=True, slots=True)
class Document:
    """A report's plain text with its paragraphs and sentences."""

    report: Report
    text: str
    folded: str
    offsets: OffsetMap
    paragraphs: tuple[Span, ...]
    sentences: tuple[Sentence, ...]

    def source_offset(self, i: int) -> int:
        """Where plain-text offset ``i`` is in the report's original content."""
        return self.offsets.source(i, len(self.report.text))

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]


def normalize(report: Report, abbreviations: Iterable[str] = (), budget: WorkBudget | None = None) -> Document:
    """Build the plain-text ``Document`` for a report.

    ``abbreviations`` are the language's words after which a period does not
    end a sentence (``Lexicon.abbreviations``).
    """
    text, offsets = to_plain_text(report.text, report.media_type, budget)
    paragraphs, sentences = segment(text, abbreviations, budget)
    return Document(
        report=report,
        text=text,
        folded=fold(text),
        offsets=offsets,
        paragraphs=paragraphs,
        sentences=sentences,
    )
