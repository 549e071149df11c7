"""The meetings rows of the route walks (tests/access/test_every_route_every_role.py and
tests/api/test_every_route.py): the world they walk, and each page's and API route's rule."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from tests.meetings import meetings_world
from tests.route_rules import ApiRule, Page, Route


def build_world(author: Any, child: Any, intel: Any) -> SimpleNamespace:
    """What the meetings routes need, around the walks' child (whom author's agency works with)
    and intelligence records (tests/intelligence.intelligence_world): South quadrant meetings in
    each state, made through the services by a panel member of the author's agency.

    - `open`: part 1, agenda not yet frozen, the child on it (`open_item`);
    - `meeting`: part 1, agenda frozen, the child discussed (`item`, `discussion`) and an
      action for the author's agency about the child (`action`);
    - `signed`: part 1, minutes signed off (`signed_item`);
    - `part2`: part 2, frozen, a threat on the world's location (`threat`) and an action for
      Basildon District Council about it (`district_action`)."""
    return meetings_world(author, child, intel)


# Page name -> rule (tests/access/test_every_route_every_role.py).
PAGES: dict[str, Page] = {}
# "METHOD /api/v1/path" -> rule (tests/access/test_every_route_every_role.py).
API_RULES: dict[str, ApiRule] = {}
# Every API route with a valid request (tests/api/test_every_route.py).
API_ROUTES: list[Route] = []
