"""Starting, changing and completing an assessment, and a manager's sign-off of an override: the
happy paths, every refusal (with its field), and what completing writes."""

from __future__ import annotations

import datetime as dt

import pytest

from mace.accounts.choices import Role
from mace.assessments.choices import AssessmentStatus, IndicatorWindow
from mace.assessments.models import (
    Assessment,
    AssessmentIndicator,
    AssessmentPerson,
    ReviewInterval,
    add_months,
)
from mace.assessments.services import (
    IndicatorRecorded,
    PersonInvolved,
    assessment_complete,
    assessment_sign_off,
    assessment_start,
    assessment_update,
)
from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.concurrency import ConflictError
from mace.core.errors import DomainError, Refused
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChronologyEntry
from tests.assessments import born_aged, completed, draft, finishing, seen, today
from tests.factories import ChildFactory, UserFactory


def errors_of(excinfo: pytest.ExceptionInfo[DomainError]) -> dict[str, list[str]]:
    return excinfo.value.errors


def complete(actor, assessment, **changes):  # type: ignore[no-untyped-def]
    return assessment_complete(
        actor=actor, assessment=assessment, version=assessment.version, changes=changes
    )


@pytest.fixture
def colleague(csc):  # type: ignore[no-untyped-def]
    return UserFactory(username="colleague", agency=csc, roles=[Role.PRACTITIONER])


# ---------------------------------------------------------------------------------------------
# Starting and changing a draft
# ---------------------------------------------------------------------------------------------


def test_starting_makes_a_draft_on_the_instrument_in_force(alice, child):
    assessment = draft(alice, child)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.instrument.status == "in_force"
    assert (assessment.assessor, assessment.created_by, assessment.agency) == (
        alice,
        alice,
        alice.agency,
    )
    assert assessment.assessed_on == today()
    assert not ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT).exists()


