"""The referral rows of the route walk (tests/access/test_every_route_every_role.py): the world
it walks, and each page's rule."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from mace.access import policy
from mace.accounts.models import User
from tests.referrals import refer
from tests.route_rules import Page


def build_world(author: Any, child: Any) -> SimpleNamespace:
    """A referral of the walks' child to CARE by the author (whose agency works with the child),
    waiting for CARE (the service worker persona's agency)."""
    return SimpleNamespace(referral=refer(author, child))


def _views(user: User, world: Any) -> bool:
    return policy.can_view_referral(user, world.referrals.referral)


PAGES: dict[str, Page] = {
    "referrals:list": Page(
        lambda w: {}, lambda u, w: policy.sees_case_content(u), refused_status=403
    ),
    "referrals:detail": Page(lambda w: {"referral_id": w.referrals.referral.pk}, _views),
}
