"""Fixed-window rate limits, counted where every process can see them, so a limit holds across
app servers and under parallel requests.

Each request's count must be its own: a read followed by a write lets two parallel requests
both count the same number, and a script with eight connections then goes through a limit
many times over. So the count is always one atomic step:
- with a cache server (MACE_CACHE_URL, Redis) in its INCR, through Django's cache;
- with the database cache (the default) in a counter table (mace.core.models.RateLimitCounter)
  with one `INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`, which
  PostgreSQL and SQLite both run atomically. (Django's database cache increments by reading
  and writing, so it is not used for counting.)

A fixed window is coarse (a burst at the end of one minute and the start of the next can reach
twice the limit) but needs one counter per caller, and the limits here are a backstop against
scripts, not a precise quota."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

WINDOW_SECONDS = 60
# Counters of windows that started longer ago than this are pruned: no window may be longer.
KEEP_SECONDS = 60 * 60


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
    per `window` seconds (at most KEEP_SECONDS) in `scope` ("sign-in", "api")."""
    now = int(time.time())
    start = now - now % window
    key = f"ratelimit:{scope}:{ident}"
    cache = caches["default"]
    if isinstance(cache, DatabaseCache):
        count = _count_in_table(key, start, window)
    else:
        count = _count_in_cache(cache, f"{key}:{start}", window)
    return Verdict(
        allowed=count <= limit, count=count, retry_after=start + window - now, limit=limit
    )


def _count_in_cache(cache, key: str, window: int) -> int:  # type: ignore[no-untyped-def]
    # Most requests find their window's counter already there: increment first. The counter
    # outlives its window a little, then expires. Redis increments atomically.
    try:
        return int(cache.incr(key))
    except ValueError:
        return 1 if cache.add(key, 1, timeout=window + 5) else int(cache.incr(key))


def _count_in_table(key: str, start: int, window: int) -> int:
    from mace.core.models import RateLimitCounter

    quote = connection.ops.quote_name
    table = quote(RateLimitCounter._meta.db_table)
    key_col, start_col, count_col = quote("key"), quote("window_start"), quote("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {start_col}, {count_col}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({key_col}, {start_col}) "
            f"DO UPDATE SET {count_col} = {table}.{count_col} + 1 "
            f"RETURNING {count_col}",
            [key[:200], start],
        )
        count = int(cursor.fetchone()[0])
        if count == 1:
            # A new window for this caller: drop every caller's long-ended windows, so the
            # table stays small.
            cursor.execute(f"DELETE FROM {table} WHERE {start_col} < %s", [start - KEEP_SECONDS])
    return count
