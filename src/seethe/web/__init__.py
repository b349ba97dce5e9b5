"""The analysts' workbench: the REST API plus pages, served by one ASGI app (``seethe serve``).

``create_app(settings)`` adds the pages, the static files and Leaflet (from
the ``xstatic-leaflet`` package, installed by pip) to ``seethe.api``'s app.
Nothing is loaded from another site: the base map is Natural Earth province
polygons shipped in ``static/map/admin1.geojson`` (``scripts/build_map.py``).
"""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet as leaflet
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from seethe.api import Settings, add_routes, create_api, finish
from seethe.store import Store
from seethe.web._pages import render_error, router

STATIC = Path(__file__).parent / "static"
PUBLIC_MOUNTS = ("/static", "/vendor/leaflet")  # files anyone may fetch: code, styles, the base map


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    app = create_api(settings, store)
    app.state.render_error = render_error
    add_routes(app, router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/vendor/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    return finish(app)


__all__ = ["PUBLIC_MOUNTS", "Settings", "create_app"]