def test_emergency_access_cannot_start_one_and_involves_nobody(bob, police, child):
    # Bob sees the child only through an emergency grant, which only reads: assessing would
    # involve his agency and outlast the grant. (This used to be allowed; issue 11.)
    from django.utils import timezone

    from mace.access.models import BreakGlassGrant

    BreakGlassGrant.objects.create(
        user=bob,
        child=child,
        agency=police,
        reason_category="immediate_risk",
        reason="Fictional emergency",
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    with pytest.raises(Refused):
        draft(bob, child)
    assert not Assessment.objects.exists()
    assert not AgencyInvolvement.objects.filter(child=child, agency=police).exists()


def test_an_outsider_cannot_start_one(bob, child):
    with pytest.raises(Refused):
        draft(bob, child)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("persona", ["district", "board", "admin_user"])
def test_roles_without_case_content_cannot_assess(request, persona, child):
    with pytest.raises(Refused):
        draft(request.getfixturevalue(persona), child)


def test_the_indicators_can_start_from_the_childs_concerns(alice, bob, csc, police, child):
    concern_record(
        actor=alice,
        child=child,
        narrative="Fictional concern.",
        indicators=[
            IndicatorSeen("multiple-phones", today() - dt.timedelta(days=40), "observed"),
            IndicatorSeen("older-associates", today() - dt.timedelta(days=3), "child"),
        ],
        routes=[RouteTo("csc", today())],
    )
    concern_record(
        actor=alice,
        child=child,
        narrative="A later sighting of the phones (fictional).",
        indicators=[IndicatorSeen("multiple-phones", today() - dt.timedelta(days=5), "parent")],
        routes=[RouteTo("csc", today())],
    )
    concern_record(
        actor=alice,
        child=child,
        narrative="Too long ago for the tool (fictional).",
        indicators=[IndicatorSeen("unknown-keys", add_months(today(), -7), "records")],
        routes=[RouteTo("csc", today())],
    )
    assessment = assessment_start(actor=alice, child=child, from_concerns=True)
    lines = {
        line.indicator.code: line for line in assessment.indicators.select_related("indicator")
    }
    assert set(lines) == {"multiple-phones", "older-associates"}
    assert lines["multiple-phones"].last_seen == today() - dt.timedelta(days=5)
    assert lines["multiple-phones"].source == "parent"
    assert lines["multiple-phones"].window == IndicatorWindow.CURRENT
    assert (
        "From a concern recorded by Essex Children and Families" in lines["older-associates"].note
    )


def test_restricted_concerns_the_assessor_may_not_read_are_left_out(alice, bob, csc, police, child):
    from mace.people.models import AgencyInvolvement as Involvement

    Involvement.objects.create(child=child, agency=police, reason="allocated")
    concern_record(
        actor=alice,
        child=child,
        narrative="A fictional disclosure.",
        indicators=[IndicatorSeen("sexual-health", today() - dt.timedelta(days=3), "child")],
        routes=[RouteTo("csc", today())],
        restricted=True,
        restriction_reason="disclosure",
    )
    assessment = assessment_start(actor=bob, child=child, from_concerns=True)
    assert not assessment.indicators.exists()
    assert assessment_start(actor=alice, child=child, from_concerns=True).indicators.count() == 1


def test_a_draft_is_changed_from_the_version_it_was_read_at(alice, colleague, child):
    assessment = draft(alice, child)
    saved = assessment_update(
        actor=colleague,
        assessment=assessment,
        version=1,
        changes={
            "people": [PersonInvolved("Fictional Carer", "carer")],
            "indicators": [seen("older-associates", 10)],
            "level": "medium",
        },
    )
    assert saved.version == 2 and saved.level == "medium"
    assert AssessmentPerson.objects.get(assessment=saved).name == "Fictional Carer"
    # A colleague's change does not make them the assessor until they complete it.
    assert saved.assessor == alice
    with pytest.raises(ConflictError) as conflict:
        assessment_update(actor=alice, assessment=assessment, version=1, changes={"level": "low"})
    assert conflict.value.current.level == "medium"
    assert Assessment.objects.get().level == "medium"


def test_a_change_that_changes_nothing_still_needs_the_current_version(alice, child):
    assessment = draft(alice, child, level="low")
    assessment_update(actor=alice, assessment=assessment, version=1, changes={"level": "medium"})
    with pytest.raises(ConflictError):
        assessment_update(
            actor=alice, assessment=assessment, version=1, changes={"level": "medium"}
        )


def test_another_agency_cannot_change_the_draft(alice, bob, police, child):
    from mace.people.models import AgencyInvolvement as Involvement

    Involvement.objects.create(child=child, agency=police, reason="allocated")
    assessment = draft(alice, child)
    with pytest.raises(Refused):
        assessment_update(actor=bob, assessment=assessment, version=1, changes={"level": "low"})


def test_draft_input_is_checked_and_nothing_is_written(alice, child):
    assessment = draft(alice, child)
    with pytest.raises(DomainError) as excinfo:
        assessment_update(
            actor=alice,
            assessment=assessment,
            version=1,
            changes={
                "assessed_on": today() + dt.timedelta(days=1),
                "people": [PersonInvolved("", "parent"), PersonInvolved("Someone", "uncle")],
                "vulnerabilities": ["not-a-vulnerability"],
                "indicators": [
                    IndicatorRecorded("not-an-indicator"),
                    IndicatorRecorded("multiple-phones", today() + dt.timedelta(days=2)),
                    IndicatorRecorded("older-associates", None, "gossip"),
                ],
                "factors": ["18A", "11A"],
                "level": "extreme",
                "secret_field": "x",
            },
        )
    errors = errors_of(excinfo)
    assert errors == {"secret_field": ["This cannot be changed"]}
    with pytest.raises(DomainError) as excinfo:
        assessment_update(
            actor=alice,
            assessment=assessment,
            version=1,
            changes={
                "assessed_on": today() + dt.timedelta(days=1),
                "people": [PersonInvolved("", "parent"), PersonInvolved("Someone", "uncle")],
                "vulnerabilities": ["not-a-vulnerability"],
                "indicators": [
                    IndicatorRecorded("not-an-indicator"),
                    IndicatorRecorded("multiple-phones", today() + dt.timedelta(days=2)),
                    IndicatorRecorded("older-associates", None, "gossip"),
                ],
                "factors": ["18A", "11A"],
                "level": "extreme",
            },
        )
    errors = errors_of(excinfo)
    assert errors["assessed_on"] == ["The date of the assessment must be today or in the past"]
    assert errors["people.0.name"] == ["Enter the name of person 1"]
    assert errors["people.1.role"] == ["Choose how person 2 is involved"]
    assert errors["vulnerabilities.0"] == ["Choose vulnerabilities from the list"]
    assert errors["indicators.0.indicator"] == ["Choose an indicator from the list"]
    assert "must be in the past" in errors["indicators.1.last_seen"][0]
    assert errors["indicators.2.source"] == [
        "Choose where “Associating with older men or women” came from"
    ]
    # 18A was retired from the CIN census: old records keep it, new ones cannot choose it.
    assert errors["factors"] == ["“18A” is not a CIN assessment factor that can be chosen"]
    assert errors["level"] == ["Choose a level: high, medium or low"]
    assessment.refresh_from_db()
    assert assessment.version == 1 and not assessment.people.exists()


def test_a_draft_may_leave_out_dates_and_sources_but_completing_may_not(alice, child):
    assessment = draft(alice, child, indicators=[IndicatorRecorded("multiple-phones")])
    line = AssessmentIndicator.objects.get(assessment=assessment)
    assert (line.last_seen, line.window, line.source) == (None, "", "")
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing())
    errors = errors_of(excinfo)
    assert errors["indicators.0.last_seen"] == [
        "Enter when “Several phones or SIM cards” was last seen"
    ]
    assert errors["indicators.0.source"] == ["Choose where “Several phones or SIM cards” came from"]


