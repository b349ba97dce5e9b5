"""Building blocks of hostile reports, shared by the fuzz tests and ``bench/fuzz.py``.

A hostile report is ordinary text with pieces that once broke something
repeated in it: runs of one character, unclosed markup, patterns' own
building blocks, odd Unicode, dates and URLs at the edge of valid.
"""

from __future__ import annotations

import random

ORDINARY = [
    "Police arrested four vendors at Hyesan market on Monday, a source in Ryanggang Province told Daily NK. ",
    "Residents said leaflets criticizing Kim Jong Un were found near the station in Chongjin on May 3. ",
    "Soldiers deserted their unit in Kaesong last week, RFA reported. ",
    "The Ministry of State Security launched an investigation. ",
    "\"We were told to submit our handwriting,\" a resident said. ",
    "Published: 2021-06-10\n", "Outlet: Daily NK\n", "June 10, 2021\n", "---\ntitle: x\npublished: 2020-01-02\n---\n",
    "\n\n", "\n", " ", "I heard this. ", "혜산시에서 단속이 있었다. ", "Hamgyŏng-bukto ",
]
HOSTILE = [
    "\n", " ", "\t", ".", "!", "?", "[", "]", "(", ")", "<", ">", "&", "*", "_", "`", "#", "-", ":", '"', "'", ",",
    "\x00", "\x0b", "\ufeff", "\u200b", "\u202e", "\ufffd", "\U0001f600", "̈", "…", "—", "\r",
    "<meta ", "<time ", "<title>", "<!--", "</", "<a b='", '<p title="', "<div>", "</div>", "<script>", "<![CDATA[",
    "&amp;", "&#x", "&#99999999;", "&bogus", "[...]", "[…]", "![", "](", "**", "__", "> ", "1. ", "- ",
    "published", "Published: ", "posted ", "date:", "outlet:", "source:", "---\n", "Mr. ", "Jan. ", "a.m. ",
    "2021-06-10", "9999-99-99", "June 31, 2021", "31 February 2020", "May", "Hyesan", "Hyesan's", "Pyongyang",
    "Ryanggang Province", "arrested", "executed", "smuggling", "crackdown", "not", "would", "if", "these",
    "http://", "https://user:pw@", "%", "\\", "{", "}",
]


def hostile_text(rnd: random.Random, size: int) -> str:
    """About ``size`` characters: ordinary sentences mixed with hostile pieces, some repeated hundreds of times."""
    parts: list[str] = []
    total = 0
    while total < size:
        roll = rnd.random()
        if roll < 0.45:
            piece = rnd.choice(ORDINARY)
        elif roll < 0.85:
            piece = rnd.choice(HOSTILE)
        else:
            piece = rnd.choice(HOSTILE) * rnd.randint(20, max(21, size // 8))
        piece = piece[: max(1, size - total)]
        parts.append(piece)
        total += len(piece)
    return "".join(parts)


MEDIA_TYPES = ["text/plain", "text/html", "text/markdown"]
SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "text/markdown": ".md"}


def strategy():
    """A hypothesis strategy for hostile texts up to a few tens of kilobytes."""
    from hypothesis import strategies as st

    piece = st.one_of(
        st.sampled_from(ORDINARY),
        st.sampled_from(HOSTILE),
        st.tuples(st.sampled_from(HOSTILE), st.integers(1, 3_000)).map(lambda t: t[0] * t[1]),
        st.text(max_size=30),
    )
    return st.lists(piece, max_size=40).map("".join)
