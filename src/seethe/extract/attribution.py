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

import re
from dataclasses import dataclass

from seethe.extract.normalize import Document
from seethe.profile import Outlet

_REPORT_VERBS = (
    r"reports?|reported|said|says|quoted|cited|citing|publish(?:es|ed)?|claims?|claimed|wrote|writes|"
    r"revealed|learned|learnt|confirmed|notes|noted|relayed|carried|broke the news|first reported|"
    r"also reports|also publishes|has learned|was told|obtained"
)


@dataclass(frozen=True, slots=True)
class Credit:
    outlet: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class OutletMatcher:
    pattern: re.Pattern[str]
    by_alias: dict[str, str]


def compile_outlets(outlets: list[Outlet]) -> OutletMatcher:
    by_alias: dict[str, str] = {}
    for o in outlets:
        for a in o.aliases:
            by_alias[a.lower()] = o.name
    alts = "|".join(re.escape(a) for a in sorted(by_alias, key=len, reverse=True))
    alias = rf"(?P<alias>{alts})(?:'s?(?:\s+korean(?:\s+service)?)?)?"
    pattern = re.compile(
        r"(?:"
        rf"\[\s*{alias.replace('alias', 'a1')}\s*\]"                                     # [Daily NK]
        rf"|(?:according\s+to|told|tells|telling|speaking\s+to|spoke\s+to|in\s+an?\s+(?:interview|phone\s+call)\s+with|reported\s+by|quoted\s+by|cited\s+by|via|citing|source\s+for)\s+(?:the\s+)?{alias.replace('alias', 'a2')}"
        rf"|(?:the\s+)?{alias.replace('alias', 'a3')}\s+(?:\w+\s+){{0,2}}?(?:{_REPORT_VERBS})\b"
        rf"|(?:{_REPORT_VERBS})\s+(?:\w+\s+){{0,1}}?(?:by|to|in)\s+(?:the\s+)?{alias.replace('alias', 'a4')}"
        rf"|(?:,|\()\s*{alias.replace('alias', 'a5')}\s+(?:reported|reports|said|says)"
        r")",
        re.I,
    )
    return OutletMatcher(pattern, by_alias)


def find_credits(doc: Document, matcher: OutletMatcher) -> list[Credit]:
    """Every credit to an outlet in the report, with its paragraph."""
    out = []
    import bisect

    starts = [p.start for p in doc.paragraphs]
    for m in matcher.pattern.finditer(doc.text):
        alias = next(v for k, v in m.groupdict().items() if v and k.startswith("a"))
        name = matcher.by_alias.get(alias.lower())
        if not name:
            continue
        para = max(0, bisect.bisect_right(starts, m.start()) - 1)
        out.append(Credit(name, m.start(), m.end(), para))
    return out


def credits_for(credits: list[Credit], paragraph: int, intro: bool = False, report_outlet: str | None = None) -> tuple[str, ...]:
    """Outlets credited in a paragraph, in the order they appear.

    A paragraph with no credit of its own that introduces a quotation (it
    ends with a colon or an elision mark such as "[….]") takes the credit of
    the quoted paragraph that follows it.
    """
    names = [c.outlet for c in credits if c.paragraph == paragraph]
    if not names and intro:
        names = [c.outlet for c in credits if c.paragraph == paragraph + 1]
    return tuple(dict.fromkeys(n for n in names if n != report_outlet))


def introduces_quote(paragraph_text: str) -> bool:
    """Whether a paragraph leads into a quoted passage (ends with ':' or an elision mark)."""
    tail = paragraph_text.rstrip()
    return tail.endswith(":") or re.search(r"\[\s*(?:…|\.\.\.)[.…]*\s*\]$", tail) is not None
