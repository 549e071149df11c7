"""The meetings rows of the route walks (tests/access/test_every_route_every_role.py and
tests/api/test_every_route.py): the world they walk, and each page's and API route's rule."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.route_rules import ApiRule, Page, Route


def build_world(author: Any, child: Any, intel: Any) -> SimpleNamespace:
    """What the meetings routes need, around the walks' child (whom author's agency works with)
    and intelligence records (tests/intelligence.intelligence_world)."""
    return SimpleNamespace()


# Page name -> rule (tests/access/test_every_route_every_role.py).
PAGES: dict[str, Page] = {}
# "METHOD /api/v1/path" -> rule (tests/access/test_every_route_every_role.py).
API_RULES: dict[str, ApiRule] = {}
# Every API route with a valid request (tests/api/test_every_route.py).
API_ROUTES: list[Route] = []
