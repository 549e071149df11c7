"""The meetings services are a package split by sub-domain (schedule, agenda, recording, actions,
minutes), each module with `__all__`, all of it re-exported so `services.meeting_schedule(...)`
keeps working; reads live in selectors, which never import a service; and the cadence's date
arithmetic is the model's own."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from mace.meetings import services
from mace.meetings.choices import MeetingPart
from mace.meetings.models import MeetingCadence, nth_weekday

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["schedule", "agenda", "recording", "actions", "minutes"]


def test_the_package_has_one_module_per_sub_domain_and_each_declares_its_public_names():
    found = sorted(
        name for _, name, _ in pkgutil.iter_modules(services.__path__) if not name.startswith("_")
    )
    assert found == sorted(MODULES)
    for name in MODULES:
        module = importlib.import_module(f"mace.meetings.services.{name}")
        assert isinstance(module.__all__, list) and module.__all__, name
        for public in module.__all__:
            assert hasattr(module, public), f"{name}.__all__ names {public}, which is not there"


def test_every_public_name_is_re_exported_from_the_package():
    for name in MODULES:
        module = importlib.import_module(f"mace.meetings.services.{name}")
        for public in module.__all__:
            assert public in services.__all__, public
            assert getattr(services, public) is getattr(module, public), public
    assert len(services.__all__) == len(set(services.__all__))


def test_the_names_callers_use_today_still_import_from_services():
    for name in (
        "meeting_schedule",
        "meetings_schedule_ahead",
        "cadence_for",
        "nth_weekday",
        "agenda_draft",
        "Drafted",
        "RECORDING",
        "DISCUSSION_FIELDS",
        "action_create",
        "minutes_sign_off",
        # Used by mace.demo.meetings, which signs minutes off in bulk.
        "decision_entry_body",
    ):
        assert hasattr(services, name), name


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function (`from a import b` counts
    as a and a.b, since b may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_services(module: str) -> bool:
    parts = module.split(".")
    return "services" in parts[1:]


def test_no_selector_imports_a_service():
    """Services call selectors, never the reverse. The one exception is the access log's writer
    (mace.access.services.access_record), which a selector that reads a child's record calls
    because the read itself is audited."""
    selectors = sorted((ROOT / "mace").glob("*/selectors.py")) + sorted(
        (ROOT / "mace").glob("*/selectors/*.py")
    )
    assert ROOT / "mace" / "meetings" / "selectors.py" in selectors
    for path in selectors:
        imported = {m for m in _imports(path) if _is_services(m)}
        assert not {m for m in imported if m.startswith("mace.meetings.services")}, path
        assert imported <= {"mace.access.services", "mace.access.services.access_record"}, path
    meetings = _imports(ROOT / "mace" / "meetings" / "selectors.py")
    assert not {m for m in meetings if _is_services(m)}


# --- the cadence's date arithmetic --------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "weekday", "n", "expected"),
    [
        (2027, 1, 2, 2, dt.date(2027, 1, 13)),  # the default: the second Wednesday
        (2026, 12, 2, 2, dt.date(2026, 12, 9)),  # December, before the year turns
        (2027, 2, 0, 1, dt.date(2027, 2, 1)),  # the month starts on that weekday
        (2027, 2, 6, 5, dt.date(2027, 2, 28)),  # no fifth Sunday: the last, the month's end
        (2027, 3, 2, 5, dt.date(2027, 3, 31)),  # a fifth Wednesday on the month's last day
        (2028, 2, 1, 5, dt.date(2028, 2, 29)),  # a leap year's fifth Tuesday, on the 29th
        (2027, 4, 4, 4, dt.date(2027, 4, 23)),  # the fourth Friday
    ],
)
def test_the_nth_weekday_of_a_month(year, month, weekday, n, expected):
    assert nth_weekday(year, month, weekday, n) == expected
    assert services.nth_weekday is nth_weekday


def _cadence(**fields: Any) -> MeetingCadence:
    """A cadence as the defaults make it, never saved: its arithmetic needs only its fields."""
    return MeetingCadence(**fields)


def _local(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    local = timezone.localtime(moment)
    return local.date(), local.time()


def test_the_cadence_puts_the_meeting_on_its_day_in_a_month():
    cadence = _cadence(weekday=2, week_of_month=2)
    assert cadence.day_in(2027, 1) == dt.date(2027, 1, 13)
    assert _cadence(weekday=4, week_of_month=5).day_in(2027, 2) == dt.date(2027, 2, 26)


def test_by_default_part_1_is_monthly_and_part_2_every_other_month_across_the_year_end():
    # Months count from year 0 (year * 12 + month - 1): November 2026 is 24,322, even, so it
    # has a part 2; December (24,323) has none; January 2027 (24,324) has one again.
    due = _cadence().meetings_due(today=dt.date(2026, 11, 1), months=4)
    assert [(part, *_local(at)) for part, at in due] == [
        (MeetingPart.PART_1, dt.date(2026, 11, 11), dt.time(10)),
        (MeetingPart.PART_2, dt.date(2026, 11, 11), dt.time(14)),
        (MeetingPart.PART_1, dt.date(2026, 12, 9), dt.time(10)),
        (MeetingPart.PART_1, dt.date(2027, 1, 13), dt.time(10)),
        (MeetingPart.PART_2, dt.date(2027, 1, 13), dt.time(14)),
        (MeetingPart.PART_1, dt.date(2027, 2, 10), dt.time(10)),
    ]


def test_a_meeting_day_already_past_this_month_is_not_due():
    cadence = _cadence()
    due = cadence.meetings_due(today=dt.date(2027, 1, 14), months=2)
    assert [_local(at)[0] for _, at in due] == [dt.date(2027, 2, 10)]
    on_the_day = cadence.meetings_due(today=dt.date(2027, 1, 13), months=1)
    assert [_local(at)[0] for _, at in on_the_day] == [dt.date(2027, 1, 13)] * 2


def test_a_cadence_at_the_month_end_and_every_third_month():
    cadence = _cadence(
        weekday=4,
        week_of_month=5,
        part_1_every_months=1,
        part_2_every_months=3,
        part_1_time=dt.time(9, 30),
        part_2_time=dt.time(13),
    )
    # The fifth Friday, or the last when a month has four; part 2 when the month's number
    # (year * 12 + month - 1) divides by three: January and April 2028.
    due = cadence.meetings_due(today=dt.date(2027, 12, 1), months=5)
    assert [(part, *_local(at)) for part, at in due] == [
        (MeetingPart.PART_1, dt.date(2027, 12, 31), dt.time(9, 30)),
        (MeetingPart.PART_1, dt.date(2028, 1, 28), dt.time(9, 30)),
        (MeetingPart.PART_2, dt.date(2028, 1, 28), dt.time(13)),
        (MeetingPart.PART_1, dt.date(2028, 2, 25), dt.time(9, 30)),
        (MeetingPart.PART_1, dt.date(2028, 3, 31), dt.time(9, 30)),
        (MeetingPart.PART_1, dt.date(2028, 4, 28), dt.time(9, 30)),
        (MeetingPart.PART_2, dt.date(2028, 4, 28), dt.time(13)),
    ]


def test_a_part_set_to_never_is_never_due():
    due = _cadence(part_2_every_months=0).meetings_due(today=dt.date(2027, 1, 1), months=6)
    assert {part for part, _ in due} == {MeetingPart.PART_1}
    assert len(due) == 6
