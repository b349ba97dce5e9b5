"""Names a package exports without importing them until first asked for (PEP 562).

A package that re-exports from heavy modules stays light to import: ``import
seethe`` or ``import seethe.services`` loads nothing else, and a name is
imported the first time it is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, MutableMapping


def lazy_exports(package: str, exports: dict[str, str], namespace: MutableMapping[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module path) on first use and keeps it."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
