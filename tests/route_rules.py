"""The shapes of the route walks' tables (tests/access/test_every_route_every_role.py and
tests/api/test_every_route.py), so each app's tests can contribute its own rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mace.accounts.models import User

Rule = Callable[[User, Any], bool]


@dataclass(frozen=True)
class Page:
    kwargs: Callable[[Any], dict[str, int]]
    allowed: Rule
    # 404 for one child's record: nothing says it exists. A rule (user, world) -> status where
    # the answer depends on what the user may see (403 to a reader, 404 to an outsider).
    refused_status: int | Callable[[User, Any], int] = 404
    allowed_status: int = 200


@dataclass(frozen=True)
class ApiRule:
    allowed: Rule
    refused_status: int | Callable[[User, Any], int] = 404


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # as the OpenAPI document spells it
    path: Callable[[Any], str]
    body: Callable[[Any], dict[str, Any] | None] = lambda w: None
    about_a_child: bool = True  # answers 404 to someone who may not see the child

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.template}"
