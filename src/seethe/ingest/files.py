"""Reading report files: bytes → decoded text, media type and metadata.

Every failure is a ``ReportError`` naming the file: a missing path, an empty
or binary file, bytes that are neither UTF-8 nor a declared or detectable
encoding, a file over the size limit.  Nothing here raises anything else
for bad input.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import sys
import unicodedata
from pathlib import Path
from typing import Iterator

from seethe.errors import ReportError
from seethe.ingest.metadata import read_metadata
from seethe.models import Report
from seethe.text import front_matter

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ""}
# Stops at the next angle bracket, so a run of unclosed "<meta" costs one pass.
_META_CHARSET = re.compile(rb"""<meta[^<>]+?charset\s*+=\s*+["']?([A-Za-z0-9_\-]+)""", re.I)


MAX_ENCODING_NAME = 40
# Python codecs that are text encodings to Python but not character sets a report is written in.
_NOT_CHARACTER_SETS = {"idna", "punycode", "raw_unicode_escape", "unicode_escape", "undefined", "palmos", "mbcs",
                       "oem"}


def text_encoding(name: str, source: str | None = None) -> str:
    """The codec name for a character encoding a report may be written in.

    ``ReportError`` (code ``report.encoding``) for a name Python does not
    know, a codec that is not a character set (``base64``, ``rot13``,
    ``punycode``, ``idna``) or a name too long to be one.
    """
    shown = name if len(name) <= MAX_ENCODING_NAME else name[:MAX_ENCODING_NAME] + "…"
    if not name.strip() or len(name) > MAX_ENCODING_NAME or not name.isprintable():
        raise ReportError(f"{shown!r} is not an encoding name", source=source, code="report.encoding")
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ReportError(f"unknown encoding {shown!r}", source=source, code="report.encoding") from None
    # (CodecInfo's flag is what str.encode itself checks to refuse base64 and friends.)
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARACTER_SETS:
        raise ReportError(f"{shown!r} is not a character encoding", source=source, code="report.encoding")
    return info.name


def _decode(raw: bytes, source: str, declared: str | None) -> tuple[str, str]:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReportError(f"invalid UTF-16 at byte {exc.start}", source=source) from exc
    if b"\x00" in raw[:8192]:
        raise ReportError("binary file (NUL bytes), not a text report", source=source)
    if declared:
        codec = text_encoding(declared, source)
        try:
            return raw.decode(codec), declared.lower()
        except UnicodeError as exc:
            raise ReportError(f"cannot decode as declared encoding {declared!r}: {exc}", source=source,
                              code="report.encoding") from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    meta = _META_CHARSET.search(raw[:4096])
    if meta:
        enc = meta.group(1).decode("ascii", "replace")
        try:
            return raw.decode(text_encoding(enc, source)), enc.lower()
        except (ReportError, UnicodeError):
            pass  # a page's own claim may be wrong: detect instead
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is not None and best.encoding and best.chaos < 0.2:
        return str(best), best.encoding
    raise ReportError(
        f"not valid UTF-8 (bad byte at offset {utf8_error.start}) and no encoding could be detected",
        source=source, code="report.encoding",
    )


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return bad / len(sample)


def media_type_of(path: str, text: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "text/html"
    if suffix in (".md", ".markdown"):
        return "text/markdown"
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text):
        return "text/html"
    if front_matter(text):
        return "text/markdown"
    return "text/plain"


def read_report(
    path: str | Path,
    *,
    published: dt.date | None = None,
    outlet: str | None = None,
    url: str | None = None,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Report:
    """Read one report file (``-`` for standard input).

    Values passed here win over what the file says about itself.  Raises
    ``ReportError`` naming the file for every way a file can be unusable.
    """
    source = str(path)
    if source == "-":
        raw = sys.stdin.buffer.read(max_bytes + 1)
        source = "<stdin>"
    else:
        p = Path(path)
        try:
            if p.is_dir():
                raise ReportError("is a folder; give a file, or the folder alone to read every report in it", source=source)
            size = p.stat().st_size
        except FileNotFoundError:
            raise ReportError("no such file", source=source) from None
        except PermissionError:
            raise ReportError("permission denied", source=source) from None
        except OSError as exc:
            raise ReportError(f"cannot read: {exc.strerror}", source=source) from None
        if size > max_bytes:
            raise ReportError(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)", source=source)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ReportError(f"cannot read: {exc.strerror}", source=source) from None
    if len(raw) > max_bytes:
        raise ReportError(f"too large (over {max_bytes / 1e6:.0f} MB)", source=source)
    if not raw.strip():
        raise ReportError("empty file", source=source)
    text, used = _decode(raw, source, encoding)
    notes: tuple[str, ...] = ()
    if encoding is None and used not in ("utf-8", "utf-16"):
        notes = (f"not UTF-8; decoded as {used} (detected)",)
    if _control_ratio(text) > 0.05:
        raise ReportError("binary file (control characters), not a text report", source=source)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    media_type = media_type_of(source, text)
    meta = read_metadata(text, media_type)
    return Report(
        text=text,
        source=source,
        published=published or meta.published,
        outlet=outlet or meta.outlet,
        url=url or meta.url,
        title=meta.title,
        media_type=media_type,
        encoding=used,
        raw=raw,
        notes=notes,
    )


def iter_report_paths(paths: list[str]) -> Iterator[str]:
    """Files named, and the report files in folders named (recursively, sorted).

    Folders skip hidden files and gold annotations (``*.gold.json``).
    """
    for given in paths:
        p = Path(given)
        if given != "-" and p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(p).parts) \
                        and not child.name.endswith(".json") and child.suffix.lower() in TEXT_SUFFIXES:
                    yield str(child)
        else:
            yield given
