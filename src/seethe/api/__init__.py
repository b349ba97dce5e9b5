"""The REST API: incidents, events, reports, search, counts, the map and timeline, exports, reviews, users.

``create_api(settings)`` builds the FastAPI app; ``seethe.web`` adds the pages
to it and ``seethe serve`` runs it.  The OpenAPI document is at
``/openapi.json``.  Every route declares who may call it (``allow``).
"""

from seethe.api._app import SECURITY_HEADERS, Settings, add_routes, create_api, error_body, finish
from seethe.api._auth import (
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, AccessDenied, Identity, allow, check_csrf, identify, protector_for, route_rule,
)

__all__ = ["AccessDenied", "Identity", "LOGIN_CSRF_COOKIE", "SECURITY_HEADERS", "SESSION_COOKIE", "Settings",
           "add_routes", "allow", "check_csrf", "create_api", "error_body", "finish", "identify", "protector_for", "route_rule"]
