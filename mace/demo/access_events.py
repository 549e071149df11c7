"""Synthetic access events for a loaded demo data set: staff of the agencies involved with a
child reading the child's record, chronology or a concern, or seeing the child in a list, spread
over the year before the data set's day, in time order. For performance work on the access log
(issue 13 asks for 50,000,000); no page or test relies on them.

They are written through the hash chain's own `append`, a batch at a time, each batch in its own
transaction, so the chain stays whole however many are added and an interrupted run leaves it
valid. Deterministic from the seed and the batches already in the log: a second run adds more.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from mace.access import chain
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
from mace.core.models import DemoDataSet
from mace.demo.accounts import AUTHOR_FOR_AGENCY
from mace.people.models import AgencyInvolvement

BATCH = 10_000
# What a read is, by how often staff do it.
ACTIONS = {
    AccessAction.LIST: 40,
    AccessAction.VIEW: 35,
    AccessAction.VIEW_CHRONOLOGY: 20,
    AccessAction.VIEW_CONCERN: 5,
}
CHANNELS = {AccessChannel.PAGE: 92, AccessChannel.API: 8}


def access_events_add(*, count: int, seed: int = 1, batch: int = BATCH) -> int:
    """Append `count` synthetic reads to the access log, `batch` at a time. Answers how many
    were added (none without a demo data set)."""
    from mace.accounts.models import User

    loaded = DemoDataSet.objects.first()
    if loaded is None or count <= 0:
        return 0
    users = {u.username: u.pk for u in User.objects.filter(username__in=AUTHOR_FOR_AGENCY.values())}
    reader = {name: users[u] for name, u in AUTHOR_FOR_AGENCY.items() if u in users}
    pairs = [
        (child_id, reader[agency])
        for child_id, agency in AgencyInvolvement.objects.order_by("pk").values_list(
            "child_id", "agency__name"
        )
        if agency in reader
    ]
    if not pairs:
        return 0
    start = timezone.make_aware(datetime.combine(loaded.reference_date, time.min))
    start -= timedelta(days=365)
    step = timedelta(days=365) / count
    rng = random.Random(f"mace-demo-access:{seed}:{AccessEvent.objects.count()}")
    actions, action_weights = list(ACTIONS), list(ACTIONS.values())
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    added = 0
    while added < count:
        size = min(batch, count - added)
        events = []
        for n in range(added, added + size):
            child_id, user_id = rng.choice(pairs)
            action = rng.choices(actions, action_weights)[0]
            channel = rng.choices(channels, channel_weights)[0]
            events.append(
                AccessEvent(
                    at=start + step * n,
                    user_id=user_id,
                    child_id=child_id,
                    action=action,
                    outcome=AccessOutcome.ALLOWED,
                    channel=channel,
                    path=f"/children/{child_id}/" if channel == AccessChannel.PAGE else "",
                    detail="Synthetic demo access event.",
                )
            )
        with transaction.atomic():
            chain.append(events)
        added += size
    return added
