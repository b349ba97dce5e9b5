"""The layers are a contract: imports point one way and nothing imports in a circle.

Every ``import seethe...`` in the package (at the top of a module or inside a
function: a lazy import is still an import) is read from the source and
checked against the layer table below.  A new package must be given a layer
here before it can land.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "seethe"

# Lower numbers are lower layers.  A module may import its own package and any
# package of a lower layer; packages that share a layer are independent.
LAYERS = {
    "_version": 0, "_lazy": 0, "errors": 0, "models": 0,
    "profile": 1,
    "text": 2,
    "geo": 3,
    "extract": 4, "ingest": 4, "store": 4, "evaluate": 4, "link": 4, "analyse": 4,
    "services": 5,
    "cli": 6, "api": 6,
    # The pages extend the API's app (its auth, settings and errors); the command line starts the
    # server by naming the app (uvicorn's workers import it), so it imports neither.
    "web": 7, "__main__": 7,
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports() -> list[tuple[str, str, int]]:
    """(importing module, imported module, line) for every seethe import in the source."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name == "seethe" or name.startswith("seethe."):
                    out.append((module, name, node.lineno))
    return out


def test_every_package_has_a_layer():
    packages = {p.name.removesuffix(".py") for p in SRC.iterdir()
                if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")}
    assert packages - set(LAYERS) == set(), "give the new package a layer in tests/test_layers.py"


def test_imports_point_down_the_layers():
    wrong = []
    for importer, imported, line in _imports():
        src, dst = _package(importer), _package(imported)
        if importer == "seethe" or src == dst:
            continue  # the root package's lazy names; a package's own modules
        if dst == "":
            wrong.append(f"{importer}:{line} imports the root package (import {imported}'s module instead)")
        elif LAYERS[dst] > LAYERS[src]:
            wrong.append(f"{importer}:{line} imports {imported}, a higher layer")
        elif LAYERS[dst] == LAYERS[src]:
            wrong.append(f"{importer}:{line} imports {imported}, an independent package of the same layer")
    assert wrong == [], "\n".join(wrong)


def test_no_module_imports_in_a_circle():
    graph: dict[str, set[str]] = defaultdict(set)
    modules = {".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
               for p in SRC.rglob("*.py")}
    for importer, imported, _ in _imports():
        target = imported
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]  # "from seethe.geo import x" names the package module
        if importer != "seethe" and target != importer:
            graph[importer].add(target)
    seen: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ re-exporting its own modules is not a cycle with them.
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue
            if seen.get(nxt) == 1:
                cycles.append(" -> ".join(path + [node, nxt]))
            elif nxt not in seen:
                visit(nxt, path + [node])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [])
    assert cycles == [], "\n".join(cycles)


@pytest.mark.parametrize("module", ["seethe", "seethe.store", "seethe.models"])
def test_light_modules_import_nothing_heavy(module):
    """Importing the root package or the store does not load the extraction pipeline."""
    import subprocess
    import sys

    code = f"import sys, {module}; print(','.join(m for m in ('seethe.extract', 'seethe.geo', 'ahocorasick') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
