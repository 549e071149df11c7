"""`mace periodic` runs every sweep the platform needs on a schedule, once, and a failing sweep
does not stop the others."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_it_runs_each_periodic_sweep_once(db, settings):
    out = StringIO()
    call_command("periodic", stdout=out)
    text = out.getvalue()
    for name in settings.MACE_PERIODIC_COMMANDS:
        assert f"{name}: " in text
    assert "children considered" in text and "Deleted 0 draft(s)" in text


def test_a_failing_sweep_is_reported_after_the_others_ran(db, settings):
    settings.MACE_PERIODIC_COMMANDS = ["no_such_sweep", "purge_drafts"]
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="no_such_sweep"):
        call_command("periodic", stdout=out, stderr=err)
    assert "Deleted 0 draft(s)" in out.getvalue()
