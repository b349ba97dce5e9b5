"""Folding: lower case without diacritics, one character for one.

``fold("Hamgyŏng")`` is ``"hamgyong"``.  Because folding never changes the
length of a text, an offset found in the folded text is valid in the original.
Hangul and other scripts are kept as they are.
"""

from __future__ import annotations

import unicodedata


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
