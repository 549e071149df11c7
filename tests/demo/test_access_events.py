"""Synthetic access events for performance work: reads by staff of the agencies involved with
each child, appended to the hash-chained access log so the chain stays whole."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from mace.access import chain
from mace.access.models import AccessEvent
from mace.demo.access_events import access_events_add
from mace.demo.accounts import PASSWORD_ENV
from mace.people.models import AgencyInvolvement

TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.mark.django_db
def test_nothing_is_added_without_a_demo_data_set():
    assert access_events_add(count=10) == 0
    assert not AccessEvent.objects.exists()


@pytest.mark.django_db
def test_the_events_are_reads_by_involved_agencies_staff_and_keep_the_chain_whole():
    call_command("seed_demo", "--scale", "tiny", "--today", TODAY.isoformat(), stdout=StringIO())
    before = AccessEvent.objects.count()

    assert access_events_add(count=250, batch=100) == 250

    added = AccessEvent.objects.order_by("pk")[before:]
    assert len(added) == 250
    involved = set(AgencyInvolvement.objects.values_list("child_id", "agency_id"))
    assert all((e.child_id, e.user.agency_id) in involved for e in added)
    times = [e.at for e in added]
    assert times == sorted(times) and times[-1].date() < TODAY
    verified = chain.verify(AccessEvent)
    assert verified.broken is None and verified.rows == before + 250