def test_an_indicator_older_than_the_tools_windows_is_refused(alice, child):
    with pytest.raises(DomainError) as excinfo:
        draft(
            alice,
            child,
            indicators=[
                IndicatorRecorded(
                    "multiple-phones", add_months(today(), -6) - dt.timedelta(days=1), "observed"
                )
            ],
        )
    assert (
        "more than 6 months before the assessment"
        in errors_of(excinfo)["indicators.0.last_seen"][0]
    )


def test_current_and_previous_are_worked_out_from_the_date_last_seen(alice, child):
    boundary = add_months(today(), -3)
    assessment = draft(
        alice,
        child,
        indicators=[
            IndicatorRecorded("multiple-phones", boundary, "observed"),
            IndicatorRecorded("older-associates", boundary - dt.timedelta(days=1), "child"),
            IndicatorRecorded("unknown-keys", add_months(today(), -6), "records"),
        ],
    )
    windows = dict(assessment.indicators.values_list("indicator__code", "window"))
    assert windows == {
        "multiple-phones": "current",
        "older-associates": "previous",
        "unknown-keys": "previous",
    }


def test_the_windows_count_back_from_the_assessment_date(alice, child):
    assessment = draft(
        alice,
        child,
        assessed_on=add_months(today(), -2),
        # Four months ago: previous if counted from today, but current at the assessment date.
        indicators=[IndicatorRecorded("multiple-phones", add_months(today(), -4), "observed")],
    )
    assert assessment.indicators.get().window == "current"
    with pytest.raises(DomainError) as excinfo:
        assessment_update(
            actor=alice,
            assessment=assessment,
            version=1,
            changes={"indicators": [IndicatorRecorded("older-associates", today(), "observed")]},
        )
    assert "on or before the assessment date" in errors_of(excinfo)["indicators.0.last_seen"][0]


# ---------------------------------------------------------------------------------------------
# Completing
# ---------------------------------------------------------------------------------------------


def test_completing_needs_the_childs_view_factors_a_level_and_a_rationale(alice, child):
    assessment = draft(alice, child)
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment)
    assert set(errors_of(excinfo)) == {"child_view", "factors", "level", "rationale"}
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT


