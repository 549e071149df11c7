"""Fixed-window rate limits counted in Django's cache, which every process shares (the database
cache by default, a cache server in larger deployments), so a limit holds across app servers.

With the database cache an increment is a read and a write, not atomic: two processes can
both count the same number, so a limit may let a few extra requests through. A cache server
(MACE_CACHE_URL, Redis) counts atomically.

A fixed window is coarse (a burst at the end of one minute and the start of the next can reach
twice the limit) but needs one counter per caller, and the limits here are a backstop against
scripts, not a precise quota."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    """The outcome of counting one request: whether it is allowed, the count so far in this
    window and how many seconds until the window ends (for Retry-After)."""

    allowed: bool
    count: int
    limit: int
    retry_after: int

    @property
    def first_refusal(self) -> bool:
        """The first request over the limit in this window: the one worth recording."""
        return not self.allowed and self.count == self.limit + 1


def hit(scope: str, ident: str, limit: int, *, window: int = WINDOW_SECONDS) -> Verdict:
    """Count a request by `ident` (an address, a user, a token's hash) against `limit` requests
    per `window` seconds in `scope` ("sign-in", "api")."""
    now = int(time.time())
    start = now - now % window
    key = f"ratelimit:{scope}:{ident}:{start}"
    # Most requests find their window's counter already there: increment first. The counter
    # outlives its window a little, then expires.
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=window + 5) else cache.incr(key)
    return Verdict(
        allowed=count <= limit, count=count, retry_after=start + window - now, limit=limit
    )
