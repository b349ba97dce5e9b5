"""Where in a JSON text a value sits, so a schema error can name ``file:line``.

Python's JSON parser keeps no positions.  ``line_of`` walks the text along a
path of keys and indexes (as a validation error reports it) with the
parser's own building blocks, and returns the line the value starts on.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Sequence

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(s: str, i: int) -> int:
    return _WS.match(s, i).end()


def _value_end(s: str, i: int) -> int:
    return _DECODER.raw_decode(s, i)[1]


def _member(s: str, i: int, key: str) -> int | None:
    """Offset of the value of ``key`` in the object starting at ``i``."""
    i = _skip(s, i + 1)
    while i < len(s) and s[i] == '"':
        name, i = scanstring(s, i + 1)
        i = _skip(s, _skip(s, i) + 1)  # past the colon
        if name == key:
            return i
        i = _skip(s, _value_end(s, i))
        if i < len(s) and s[i] == ",":
            i = _skip(s, i + 1)
    return None


def _element(s: str, i: int, index: int) -> int | None:
    """Offset of element ``index`` of the array starting at ``i``."""
    i = _skip(s, i + 1)
    for _ in range(index):
        if i >= len(s) or s[i] == "]":
            return None
        i = _skip(s, _value_end(s, i))
        if i < len(s) and s[i] == ",":
            i = _skip(s, i + 1)
    return i if i < len(s) and s[i] != "]" else None


def offset_of(text: str, path: Sequence[str | int]) -> int:
    """Offset of the deepest value along ``path`` that exists in ``text``."""
    i = _skip(text, 0)
    try:
        for step in path:
            if i >= len(text):
                break
            if text[i] == "{" and isinstance(step, str):
                nxt = _member(text, i, step)
            elif text[i] == "[" and isinstance(step, int):
                nxt = _element(text, i, step)
            else:
                nxt = None
            if nxt is None:
                break
            i = nxt
    except (ValueError, IndexError):
        pass  # the text is not valid JSON past here; the deepest offset found stands
    return i


def line_of(text: str, path: Sequence[str | int]) -> int:
    """The 1-based line on which the value at ``path`` starts."""
    return text.count("\n", 0, offset_of(text, path)) + 1
