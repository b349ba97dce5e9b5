"""Attribution: which outlets a report credits for what it says.

Reports credit outlets in a few recurring forms: "Radio Free Asia reports",
"told Daily NK", "[Daily NK]", "RFA's Korean Service", "according to Asia
Press", "NK News reported".  Every alias in the profile's outlets file is
matched; credits are kept per paragraph, because a blog that quotes two
outlets credits each for its own paragraphs.  A bare mention of an outlet
("the RFA broadcast was jammed") is not a credit: the alias must stand next
to a verb of reporting, in brackets, or after "according to"/"told".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Iterable

import ahocorasick

from seethe.profile import Lexicon, Outlet
from seethe.text import Document


@dataclass(frozen=True, slots=True)
class Credit:
    outlet: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class CreditGrammar:
    """How the language credits an outlet, from the lexicon's ``credit`` words."""

    verbs: frozenset[str]
    last_word: frozenset[str]  # "told Daily NK", "via RFA"
    last_two: frozenset[tuple[str, str]]  # "according to", "reported by"
    conversation_nouns: frozenset[str]  # "in an interview with"
    conversation_preposition: str
    verb_prepositions: frozenset[str]  # "reported by", "said to"
    article: str
    after: re.Pattern[str]  # "RFA reported", "Daily NK has learned", "RFA's Korean Service said"

    @classmethod
    def from_lexicon(cls, lex: Lexicon) -> "CreditGrammar":
        c = lex.credit
        verbs = "|".join(re.escape(v) for v in sorted(c.report_verbs, key=len, reverse=True))
        tails = "|".join(re.escape(t) for t in sorted(c.possessive_tails, key=len, reverse=True))
        possessive = rf"(?:'s?(?:\s+(?:{tails}))?)?" if tails else r"(?:'s?)?"
        return cls(
            verbs=frozenset(v for v in c.report_verbs if " " not in v),
            last_word=frozenset(c.before_last_word),
            last_two=frozenset(tuple(p) for p in c.before_last_two),
            conversation_nouns=frozenset(c.conversation_nouns),
            conversation_preposition=c.conversation_preposition,
            verb_prepositions=frozenset(c.verb_prepositions),
            article=c.article,
            after=re.compile(rf"^{possessive}\s+(?:\w+\s+){{0,2}}?(?:{verbs})\b", re.I),
        )

    def credits_before(self, before: str) -> bool:
        """Whether the words before an outlet's name credit it: "told", "according to", "reported by"."""
        words = before.lower().split()[-6:]
        if words and words[-1] == self.article:
            words = words[:-1]
        if not words:
            return False
        if words[-1] in self.last_word or tuple(words[-2:]) in self.last_two:
            return True
        if words[-1] == self.conversation_preposition and any(w in self.conversation_nouns for w in words[-4:]):
            return True
        return words[-1] in self.verb_prepositions and any(w in self.verbs for w in words[-3:-1])


@dataclass(frozen=True, slots=True)
class OutletMatcher:
    aliases: Any  # an Aho-Corasick automaton over lower-case aliases
    by_alias: dict[str, str]
    grammar: CreditGrammar


def compile_outlets(outlets: Iterable[Outlet], lexicon: Lexicon) -> OutletMatcher:
    by_alias: dict[str, str] = {}
    for o in outlets:
        for a in o.aliases:
            by_alias[a.lower()] = o.name
    auto = ahocorasick.Automaton()
    for alias in by_alias:
        auto.add_word(alias, alias)
    auto.make_automaton()
    return OutletMatcher(auto, by_alias, CreditGrammar.from_lexicon(lexicon))


def find_credits(doc: Document, matcher: OutletMatcher) -> list[Credit]:
    """Every credit to an outlet in the report, with its paragraph.

    Each alias occurrence is a credit when it stands in brackets ("[Daily
    NK]"), after "according to"/"told"/"reported by", or before a verb of
    reporting ("RFA reported", "Daily NK has learned").
    """
    text = doc.text
    grammar = matcher.grammar
    out = []
    starts = [p.start for p in doc.paragraphs]
    low = doc.folded
    found = []
    for end, alias in matcher.aliases.iter(low):
        a, b = end - len(alias) + 1, end + 1
        if (a > 0 and low[a - 1].isalnum()) or (b < len(low) and low[b].isalnum()):
            continue
        # Keep the longest alias at each position ("Radio Free Asia's Korean Service" over "RFA").
        if found and found[-1][0] <= a < found[-1][1]:
            if b - a > found[-1][1] - found[-1][0]:
                found[-1] = (a, b, alias)
            continue
        found.append((a, b, alias))
    for a, b, alias in found:
        name = matcher.by_alias[alias]
        before = text[max(0, a - 60):a]
        after = text[b:b + 60]
        bracketed = before.rstrip().endswith("[") and after.lstrip().startswith("]")
        if not (bracketed or (before[-1:].isspace() and grammar.credits_before(before)) or grammar.after.match(after)):
            continue
        para = max(0, bisect.bisect_right(starts, a) - 1)
        out.append(Credit(name, a, b, para))
    return out


class CreditIndex:
    """A report's credits by paragraph, so that asking about one paragraph costs
    what that paragraph holds, not a pass over every credit in the report."""

    def __init__(self, credits: list[Credit]) -> None:
        self.by_paragraph: dict[int, list[str]] = {}
        for c in credits:
            self.by_paragraph.setdefault(c.paragraph, []).append(c.outlet)
        outlets = {c.outlet for c in credits}
        self.only = credits[0].outlet if len(outlets) == 1 else None

    def credits_for(self, paragraph: int, intro: bool = False, report_outlet: str | None = None) -> tuple[str, ...]:
        """Outlets credited in a paragraph, in the order they appear.

        A paragraph with no credit of its own that introduces a quotation (it
        ends with a colon or an elision mark such as "[….]") takes the credit of
        the quoted paragraph that follows it; in a report that credits a single
        outlet, every paragraph takes that outlet.
        """
        names = self.by_paragraph.get(paragraph, [])
        if not names and intro:
            names = self.by_paragraph.get(paragraph + 1, [])
        if not names and self.only is not None:
            names = [self.only]  # a report that credits one outlet throughout credits it everywhere
        return tuple(dict.fromkeys(n for n in names if n != report_outlet))


def introduces_quote(paragraph_text: str) -> bool:
    """Whether a paragraph leads into a quoted passage (ends with ':' or an elision mark)."""
    tail = paragraph_text[-200:].rstrip()  # the end is all that counts; a long paragraph is not searched
    return tail.endswith(":") or re.search(r"\[\s*(?:…|\.\.\.)[.…]*\s*\]$", tail) is not None
