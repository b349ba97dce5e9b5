"""Country profiles: the domain knowledge Seethe runs on, as versioned data files.

A profile is a folder (``seethe/profiles/<id>/`` or any path) with a
``profile.json`` naming its files: the codebook, the cue rules, the holiday
calendar, the outlets and the gazetteer.  ``load_profile`` reads the manifest
only; each part is read, schema-checked and cached the first time it is used,
so importing Seethe or building a profile costs nothing.
"""

from __future__ import annotations

from seethe.profile._loader import Codebook, Holiday, Outlet, Profile, load_profile, profile_dir

__all__ = ["Codebook", "Holiday", "Outlet", "Profile", "load_profile", "profile_dir"]
