"""A workbench database for the API and browser tests: the bundled samples, a hostile report, and one
user of each role (built once per test run)."""

from __future__ import annotations

from pathlib import Path

from seethe.services import IngestOptions, accounts, ingest
from seethe.store import Store

from tests.conftest import SAMPLES

PASSWORDS = {"vic": "viewer-password", "ana": "analyst-password", "adam": "admin-password"}
ROLES = {"vic": "viewer", "ana": "analyst", "adam": "admin"}
# Markup and attribute-breaking text in a plain-text report: it must reach every page as text.
HOSTILE = """Published: 2020-03-10
Outlet: Daily NK
Leaflets found in Hyesan <script>window.__pwned = 1</script>
Anti-regime leaflets reading "<script>window.__pwned = 2</script>" were found near Hyesan station \
on March 3, 2020, a source in Ryanggang Province told Daily NK. Police arrested two students \
"><img src=x onerror="window.__pwned=3"> ' onmouseover='window.__pwned=4' after the leaflets appeared.
"""
SOURCE_DETAILS = ("a source in Ryanggang Province", "source in Ryanggang Province", "resident of Chongjin")


def build_workbench(folder: Path, url: str | None = None) -> tuple[str, dict[str, int]]:
    """Fill a database; returns its URL and the hostile report's id with a few known incident ids."""
    url = url or f"sqlite:///{folder / 'workbench.db'}"
    hostile = folder / "hostile.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    with Store(url) as store:
        summary = ingest([str(SAMPLES), str(hostile)], store, opts=IngestOptions(profile="kp"))
        assert summary.failed == 0
        for name, role in ROLES.items():
            accounts.add_user(store, name, PASSWORDS[name], role, actor="test")
        ids = {"hostile_report": next(r.id for r in store.stored_reports() if r.report.source.endswith("hostile.txt"))}
    return url, ids
