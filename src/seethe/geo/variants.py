"""Spelling variants of Korean place names, and the key that conflates them.

Reports romanize the same place many ways: McCune–Reischauer with or without
breves and apostrophes (Hamgyŏng, Hamgyong), Revised Romanization (Hamgyeong),
DPRK official forms (Phyongyang), journalists' forms (Hamkyung), with the
initial r/n dropped or kept (Ryanggang, Yanggang).  Instead of listing every
combination, ``name_key`` maps each spelling to one skeleton: two spellings of
the same name get the same key.  ``expand_names`` adds the administrative
suffixes a name is written with (Samsu county, Samsu-gun, Samsu-kun).
"""

from __future__ import annotations

import re

from seethe.text import fold

_NON_LETTERS = re.compile(r"[^a-z0-9\uac00-\ud7a3]+")  # digits stay: Camp 14 is not Camp 16
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_INITIAL_RN = re.compile(r"^(?:r|n)(?=[iy])")

# Order matters: longer patterns first.  Each rule removes one romanization
# difference; together they make the skeleton.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"(?:k|g)(?:y)?(?:eo|eu|ou|o|u)ng", "kyong"),  # kyung, kyong, gyeong, gyong
        (r"shi", "si"),
        (r"sh", "s"),
        (r"ph", "p"),
        (r"kh", "k"),
        (r"th", "t"),
        (r"tch|ch|j", "c"),
        (r"yeo|yo", "yo"),
        (r"eo", "o"),
        (r"eu", "u"),
        (r"oei|oi|oe|we", "oe"),
        (r"wo|weo", "wo"),
        (r"g", "k"),
        (r"d", "t"),
        (r"b", "p"),
        (r"l", "r"),
        (r"(.)\1+", r"\1"),
    )
)


def name_key(name: str) -> str:
    """The spelling-independent key of a place name (or of any phrase)."""
    s = _NON_LETTERS.sub("", fold(name))
    if not s or _HANGUL.search(s):
        return s
    # Initial r and n drop before i and y in South Korean usage (Ryanggang/Yanggang).
    s = _INITIAL_RN.sub("", s)
    for pattern, repl in _RULES:
        s = pattern.sub(repl, s)
    return s


# Suffixes by kind of place.  Romanized administrative suffixes are stripped
# from source names to get the base name, then re-added in every form.
_SUFFIX_STRIP = re.compile(
    r"[- ](?:si|shi|gun|kun|ŭp|up|eup|ku|gu|guyŏk|kuyŏk|guyok|kuyok|guyeok|dong|ri|"
    r"rodongjagu|nodongjagu|do|to|county|city|province|district)$",
    re.I,
)
_SUFFIXES = {
    "province": ("", " Province", "-do", " do"),
    "city": ("", " City", "-si", "-shi", " si"),
    "county": ("", " County", "-gun", "-kun", " gun", " kun"),
    "district": ("", " District", "-guyok", "-kuyok", "-guyeok", " guyok"),
    "town": ("", "-up", "-eup", "-dong", "-ri", " workers' district", " Workers' District", "-rodongjagu"),
}
_HANGUL_SUFFIX = {"province": "도", "city": "시", "county": "군", "district": "구역", "town": "읍"}


def base_name(name: str) -> str:
    """``Samsu-gun`` → ``Samsu``; names without an administrative suffix unchanged."""
    stripped = _SUFFIX_STRIP.sub("", name.strip())
    return stripped or name.strip()


def expand_names(names: list[str], place_type: str) -> list[str]:
    """All written forms of a place: given names plus base names with every suffix."""
    out: list[str] = []
    seen: set[str] = set()

    def add(n: str) -> None:
        n = " ".join(n.split())
        if n and n not in seen:
            seen.add(n)
            out.append(n)

    for n in names:
        add(n)
        if _HANGUL.search(n):
            suffix = _HANGUL_SUFFIX.get(place_type)
            if suffix and n.endswith(suffix) and len(n) > len(suffix) + 1:
                add(n[: -len(suffix)])
            elif suffix:
                add(n + suffix)
            continue
        base = base_name(n)
        if place_type == "town" and (" " in base or "'" in base):
            add(base)  # "Posong station", "Namyang workers' district" take no further suffix
            continue
        for suffix in _SUFFIXES.get(place_type, ("",)):
            add(base + suffix)
    return out
