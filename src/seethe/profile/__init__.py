"""Country profiles: the domain knowledge Seethe runs on, as versioned data files.

A profile is a folder (``seethe/profiles/<id>/`` or any path) with a
``profile.json`` naming its files: the codebook, the cue rules, the holiday
calendar, the outlets, the actors and the gazetteer.  Every file has a
declared schema (``seethe.profile._schema``) that rejects unknown keys and bad
values with ``file:line``.  ``load_profile`` reads the manifest only; each
part is read and checked the first time it is used.  A profile loads and
checks data; it compiles nothing (the stages compile what they use).
"""

from __future__ import annotations

from seethe.profile._loader import (
    Actor, Codebook, CueRule, Holiday, Lexicon, Outlet, Profile, load_lexicon, load_profile, profile_dir,
)

__all__ = ["Actor", "Codebook", "CueRule", "Holiday", "Lexicon", "Outlet", "Profile", "load_lexicon",
           "load_profile", "profile_dir"]
