from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from seethe.errors import ProfileError
from seethe.profile._jsonpos import line_of
from seethe.profile._schema import (
    PROFILE_ID, ActorsFile, ActorSpec, Category, CodebookFile, ConfidenceFile, CorroborationFile, CueRuleSpec,
    HolidaySpec, HolidaysFile, LexiconFile, LinkingFile, Manifest, NotPlacesFile, OutletSpec, OutletsFile,
)

_PROFILES = Path(__file__).resolve().parent.parent / "profiles"
_LEXICONS = Path(__file__).resolve().parent.parent / "lexicon"
_MAX_FILE_BYTES = 50 * 1024 * 1024

M = TypeVar("M", bound=BaseModel)

# The names the rest of Seethe uses for a profile's records.
Holiday = HolidaySpec
Outlet = OutletSpec
Actor = ActorSpec
Lexicon = LexiconFile
CueRule = CueRuleSpec


@dataclass(frozen=True, slots=True)
class Codebook:
    version: str
    categories: dict[str, Category]
    out_of_scope: tuple[str, ...] = ()
    tellings: tuple[tuple[str, ...], ...] = ()
    by_actor_side: dict[str, dict[str, str]] = field(default_factory=dict)

    def category_of(self, code: str, side: str | None) -> str:
        """The category of an act of ``code`` done by an actor of ``side``."""
        return self.by_actor_side.get(side or "", {}).get(code, code)

    def telling_of(self, code: str) -> tuple[str, int]:
        """The category that names a happening told as ``code``, and ``code``'s rank in its group."""
        for group in self.tellings:
            if code in group:
                return group[0], group.index(code)
        return code, 0

    def label(self, code: str) -> str:
        cat = self.categories.get(code)
        return cat.label if cat else code

    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code.split(".")[0] for code in self.categories))


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise ProfileError(f"too large (over {_MAX_FILE_BYTES // 2**20} MiB)", source=str(path), code="profile.file")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("missing: the manifest names this file but it does not exist", source=str(path),
                           code="profile.file") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"not UTF-8 (byte {exc.start})", source=str(path), code="profile.file") from None
    except OSError as exc:
        raise ProfileError(f"cannot read: {exc.strerror}", source=str(path), code="profile.file") from None


