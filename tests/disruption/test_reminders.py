"""Expiry and review dates raise reminders: the lead agency's managers and the person who recorded
the disruption are told once for each date, and not for dates far off or disruption that is over."""

from __future__ import annotations

from io import StringIO

from django.conf import settings
from django.core.management import call_command

from mace.accounts.choices import Role
from mace.core.models import Notification
from mace.disruption import services
from mace.disruption.models import Disruption
from tests.disruption import closure, days, today
from tests.factories import UserFactory
from tests.intelligence import location


def _told(*users) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        u.username: Notification.objects.filter(recipient=u, kind="disruption").count()
        for u in users
    }


def test_an_expiry_within_14_days_reminds_the_managers_and_the_recorder_once(
    bob, police_manager, manager
):
    disruption = closure(bob, location(bob), expires_on=days(14))
    assert services.disruption_reminders_send(today()) == {"expiry": 1, "review": 0}
    assert _told(bob, police_manager, manager) == {"bob": 1, "policemanager": 1, "manager": 0}
    notice = Notification.objects.filter(recipient=police_manager).get()
    assert notice.url == disruption.get_absolute_url()
    assert "Hotel" not in notice.message and "Kipper" not in notice.message  # no case details
    assert services.disruption_reminders_send(today()) == {"expiry": 0, "review": 0}
    assert services.disruption_reminders_send(days(3)) == {"expiry": 0, "review": 0}
    assert _told(bob, police_manager) == {"bob": 1, "policemanager": 1}


def test_a_changed_date_is_reminded_of_again(bob):
    disruption = closure(bob, location(bob), expires_on=days(10))
    services.disruption_reminders_send(today())
    services.disruption_update(
        actor=bob, disruption=disruption, version=1, changes={"expires_on": days(12)}
    )
    assert services.disruption_reminders_send(today()) == {"expiry": 1, "review": 0}
    assert _told(bob) == {"bob": 2}


def test_far_dates_and_finished_disruption_are_not_reminded_of(bob):
    closure(bob, location(bob), expires_on=days(15), review_on=days(8))
    closure(bob, location(bob, name="Another Kipper", line1="2 Moonpenny Lane"),
            expires_on=days(2), status="completed")  # fmt: skip
    assert services.disruption_reminders_send(today()) == {"expiry": 0, "review": 0}
    assert not Notification.objects.exists()
    assert services.disruption_reminders_send(days(1)) == {"expiry": 1, "review": 1}


def test_a_review_within_7_days_or_passed_is_reminded_of(bob):
    closure(bob, location(bob), expires_on=None, review_on=days(7))
    assert services.disruption_reminders_send(today()) == {"expiry": 0, "review": 1}
    assert services.disruption_reminders_send(days(30)) == {"expiry": 0, "review": 0}
    assert Disruption.objects.get().review_reminded_for == days(7)


def test_an_inactive_recorder_is_not_told(bob, police_manager):
    leaver = UserFactory(username="leaver", agency=bob.agency, roles=[Role.PRACTITIONER])
    closure(leaver, location(bob), expires_on=days(1))
    type(leaver).objects.filter(pk=leaver.pk).update(is_active=False)
    services.disruption_reminders_send(today())
    assert _told(leaver, police_manager) == {"leaver": 0, "policemanager": 1}


def test_the_command_sends_them_and_runs_with_the_periodic_sweeps(bob):
    closure(bob, location(bob), expires_on=days(1))
    out = StringIO()
    call_command("disruption_reminders", stdout=out)
    assert "Expiry reminders: 1" in out.getvalue()
    assert "disruption_reminders" in settings.MACE_PERIODIC_COMMANDS