def test_completing_records_the_level_review_date_and_chronology(alice, colleague, child):
    assessment = draft(alice, child, indicators=[seen("multiple-phones")])
    done = complete(
        colleague, assessment, **finishing(level="high", rationale="Known (fictional).")
    )
    assert done.status == AssessmentStatus.COMPLETED
    assert done.completed_at is not None
    # Six weeks for high, the partnership's default; whoever completes it is the assessor.
    assert done.review_due == today() + dt.timedelta(weeks=6)
    assert done.assessor == colleague and done.created_by == alice
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.ASSESSMENT)
    assert entry.title == (
        "Risk assessment completed by Essex Children and Families (social care): High (known)"
    )
    assert "Known (fictional)." in entry.body and entry.author == colleague
    assert done.history.count() >= 2


@pytest.mark.parametrize(
    ("level", "due"),
    [("high", dt.timedelta(weeks=6)), ("medium", 3), ("low", 6)],
)
def test_the_review_date_follows_the_level(alice, child, level, due):
    child.dob = born_aged(15)
    child.save()
    done = completed(alice, child, level=level, indicators=[seen("multiple-phones")])
    expected = today() + due if isinstance(due, dt.timedelta) else add_months(today(), due)
    assert done.review_due == expected


def test_administrators_change_the_intervals_for_later_assessments_only(alice, child):
    first = completed(alice, child, level="medium")
    ReviewInterval.objects.filter(level="medium").update(amount=8, unit="weeks")
    second = completed(alice, child, level="medium")
    assert first.review_due == add_months(today(), 3)
    assert second.review_due == today() + dt.timedelta(weeks=8)
    first.refresh_from_db()
    assert first.review_due == add_months(today(), 3)


def test_the_assessor_may_ask_for_an_earlier_review_but_not_a_later_one(alice, child):
    early = completed(
        alice, child, level="low", review_requested_on=today() + dt.timedelta(days=20)
    )
    assert early.review_due == today() + dt.timedelta(days=20)
    assessment = draft(alice, child, indicators=[seen("multiple-phones")])
    with pytest.raises(DomainError) as excinfo:
        complete(
            alice,
            assessment,
            **finishing(level="high", review_requested_on=today() + dt.timedelta(weeks=7)),
        )
    assert "can be no later than" in errors_of(excinfo)["review_requested_on"][0]


def test_no_factors_stands_alone(alice, child):
    assessment = draft(alice, child)
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(factors=["21", "10A"]))
    assert errors_of(excinfo)["factors"] == [
        "21 “No factors identified” cannot be chosen with other factors"
    ]
    done = complete(alice, assessment, **finishing(factors=["21"], level="low"))
    assert list(done.factors.values_list("code", flat=True)) == ["21"]


def test_a_completed_assessment_cannot_be_changed(alice, child):
    done = completed(alice, child)
    with pytest.raises(Refused):
        assessment_update(actor=alice, assessment=done, version=done.version, changes={})
    with pytest.raises(Refused):
        complete(alice, done)


# ---------------------------------------------------------------------------------------------
# The guard rules
# ---------------------------------------------------------------------------------------------


def test_a_twelve_year_old_with_indicators_cannot_be_rated_low(alice, child):
    child.dob = born_aged(12)
    child.save()
    assessment = draft(alice, child, indicators=[seen("older-associates")])
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="low"))
    assert errors_of(excinfo) == {
        "level": [
            "A child under 13 who shows indicators of exploitation cannot be rated low: "
            "Zephyrine Testington was 12 at the date of the assessment and 1 indicator is "
            "recorded. Choose medium or high"
        ]
    }
    assert Assessment.objects.get().status == AssessmentStatus.DRAFT
    assert complete(alice, assessment, **finishing(level="medium")).is_completed


