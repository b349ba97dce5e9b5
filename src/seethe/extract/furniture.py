"""Page furniture: the parts of a page that are not the report's body.

A real page carries more than the report: a headline (often repeated as the
body's first line), a dateline and byline, photo captions ("(FILE PHOTO) …",
"/ Photo = …"), highlight bullets, "Related articles" lines, footnote marks,
share buttons and copyright lines.  None of them tells a happening of its own:
a headline restates the body, a caption describes a picture.  Which lines are
furniture is written in the language lexicon (``furniture``), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seethe.profile import Lexicon
from seethe.text import Document

_WORDS = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?\"'”’]$")
_NOTE = re.compile(r"^\[.*\]$")
_NOT_KEY = re.compile(r"\W+")


@dataclass(frozen=True, slots=True)
class FurniturePatterns:
    lines: tuple[re.Pattern[str], ...]
    head_meta: re.Pattern[str]

    @classmethod
    def from_lexicon(cls, lex: Lexicon) -> "FurniturePatterns":
        f = lex.furniture
        return cls(tuple(re.compile(p) for p in f.lines), re.compile(f.head_meta))


def _key(text: str) -> str:
    return _NOT_KEY.sub(" ", text.lower()).strip()


def furniture_paragraphs(doc: Document, patterns: FurniturePatterns) -> tuple[set[int], set[int]]:
    """Indexes of the paragraphs that are furniture, and of those that are the page's head.

    The head — leading headline-like paragraphs (short, no sentence
    punctuation), "Key: value" lines and bracketed notes — ends at the first
    paragraph of prose.  Anywhere else, a paragraph matching a furniture line
    pattern, or repeating a headline, is furniture.  Only the head says where
    the story is: a caption names where a picture was taken.
    """
    text = doc.text
    out: set[int] = set()
    head: set[int] = set()
    headlines: set[str] = set()
    in_head = True
    for i, para in enumerate(doc.paragraphs):
        body = text[para.start:para.end].strip()
        words = len(_WORDS.findall(body))
        lined = any(p.search(body) for p in patterns.lines)
        if in_head and i < 8 and lined:
            out.add(i)  # a caption or byline among the head's lines: furniture, but it does not head the story
            continue
        if in_head and i < 8:
            short = words <= 20
            # The first line may be a long headline ("..., 2,000 Workers Riot, Leading to Deaths; ...").
            # A headline may end on a quoted phrase ("...: “Incidents are on the rise”"); a sentence ends inside it.
            headline = (short or (i == 0 and words <= 35)) and not _SENTENCE_END.search(body.rstrip("\"'”’"))
            meta = short and patterns.head_meta.match(body) is not None and body.count(".") <= 1
            if headline or meta or _NOTE.match(body):
                out.add(i)
                head.add(i)
                if headline and words >= 3:
                    headlines.add(_key(body))
                continue
            in_head = False
        if lined or (words <= 40 and _key(body) in headlines):
            out.add(i)
    return out, head