def _schema_message(err: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def _load_json(model: type[M], path: Path) -> M:
    """Read one JSON data file and check it against its schema; errors name file:line."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"not valid JSON: {exc.msg}", source=f"{path}:{exc.lineno}", code="profile.json") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ProfileError(_schema_message(err), source=f"{path}:{line_of(text, err['loc'])}",
                           code="profile.schema") from None


def _load_jsonl(model: type[M], path: Path) -> list[tuple[int, M]]:
    """Read a JSON Lines data file: (line number, record) for every non-blank line."""
    out = []
    for n, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ProfileError(f"not valid JSON: {exc.msg}", source=where, code="profile.json") from None
        try:
            out.append((n, model.model_validate(data)))
        except ValidationError as exc:
            raise ProfileError(_schema_message(exc.errors()[0]), source=where, code="profile.schema") from None
    return out


def _require(cond: bool, message: str, source: Path | str) -> None:
    if not cond:
        raise ProfileError(message, source=str(source), code="profile.schema")


def profile_dir(name_or_path: str | Path) -> Path:
    """The folder of a bundled profile by id (``kp``) or of a profile folder at a path.

    A bundled id is a short name, never a path, so it cannot reach outside the
    bundled folder; a path must be a folder holding a ``profile.json``.
    """
    given = str(name_or_path)
    if len(given) > 4096 or "\x00" in given:
        raise ProfileError("not a profile name or folder", source=given[:80] + ("…" if len(given) > 80 else ""),
                           code="profile.name")
    import re

    if re.fullmatch(PROFILE_ID, given):
        candidate = _PROFILES / given
        if (candidate / "profile.json").is_file():
            return candidate
    try:
        p = Path(given).expanduser()
        if p.is_dir():
            if (p / "profile.json").is_file():
                return p
            raise ProfileError("not a profile folder (it has no profile.json)", source=given, code="profile.name")
    except OSError:
        pass  # a name too long for the file system is no folder
    known = ", ".join(sorted(d.name for d in _PROFILES.iterdir() if (d / "profile.json").exists()))
    raise ProfileError(f"no such profile (bundled: {known})", source=given, code="profile.name")


class Profile:
    """One country profile: its data files, each read and schema-checked on first use.

    A profile loads and checks data only; the stages compile what they use
    from it (the cue automaton in ``extract``, the gazetteer index in ``geo``).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifest = _load_json(Manifest, folder / "profile.json")
        self.id = self.manifest.id
        self.country = self.manifest.country
        self.version = self.manifest.version
        self.language = self.manifest.language

    def path(self, part: str) -> Path:
        name = getattr(self.manifest.files, part, None)
        if name is None:
            raise ProfileError(f"the manifest names no {part!r} file", source=str(self.folder / "profile.json"),
                               code="profile.schema")
        return self.folder / name

    def has(self, part: str) -> bool:
        return getattr(self.manifest.files, part, None) is not None

    @cached_property
    def codebook(self) -> Codebook:
        data = _load_json(CodebookFile, self.path("codebook"))
        return Codebook(data.version, dict(data.categories), data.out_of_scope_countries, data.tellings,
                        {side: dict(m) for side, m in data.by_actor_side.items()})

    @cached_property
    def cue_rules(self) -> tuple[CueRuleSpec, ...]:
        path = self.path("cues")
        categories = self.codebook.categories
        seen: set[str] = set()
        rules = []
        for n, rule in _load_jsonl(CueRuleSpec, path):
            where = f"{path}:{n}"
            _require(rule.id not in seen, f"duplicate rule id {rule.id!r}", where)
            for code in (rule.category, *rule.supersedes, *([rule.move_to] if rule.move_to else [])):
                _require(code in categories, f"unknown category {code!r}", where)
            seen.add(rule.id)
            rules.append(rule)
        _require(bool(rules), "no cue rules", path)
        return tuple(rules)

    @cached_property
    def holidays(self) -> tuple[HolidaySpec, ...]:
        return _load_json(HolidaysFile, self.path("holidays")).holidays

    @cached_property
    def outlets(self) -> tuple[OutletSpec, ...]:
        path = self.path("outlets")
        outlets = _load_json(OutletsFile, path).outlets
        names = {o.name for o in outlets}
        for o in outlets:
            for other in o.reposts:
                _require(other in names and other != o.name,
                         f"outlet {o.name!r} reposts {other!r}, which is not another outlet of this file", path)
        return outlets

    @cached_property
    def linking(self) -> LinkingFile:
        """How incidents are linked into events (compatibility, tolerances, the linkage model)."""
        path = self.path("linking")
        data = _load_json(LinkingFile, path)
        for pair in data.compatible:
            for code in pair.categories:
                _require(code in self.codebook.categories, f"unknown category {code!r} in a compatible pair", path)
        return data

    @cached_property
    def corroboration(self) -> CorroborationFile:
        """The corroboration scale, source kinds and grading rules."""
        return _load_json(CorroborationFile, self.path("corroboration"))

    @cached_property
    def actors(self) -> tuple[ActorSpec, ...]:
        return _load_json(ActorsFile, self.path("actors")).actors

    @cached_property
    def confidence(self) -> ConfidenceFile:
        return _load_json(ConfidenceFile, self.path("confidence"))

    @cached_property
    def not_places(self) -> frozenset[str]:
        if not self.has("not_places"):
            return frozenset()
        # Compared but for case, hyphens and spaces: "Kim Jong-suk" is the person "Kim Jong Suk".
        return frozenset(" ".join(n.casefold().replace("-", " ").split())
                         for n in _load_json(NotPlacesFile, self.path("not_places")).names)

    @property
    def gazetteer_path(self) -> Path:
        return self.path("gazetteer")

    @cached_property
    def lexicon(self) -> LexiconFile:
        return load_lexicon(self.language)

    def outlet_named(self, name: str | None) -> OutletSpec | None:
        """The outlet a name or alias means, compared without case."""
        if not name:
            return None
        low = name.strip().lower()
        for o in self.outlets:
            if low == o.name.lower() or low in (a.lower() for a in o.aliases):
                return o
        return None

    def versions(self) -> dict[str, str]:
        """What an extraction run depends on, for traceability."""
        return {"profile": f"{self.id}@{self.version}", "codebook": self.codebook.version}


_LEXICON_CACHE: dict[str, LexiconFile] = {}


def load_lexicon(language: str) -> LexiconFile:
    """The language lexicon (``seethe/lexicon/<language>.json``), checked against its schema."""
    lex = _LEXICON_CACHE.get(language)
    if lex is None:
        lex = _LEXICON_CACHE[language] = _load_json(LexiconFile, _LEXICONS / f"{language}.json")
    return lex


_CACHE: dict[Path, Profile] = {}


def load_profile(name_or_path: str | Path = "kp") -> Profile:
    """The profile with this id or folder (cached per folder)."""
    folder = profile_dir(name_or_path).resolve()
    prof = _CACHE.get(folder)
    if prof is None:
        prof = _CACHE[folder] = Profile(folder)
    return prof