def test_age_is_taken_at_the_assessment_date(alice, child):
    # Thirteen today, but twelve on the date of the assessment a fortnight ago.
    child.dob = today().replace(year=today().year - 13) - dt.timedelta(days=0)
    child.save()
    assessment = draft(
        alice,
        child,
        assessed_on=today() - dt.timedelta(days=14),
        indicators=[seen("older-associates", 20)],
    )
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="low"))
    assert "was 12 at the date of the assessment" in errors_of(excinfo)["level"][0]


def test_a_thirteen_year_old_with_indicators_may_be_rated_low(alice, child):
    child.dob = born_aged(13)
    child.save()
    assert completed(alice, child, level="low").level == "low"


def test_a_young_child_without_indicators_may_be_rated_low(alice, child):
    child.dob = born_aged(11)
    child.save()
    assert completed(alice, child, level="low", indicators=[]).level == "low"


def test_a_learning_disability_with_indicators_cannot_be_rated_low(alice, child):
    assessment = draft(
        alice,
        child,
        vulnerabilities=["learning-disability"],
        indicators=[seen("unexplained-gifts")],
    )
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="low"))
    message = errors_of(excinfo)["level"][0]
    assert message.startswith("A child with a learning disability who shows indicators")
    assert "“Learning disability or difficulty” is recorded among the vulnerabilities" in message


def test_cin_factor_5a_counts_as_a_learning_disability_but_5b_does_not(alice, child):
    assessment = draft(alice, child, indicators=[seen("unexplained-gifts")])
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="low", factors=["5A", "11A"]))
    assert (
        "CIN assessment factor 5A (learning disability) is recorded"
        in errors_of(excinfo)["level"][0]
    )
    done = complete(alice, assessment, **finishing(level="low", factors=["5B", "11A"]))
    assert done.level == "low"


def test_a_current_indicator_of_actual_exploitation_needs_high_or_an_override(alice, child):
    assessment = draft(alice, child, indicators=[seen("drug-running", 10)])
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="medium"))
    assert errors_of(excinfo)["level"] == [
        "A current indicator of actual exploitation is recorded (Carrying, holding or selling "
        "drugs for others): choose high, or write an override saying why a lower level is "
        "right. A manager of Essex Children and Families (social care) must then sign the "
        "override off"
    ]
    done = complete(alice, assessment, **finishing(level="high"))
    assert done.is_completed


def test_an_override_waits_for_a_managers_sign_off(alice, child):
    assessment = draft(alice, child, indicators=[seen("drug-running", 10)])
    waiting = complete(
        alice,
        assessment,
        **finishing(level="medium", override_reason="Police confirm he was a witness (fictional)."),
    )
    assert waiting.status == AssessmentStatus.AWAITING_SIGN_OFF
    assert waiting.completed_at is None and waiting.review_due is None
    assert waiting.submitted_at is not None
    assert not ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT).exists()


def test_a_previous_indicator_of_actual_exploitation_does_not_need_an_override(alice, child):
    done = completed(alice, child, level="medium", indicators=[seen("drug-running", 120)])
    assert done.is_completed


def test_an_override_is_refused_where_none_is_needed(alice, child):
    assessment = draft(alice, child, indicators=[seen("multiple-phones")])
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(override_reason="Not needed"))
    assert "An override is only needed when" in errors_of(excinfo)["override_reason"][0]


def test_an_override_does_not_lift_the_rule_for_young_children(alice, child):
    child.dob = born_aged(12)
    child.save()
    assessment = draft(alice, child, indicators=[seen("drug-running")])
    with pytest.raises(DomainError) as excinfo:
        complete(alice, assessment, **finishing(level="low", override_reason="Fictional reason"))
    assert "A child under 13" in errors_of(excinfo)["level"][0]


# ---------------------------------------------------------------------------------------------
# Sign-off
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def waiting(alice, child):  # type: ignore[no-untyped-def]
    assessment = draft(alice, child, indicators=[seen("drug-running", 10)])
    return complete(
        alice,
        assessment,
        **finishing(level="medium", override_reason="A witness, not a runner (fictional)."),
    )


