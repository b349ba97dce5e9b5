from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from seethe.errors import ProfileError

_PROFILES = Path(__file__).resolve().parent.parent / "profiles"
_LEXICONS = Path(__file__).resolve().parent.parent / "lexicon"
_REQUIRED_FILES = ("codebook", "cues", "holidays", "outlets", "gazetteer")


@dataclass(frozen=True, slots=True)
class Codebook:
    version: str
    categories: dict[str, dict[str, Any]]
    out_of_scope: tuple[str, ...] = ()

    def label(self, code: str) -> str:
        return self.categories.get(code, {}).get("label", code)


@dataclass(frozen=True, slots=True)
class Holiday:
    id: str
    month: int
    day: int
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    relay: bool = False


def profile_dir(name_or_path: str | Path) -> Path:
    """The folder of a bundled profile by id (``kp``) or of a profile at a path."""
    p = Path(name_or_path)
    if p.is_dir():
        return p
    candidate = _PROFILES / str(name_or_path)
    if candidate.is_dir():
        return candidate
    known = ", ".join(sorted(d.name for d in _PROFILES.iterdir() if (d / "profile.json").exists()))
    raise ProfileError(f"no such profile (bundled: {known})", source=str(name_or_path))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"cannot read: {exc.strerror}", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise ProfileError(f"not valid JSON at line {exc.lineno}: {exc.msg}", source=str(path)) from exc


def _require(cond: bool, message: str, source: Path | str) -> None:
    if not cond:
        raise ProfileError(message, source=str(source))


class Profile:
    """One country profile.  Cheap to build; parts load on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        manifest_path = folder / "profile.json"
        manifest = _read_json(manifest_path)
        _require(isinstance(manifest, dict), "manifest must be an object", manifest_path)
        for key in ("id", "country", "version", "files"):
            _require(key in manifest, f"manifest lacks {key!r}", manifest_path)
        for key in _REQUIRED_FILES:
            _require(key in manifest["files"], f"manifest names no {key!r} file", manifest_path)
        self.id: str = manifest["id"]
        self.country: str = manifest["country"]
        self.version: str = manifest["version"]
        self.language: str = manifest.get("language", "en")
        self._files: dict[str, str] = manifest["files"]

    def path(self, part: str) -> Path:
        return self.folder / self._files[part]

    @cached_property
    def codebook(self) -> Codebook:
        path = self.path("codebook")
        data = _read_json(path)
        cats = data.get("categories") if isinstance(data, dict) else None
        _require(isinstance(cats, dict) and cats, "codebook has no categories", path)
        for code, info in cats.items():
            _require(code.count(".") == 1, f"category {code!r} is not family.type", path)
            _require(isinstance(info, dict) and "label" in info, f"category {code!r} lacks a label", path)
        return Codebook(str(data.get("version", "1")), cats, tuple(data.get("out_of_scope_countries", [])))

    @cached_property
    def cue_rules(self) -> list[dict[str, Any]]:
        path = self.path("cues")
        rules = []
        seen = set()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                rule = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ProfileError(f"not JSON ({exc.msg})", source=where) from exc
            _require(isinstance(rule, dict) and "id" in rule and "category" in rule, "rule needs id and category", where)
            _require(rule["id"] not in seen, f"duplicate rule id {rule['id']!r}", where)
            _require(rule["category"] in self.codebook.categories, f"unknown category {rule['category']!r}", where)
            _require(("any" in rule) != ("all" in rule), "rule needs exactly one of 'any' or 'all'", where)
            if "all" in rule:
                _require(isinstance(rule["all"], list) and len(rule["all"]) >= 2 and all(isinstance(s, list) and s for s in rule["all"]),
                         "'all' must be a list of at least two non-empty term lists", where)
            else:
                _require(isinstance(rule["any"], list) and rule["any"], "'any' must be a non-empty term list", where)
            for other in rule.get("supersedes", []) + ([rule["move_to"]] if "move_to" in rule else []):
                _require(other in self.codebook.categories, f"unknown category {other!r}", where)
            seen.add(rule["id"])
            rules.append(rule)
        _require(bool(rules), "no cue rules", path)
        return rules

    @cached_property
    def holidays(self) -> list[Holiday]:
        path = self.path("holidays")
        data = _read_json(path)
        out = []
        for h in data.get("holidays", []):
            _require({"id", "month", "day", "names"} <= set(h), "holiday needs id, month, day, names", path)
            _require(1 <= int(h["month"]) <= 12 and 1 <= int(h["day"]) <= 31, f"bad date for holiday {h['id']!r}", path)
            out.append(Holiday(h["id"], int(h["month"]), int(h["day"]), tuple(h["names"])))
        return out

    @cached_property
    def outlets(self) -> list[Outlet]:
        path = self.path("outlets")
        data = _read_json(path)
        out = []
        for o in data.get("outlets", []):
            _require("name" in o and isinstance(o.get("aliases"), list), "outlet needs name and aliases", path)
            out.append(Outlet(o["name"], tuple(o["aliases"]), bool(o.get("relay", False))))
        return out

    @cached_property
    def not_places(self) -> frozenset[str]:
        if "not_places" not in self._files:
            return frozenset()
        data = _read_json(self.path("not_places"))
        return frozenset(n.casefold() for n in data.get("names", []))

    @cached_property
    def lexicon(self) -> dict[str, Any]:
        path = _LEXICONS / f"{self.language}.json"
        data = _read_json(path)
        for key in ("irregular", "stopwords", "negation", "hypothetical"):
            _require(key in data, f"lexicon lacks {key!r}", path)
        return data

    @cached_property
    def gazetteer(self):
        from seethe.geo.gazetteer import load_gazetteer

        return load_gazetteer(self.path("gazetteer"), self.not_places, version=self.version)

    @cached_property
    def cues(self):
        from seethe.extract.cues import compile_cues

        return compile_cues(self.cue_rules, self.lexicon)

    def versions(self) -> dict[str, str]:
        """What an extraction run depends on, for traceability."""
        return {"profile": f"{self.id}@{self.version}", "codebook": self.codebook.version}


_CACHE: dict[Path, Profile] = {}


def load_profile(name_or_path: str | Path = "kp") -> Profile:
    """The profile with this id or folder (cached per folder)."""
    folder = profile_dir(name_or_path).resolve()
    prof = _CACHE.get(folder)
    if prof is None:
        prof = _CACHE[folder] = Profile(folder)
    return prof
