"""Synthetic access events for a loaded demo data set: staff of the agencies involved with a
child reading the child's record, chronology or a concern, or seeing the child in a list, spread
evenly over the year before the data set's day, in time order. For performance work on the
access log (issue 13 asks for 50,000,000 at national scale); no page or test relies on them.

`seed_demo` writes them after the children (`load`), `BATCH` at a time, each batch in its own
transaction and in one chain of the log (batch n in chain n modulo MACE_AUDIT_SHARDS): the rows
are hashed here exactly as the chain's own `append` hashes them (`chain.append_values`) and
written with COPY (`bulk.insert_values`), and the chain's head moves on in the same transaction,
so every chain stays whole however many are added and an interrupted load leaves them valid.
`DemoDataSet` records how many are planned and how many are written, in each batch's
transaction, so a load that goes on writes the rest, never the same ones twice. The events are
the same for the same data set and seed: batch n is drawn from its own random stream.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from functools import partial
from itertools import accumulate
from operator import itemgetter

from django.db import transaction
from django.utils import timezone

from mace.access import chain
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
from mace.core import bulk
from mace.core.models import DemoDataSet
from mace.demo.accounts import AUTHOR_FOR_AGENCY

# Events written in each transaction. A load that goes on keeps to it (batch n is the events
# n * BATCH onwards, in chain n modulo the shards).
BATCH = 50_000
# Events planned for each scale, unless `seed_demo --access-events` says otherwise: 50 reads a
# child at large and national scale (issue 13: 50,000,000 for 1,000,000 children); 5 a child
# for the demo, so each child's access log shows a few at no noticeable cost to `make demo`;
# none for tiny, which the tests load again and again.
PLANNED = {"tiny": 0, "county": 20_000, "large": 10_000_000, "national": 50_000_000}
# What a read is, by how often staff do it.
ACTIONS = {
    AccessAction.LIST: 40,
    AccessAction.VIEW: 35,
    AccessAction.VIEW_CHRONOLOGY: 20,
    AccessAction.VIEW_CONCERN: 5,
}
CHANNELS = {AccessChannel.PAGE: 92, AccessChannel.API: 8}
DETAIL = "Synthetic demo access event."
# The columns a row is made of, in this order; any other content column of the log is left
# empty (a column added to a chained log must default to empty).
_MADE = ("at", "user_id", "child_id", "action", "channel", "path", "outcome", "detail")


def planned(scale: str) -> int:
    return PLANNED.get(scale, 0)


class _Readers:
    """Who reads whose record: each of the data set's agency involvements whose agency has a
    demo author, as two arrays (a million children have two million involvements)."""

    def __init__(self) -> None:
        from mace.accounts.models import User
        from mace.people.models import AgencyInvolvement
        from mace.reference.models import Agency

        users = dict(
            User.objects.filter(username__in=AUTHOR_FOR_AGENCY.values()).values_list(
                "username", "pk"
            )
        )
        agencies = dict(Agency.objects.filter(name__in=AUTHOR_FOR_AGENCY).values_list("name", "pk"))
        author = {
            agencies[name]: users[username]
            for name, username in AUTHOR_FOR_AGENCY.items()
            if name in agencies and username in users
        }
        self.children = array("q")
        self.users = array("q")
        rows = (
            AgencyInvolvement.objects.filter(agency_id__in=author)
            .order_by("pk")
            .values_list("child_id", "agency_id")
        )
        for child_id, agency_id in rows.iterator(chunk_size=20_000):
            self.children.append(child_id)
            self.users.append(author[agency_id])


def _rows(
    readers: _Readers, *, seed: int, number: int, first: int, size: int, start: datetime,
    step: timedelta,
) -> Iterator[tuple[object, ...]]:  # fmt: skip
    """Batch `number`: the events `first` to `first + size - 1`, as values of the log's content
    columns (chain.content_columns), from the batch's own random stream, made as they are
    written."""
    rng = random.Random(f"mace-demo-access:{seed}:{number}")
    picks = rng.choices(range(len(readers.children)), k=size)
    actions = rng.choices(
        [str(a) for a in ACTIONS], cum_weights=list(accumulate(ACTIONS.values())), k=size
    )
    channels = rng.choices(
        [str(c) for c in CHANNELS], cum_weights=list(accumulate(CHANNELS.values())), k=size
    )
    columns = chain.content_columns(AccessEvent)
    order = itemgetter(*(_MADE.index(c) if c in _MADE else len(_MADE) for c in columns))
    children, users = readers.children, readers.users
    page, allowed = str(AccessChannel.PAGE), str(AccessOutcome.ALLOWED)
    for n, pick, action, channel in zip(
        range(first, first + size), picks, actions, channels, strict=True
    ):
        child_id = children[pick]
        path = f"/children/{child_id}/" if channel == page else ""
        made = (start + step * n, users[pick], child_id, action, channel, path, allowed)
        yield order((*made, DETAIL, ""))


def load(
    progress: DemoDataSet,
    *,
    batches: int | None = None,
    batch: int | None = None,
    report: Callable[[str], None] | None = None,
) -> int:
    """Write the access events `progress` plans that are not written yet, `batch` at a time,
    each batch in its own transaction with the record of how many are written. Stops after
    `batches` batches if given. Answers how many batches it wrote."""
    batch = batch or BATCH
    target, done = progress.access_events_planned, progress.access_events
    if done >= target:
        return 0
    readers = _Readers()
    if not readers.children:
        return 0
    day = datetime.combine(progress.reference_date, time.min)
    start = timezone.make_aware(day).astimezone(UTC) - timedelta(days=365)
    step = timedelta(days=365) / target
    shards = chain.shard_count()
    # The children and users are the ones just read (_Readers), and a demo load deletes none.
    insert = partial(bulk.insert_values, AccessEvent, references_known=True)
    written = 0
    while done < target and (batches is None or written < batches):
        number, offset = divmod(done, batch)
        if offset:
            raise ValueError(
                f"{done:,} access events are written, not a whole number of batches of "
                f"{batch:,}: go on with the batch size they were written with"
            )
        began = timezone.now()
        size = min(batch, target - done)
        with transaction.atomic():
            rows = _rows(
                readers, seed=progress.seed, number=number, first=done, size=size, start=start,
                step=step,
            )  # fmt: skip
            chain.append_values(AccessEvent, rows, shard=number % shards, insert=insert)
            done += size
            progress.access_events = done
            progress.counts = progress.counts | {"access events": done}
            progress.save(update_fields=["access_events", "counts"])
        written += 1
        if report is not None:
            seconds = (timezone.now() - began).total_seconds()
            report(f"Access events {done:,} of {target:,}: {size:,} in {seconds:.1f}s")
    return written