def test_a_manager_of_the_agency_signs_the_override_off(manager, waiting, child):
    done = assessment_sign_off(
        actor=manager,
        assessment=waiting,
        version=waiting.version,
        decision="agreed",
        note="Agreed after speaking to the police (fictional).",
    )
    assert done.status == AssessmentStatus.COMPLETED
    assert (done.sign_off_by, done.sign_off_decision) == (manager, "agreed")
    assert done.review_due == add_months(today(), 3)
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.ASSESSMENT)
    assert "Override signed off by" in entry.body and "speaking to the police" in entry.body
    assert entry.author == done.assessor


def test_a_manager_may_return_the_override_to_the_assessor(alice, manager, waiting):
    returned = assessment_sign_off(
        actor=manager,
        assessment=waiting,
        version=waiting.version,
        decision="returned",
        note="Reconsider: the drugs were found on him (fictional).",
    )
    assert returned.status == AssessmentStatus.DRAFT
    assert returned.sign_off_decision == "returned"
    # The assessor changes the level and completes it; the return stays in the history.
    done = complete(alice, returned, override_reason="", level="high")
    assert done.is_completed and done.sign_off_decision == ""
    assert done.history.filter(sign_off_decision="returned").exists()


def test_the_decision_and_a_reason_are_required(manager, waiting):
    with pytest.raises(DomainError) as excinfo:
        assessment_sign_off(
            actor=manager, assessment=waiting, version=waiting.version, decision="", note=""
        )
    assert set(errors_of(excinfo)) == {"decision", "note"}


def test_nobody_signs_off_their_own_override(csc, child):
    boss = UserFactory(agency=csc, roles=[Role.PRACTITIONER, Role.AGENCY_MANAGER])
    assessment = draft(boss, child, indicators=[seen("drug-running")])
    waiting = complete(boss, assessment, **finishing(level="low", override_reason="Fictional"))
    with pytest.raises(Refused):
        assessment_sign_off(
            actor=boss, assessment=waiting, version=waiting.version, decision="agreed", note="x"
        )


def test_a_practitioner_or_another_agencys_manager_cannot_sign_off(
    alice, police, waiting, child, colleague
):
    from mace.people.models import AgencyInvolvement as Involvement

    Involvement.objects.create(child=child, agency=police, reason="allocated")
    other_manager = UserFactory(agency=police, roles=[Role.AGENCY_MANAGER])
    for user in (colleague, other_manager):
        with pytest.raises(Refused):
            assessment_sign_off(
                actor=user, assessment=waiting, version=waiting.version, decision="agreed", note="x"
            )


def test_a_sign_off_from_an_out_of_date_page_is_refused(manager, waiting, csc):
    other = UserFactory(agency=csc, roles=[Role.AGENCY_MANAGER])
    assessment_sign_off(
        actor=other, assessment=waiting, version=waiting.version, decision="agreed", note="Fine"
    )
    stale = Assessment.objects.get(pk=waiting.pk)
    stale.status = AssessmentStatus.AWAITING_SIGN_OFF  # as the second manager's page showed it
    with pytest.raises(ConflictError):
        assessment_sign_off(
            actor=manager, assessment=stale, version=waiting.version, decision="returned", note="x"
        )


def test_an_assessment_keeps_its_instrument_version_when_the_tool_is_revised(
    alice, child, admin_user
):
    from django.contrib.auth.models import Permission

    from mace.assessments.models import Instrument
    from mace.assessments.services import instrument_put_in_force, instrument_revise

    admin_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="assessments")
    )
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)
    old = completed(alice, child)
    first = Instrument.in_force()
    assert first is not None
    revised = instrument_revise(actor=admin_user, instrument=first, version="2")
    revised.sections.get(code="criminal").indicators.filter(code="drug-running").update(
        label="Carrying or selling drugs for others (county lines)"
    )
    instrument_put_in_force(actor=admin_user, instrument=revised)
    old.refresh_from_db()
    assert old.instrument == first
    assert old.indicators.get().indicator.section.instrument == first
    new = draft(alice, ChildFactory(involved=[alice.agency]))
    assert new.instrument == revised
