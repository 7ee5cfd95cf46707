"""The officers' web console: server-rendered pages and a JSON API over bot/handoff.

`webhooks.app.create_app` includes `console.router` (pages under /console, API under /api).
"""

from __future__ import annotations

from fastapi import APIRouter

from . import api, pages

router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)

#: Paths that answer without a session or token: the login page and the stylesheet.
PUBLIC_PATHS = pages.PUBLIC_PATHS

__all__ = ["PUBLIC_PATHS", "router", "routers"]


def routers() -> list[APIRouter]:
    """The console's routers, for an app that includes them one by one."""
    return [pages.router, api.router]
