"""The assessment pages through real HTTP: the allowed user, anonymous visitors, outsiders (404
and a refused access event), bad input (the error summary, what was typed kept, nothing
written), the guard rules on the page, two people saving one draft, and query counts that do
not grow with the size of an assessment or of a child's history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mace.access.choices import AccessAction
from mace.accounts.choices import Role
from mace.assessments.choices import AssessmentStatus
from mace.assessments.models import Assessment
from mace.assessments.services import assessment_complete
from mace.core.drafts import draft_save
from mace.people.choices import EntryKind
from mace.people.models import ChronologyEntry
from tests.assessments import born_aged, completed, draft, finishing, seen, today
from tests.factories import ChildFactory, UserFactory
from tests.pages import (
    allowed_events,
    assert_error_summary,
    assert_sign_in_redirect,
    date_parts,
    refused_events,
)


def start_url(child: Any) -> str:
    return reverse("assessments:start", args=[child.pk])


def edit_url(assessment: Assessment) -> str:
    return reverse("assessments:edit", args=[assessment.child_id, assessment.pk])


def detail_url(assessment: Assessment) -> str:
    return reverse("assessments:detail", args=[assessment.child_id, assessment.pk])


def sign_off_url(assessment: Assessment) -> str:
    return reverse("assessments:sign_off", args=[assessment.child_id, assessment.pk])


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_post(assessment: Assessment, action: str = "save", **fields: Any) -> dict[str, Any]:
    """A complete, valid submission of the form (a medium level), with `fields` over it."""
    data: dict[str, Any] = {
        "version": str(Assessment.objects.get(pk=assessment.pk).version),
        **date_parts("assessed_on", today()),
        "person-0-name": "Ottoline Fictionalmother",
        "person-0-role": "parent",
        "person-1-name": "'Big Wiz'",
        "person-1-role": "person_of_concern",
        "person-1-details": "About 25, drives a fictional blue car",
        "vulnerabilities": ["missing"],
        "indicators": ["older-associates", "multiple-phones"],
        **date_parts("seen_older-associates", today() - dt.timedelta(days=3)),
        "source_older-associates": "child",
        **date_parts("seen_multiple-phones", today() - dt.timedelta(days=100)),
        "source_multiple-phones": "parent",
        "note_multiple-phones": "Two fictional handsets",
        "child_view": "She says they are her friends (fictional).",
        "factors": ["11A", "10A"],
        "level": "medium",
        "rationale": "Older associates now, and phones before; no disclosure (fictional).",
        "action": action,
    }
    data.update(fields)
    return data


# ---------------------------------------------------------------------------------------------
# Starting
# ---------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, alice, child):
    assessment = draft(alice, child)
    for url in (
        start_url(child),
        edit_url(assessment),
        detail_url(assessment),
        sign_off_url(assessment),
        reverse("assessments:child", args=[child.pk]),
    ):
        assert_sign_in_redirect(client.get(url))


def test_the_start_page_explains_the_tool_and_starts_a_draft(alice, child):
    client = session(alice)
    response = client.get(start_url(child))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SET CSE Risk and Vulnerabilities Assessment (version 1)" in html
    assert "High (known): reviewed within 6 weeks" in html
    assert "Low (vulnerable): reviewed within 6 months" in html
    response = client.post(start_url(child), {"from_concerns": "on"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(assessment)
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_start_page_points_to_the_agencys_assessment_in_progress(alice, child):
    assessment = draft(alice, child)
    html = session(alice).get(start_url(child)).content.decode()
    assert "already has an assessment of Zephyrine Testington in progress" in html
    assert detail_url(assessment) in html


def test_outsiders_get_404_and_a_refused_event_on_every_page(alice, outsiders, child):
    assessment = draft(alice, child)
    pages = [
        start_url(child),
        edit_url(assessment),
        detail_url(assessment),
        sign_off_url(assessment),
        reverse("assessments:child", args=[child.pk]),
    ]
    for user in outsiders:
        client = session(user)
        for url in pages:
            assert client.get(url).status_code == 404, (user.username, url)
        assert client.post(start_url(child)).status_code == 404
        assert client.post(edit_url(assessment), form_post(assessment)).status_code == 404
        assert refused_events(user, child) == len(pages) + 2
    assert Assessment.objects.count() == 1
    assert Assessment.objects.get().version == 1


def test_an_assessment_id_cannot_reach_another_childs_assessment(alice, csc, child):
    other = ChildFactory(involved=[csc])
    assessment = draft(alice, other)
    url = reverse("assessments:detail", args=[child.pk, assessment.pk])
    assert session(alice).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------------------------


def test_the_form_shows_every_section_the_advisory_summary_and_the_levels(alice, child):
    assessment = draft(alice, child, indicators=[seen("drug-running")])
    response = session(alice).get(edit_url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Behaviour",
        "Health and mental health",
        "Online, school and risk-taking",
        "Possessions",
        "Sexual exploitation",
        "Criminal exploitation",
        "Online exploitation",
    ):
        assert f'govuk-fieldset__legend--s">{heading}</legend>' in html
    assert "Advisory summary" in html and "Advice, not a verdict" in html
    assert "High (known)" in html and "Medium (suspected)" in html and "Low (vulnerable)" in html
    # A current indicator of actual exploitation: the rule applies, and the override box shows.
    assert "A current indicator of actual exploitation: the level is high" in html
    assert 'name="override_reason"' in html
    assert 'data-draft-key="assessment:assessment:' in html
    assert '<input type="hidden" name="version" value="1"' in html
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_the_override_box_is_not_offered_when_no_rule_needs_it(alice, child):
    assessment = draft(alice, child, indicators=[seen("multiple-phones")])
    html = session(alice).get(edit_url(assessment)).content.decode()
    assert 'name="override_reason"' not in html
    assert "None of the guard rules applies" in html


def test_saving_the_draft_keeps_everything_typed(alice, child):
    assessment = draft(alice, child)
    client = session(alice)
    response = client.post(edit_url(assessment), form_post(assessment))
    assert response.status_code == 302 and response["Location"] == edit_url(assessment)
    saved = Assessment.objects.get()
    assert (saved.status, saved.version, saved.level) == ("draft", 2, "medium")
    assert saved.people.count() == 2
    assert dict(saved.indicators.values_list("indicator__code", "window")) == {
        "older-associates": "current",
        "multiple-phones": "previous",
    }
    html = client.get(edit_url(assessment)).content.decode()
    assert "Draft saved" in html
    assert 'value="Two fictional handsets"' in html
    assert "1 current, 1 previous" in html


def test_completing_from_the_page(alice, child):
    assessment = draft(alice, child)
    client = session(alice)
    response = client.post(edit_url(assessment), form_post(assessment, "complete"))
    assert response.status_code == 302 and response["Location"] == detail_url(assessment)
    done = Assessment.objects.get()
    assert done.status == AssessmentStatus.COMPLETED
    html = client.get(response["Location"]).content.decode()
    assert "Assessment completed: Medium (suspected)" in html
    assert "&#x27;Big Wiz&#x27;" in html and "Person of concern" in html
    assert "11A: Child sexual exploitation" in html
    child_page = client.get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Current level" in child_page and "Medium (suspected)" in child_page
    assert "Risk assessment completed by" in child_page


def test_the_guard_rule_refuses_low_for_a_twelve_year_old_and_keeps_what_was_typed(alice, child):
    child.dob = born_aged(12)
    child.save()
    assessment = draft(alice, child)
    response = session(alice).post(
        edit_url(assessment), form_post(assessment, "complete", level="low")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "level_0")
    assert "A child under 13 who shows indicators of exploitation cannot be rated low" in html
    assert 'value="low" checked' in html
    assert 'value="Two fictional handsets"' in html
    assert "She says they are her friends (fictional).</textarea>" in html
    assert "The child was 12 on" in html
    saved = Assessment.objects.get()
    assert (saved.status, saved.version, saved.level) == ("draft", 1, "")
    assert not ChronologyEntry.objects.filter(kind=EntryKind.ASSESSMENT).exists()


def test_a_date_that_is_not_real_is_refused_and_nothing_is_written(alice, child):
    assessment = draft(alice, child)
    data = form_post(
        assessment,
        "complete",
        **{"seen_older-associates-day": "31", "seen_older-associates-month": "2"},
    )
    html = session(alice).post(edit_url(assessment), data).content.decode()
    assert_error_summary(html, "seen_older-associates-day")
    assert (
        "The date “Associating with older men or women” was last seen must be a real date" in html
    )
    assert Assessment.objects.get().version == 1


def test_bad_input_shows_every_error_against_its_field(alice, child):
    assessment = draft(alice, child)
    data = form_post(
        assessment,
        "complete",
        **{
            "person-1-role": "",
            "source_multiple-phones": "",
            "child_view": "",
            "factors": ["21", "11A"],
            "rationale": "",
        },
    )
    html = session(alice).post(edit_url(assessment), data).content.decode()
    # The factors' link goes to 10A, the first shown (the others are folded away).
    factor = re.search(r'id="(factors_\d+)" name="factors" type="checkbox" value="10A"', html)
    assert factor
    assert_error_summary(
        html,
        "person-1-role",
        "source_multiple-phones",
        "child_view",
        factor.group(1),
        "rationale",
    )
    assert Assessment.objects.get().version == 1


def test_an_override_sends_the_assessment_for_sign_off(alice, manager, child):
    assessment = draft(alice, child)
    data = form_post(
        assessment,
        "complete",
        indicators=["drug-running"],
        **date_parts("seen_drug-running", today() - dt.timedelta(days=2)),
        **{"source_drug-running": "records"},
    )
    client = session(alice)
    html = client.post(edit_url(assessment), data).content.decode()
    assert "choose high, or write an override" in html
    assert 'name="override_reason"' in html
    data["override_reason"] = "Found with a friend's bag; police say he did not know (fictional)."
    response = client.post(edit_url(assessment), data)
    assert response.status_code == 302
    assert Assessment.objects.get().status == AssessmentStatus.AWAITING_SIGN_OFF
    html = client.get(detail_url(assessment)).content.decode()
    assert "sent to a manager of Essex Children and Families (social care)" in html
    assert sign_off_url(assessment) not in html
    # The manager sees it waiting on their dashboard, and signs it off.
    manager_client = session(manager)
    dashboard = manager_client.get(reverse("dashboard:home")).content.decode()
    assert (
        "Overrides waiting for your sign-off" in dashboard and sign_off_url(assessment) in dashboard
    )
    response = manager_client.post(
        sign_off_url(assessment),
        {"decision": "agreed", "note": "Agreed with the police view (fictional).", "version": "2"},
    )
    assert response.status_code == 302
    done = Assessment.objects.get()
    assert done.status == AssessmentStatus.COMPLETED and done.sign_off_by == manager
    html = manager_client.get(detail_url(assessment)).content.decode()
    assert "Signed off" in html and "Agreed with the police view" in html


def test_the_sign_off_page_needs_a_decision_and_reasons(alice, manager, child):
    waiting = _waiting(alice, child)
    response = session(manager).post(sign_off_url(waiting), {"version": str(waiting.version)})
    html = response.content.decode()
    assert_error_summary(html, "decision_0", "note")
    assert Assessment.objects.get().status == AssessmentStatus.AWAITING_SIGN_OFF


def test_only_an_agency_manager_who_is_not_the_assessor_may_open_the_sign_off(
    alice, manager, child
):
    waiting = _waiting(alice, child)
    assert session(alice).get(sign_off_url(waiting)).status_code == 403
    assert session(manager).get(sign_off_url(waiting)).status_code == 200


def _waiting(actor: Any, child: Any) -> Assessment:
    assessment = draft(actor, child, indicators=[seen("drug-running")])
    return assessment_complete(
        actor=actor,
        assessment=assessment,
        version=assessment.version,
        changes=finishing(level="medium", override_reason="A fictional override."),
    )


def test_a_completed_assessment_cannot_be_edited(alice, child):
    done = completed(alice, child)
    assert session(alice).get(edit_url(done)).status_code == 403
    html = session(alice).get(detail_url(done)).content.decode()
    assert edit_url(done) not in html


# ---------------------------------------------------------------------------------------------
# Nothing typed is lost
# ---------------------------------------------------------------------------------------------


def version_on(html: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match
    return match.group(1)


def test_the_second_of_two_people_saving_one_draft_sees_both_versions(alice, csc, child):
    colleague = UserFactory(username="corvina", agency=csc, roles=[Role.PRACTITIONER])
    assessment = draft(alice, child)
    first, second = session(alice), session(colleague)
    v1 = version_on(first.get(edit_url(assessment)).content.decode())
    v2 = version_on(second.get(edit_url(assessment)).content.decode())
    assert first.post(edit_url(assessment), form_post(assessment, version=v1)).status_code == 302
    refused = second.post(
        edit_url(assessment), form_post(assessment, version=v2, level="high", rationale="Mine")
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Someone else changed this assessment while you were editing" in html
    assert 'id="conflict"' in html and "Level of risk" in html
    assert version_on(html) == "2"
    assert 'value="high" checked' in html
    saved = Assessment.objects.get()
    assert (saved.version, saved.level) == (2, "medium")


def test_a_draft_of_what_was_typed_is_restored(alice, child):
    assessment = draft(alice, child)
    key = f"assessment:assessment:{assessment.pk}"
    draft_save(user=alice, key=key, data={"child_view": ["Typed before the timeout (fictional)"]})
    html = session(alice).get(edit_url(assessment)).content.decode()
    assert "Unsaved changes restored" in html
    assert "Typed before the timeout (fictional)</textarea>" in html
    session(alice).post(edit_url(assessment), form_post(assessment))
    from mace.core.models import Draft

    assert not Draft.objects.filter(key=key).exists()


def test_the_page_keeps_a_draft_of_what_is_typed_through_the_draft_endpoint(alice, child):
    assessment = draft(alice, child)
    key = f"assessment:assessment:{assessment.pk}"
    client = session(alice)
    response = client.post(
        reverse("core:draft_save", args=[key]),
        data='{"data": {"rationale": ["Half a thought (fictional)"]}}',
        content_type="application/json",
    )
    assert response.status_code == 204
    assert (
        "Half a thought (fictional)</textarea>" in client.get(edit_url(assessment)).content.decode()
    )


def test_nobody_else_can_keep_a_draft_of_the_form(alice, bob, child):
    assessment = draft(alice, child)
    key = f"assessment:assessment:{assessment.pk}"
    client = session(bob)
    response = client.post(
        reverse("core:draft_save", args=[key]),
        data='{"data": {"child_view": ["x"]}}',
        content_type="application/json",
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# The child's page, the history of levels, My work
# ---------------------------------------------------------------------------------------------


def test_the_childs_page_shows_the_current_level_review_date_and_recent_levels(alice, child):
    completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    latest = completed(alice, child, level="high", indicators=[seen("drug-running")])
    html = session(alice).get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Risk assessments" in html
    section = html[html.index('id="assessments"') :]
    assert section.index("High (known)") < section.index("Low (vulnerable)")
    assert latest.review_due is not None
    assert f"{latest.review_due.day} {latest.review_due:%B %Y}" in section
    assert "Review overdue" not in section
    assert start_url(child) in section


def test_an_overdue_review_shows_on_the_childs_page(alice, child):
    done = completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    assert done.review_overdue()
    html = session(alice).get(reverse("people:detail", args=[child.pk])).content.decode()
    assert "Review overdue" in html


def test_an_earlier_assessment_says_a_later_one_replaced_it(alice, child):
    old = completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=300))
    new = completed(alice, child, level="medium", assessed_on=today() - dt.timedelta(days=10))
    html = session(alice).get(detail_url(old)).content.decode()
    assert "A later assessment replaced this one" in html and detail_url(new) in html
    assert "Review overdue" not in html
    assert "A later assessment replaced" not in session(alice).get(detail_url(new)).content.decode()


def test_the_history_page_lists_every_assessment_newest_first(alice, child):
    old = completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=300))
    new = completed(alice, child, level="medium", assessed_on=today() - dt.timedelta(days=10))
    in_progress = draft(alice, child)
    response = session(alice).get(reverse("assessments:child", args=[child.pk]))
    html = response.content.decode()
    positions = [html.index(detail_url(a)) for a in (in_progress, new, old)]
    assert positions == sorted(positions)
    # Only the latest completed assessment's review can be overdue.
    assert "Overdue" not in html


def test_my_work_shows_overdue_reviews_to_the_assessor_and_their_manager(
    alice, manager, bob, child
):
    completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=200))
    for user in (alice, manager):
        html = session(user).get(reverse("dashboard:home")).content.decode()
        assert "Reviews overdue" in html and "Zephyrine Testington" in html, user
    assert "Reviews overdue" not in session(bob).get(reverse("dashboard:home")).content.decode()


# ---------------------------------------------------------------------------------------------
# Bounded queries
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 12])
def test_the_form_and_the_assessment_page_run_a_fixed_number_of_queries(
    alice, child, size, django_assert_max_num_queries
):
    codes = [
        "disruptive-or-hostile", "older-associates", "behaviour-change", "concealed-marks",
        "sexual-health", "mental-health-change", "concealed-internet", "school-exclusion",
        "unexplained-absence", "unexplained-money", "unexplained-gifts", "multiple-phones",
    ]  # fmt: skip
    assessment = draft(
        alice,
        child,
        indicators=[seen(code) for code in codes[:size]],
        people=[finishing()["people"][0]] * size,
        vulnerabilities=["missing", "looked-after"][: min(size, 2)],
    )
    client = session(alice)
    # The access event locks the access log's head and moves it on (the hash chain): two of them.
    with django_assert_max_num_queries(24):
        assert client.get(edit_url(assessment)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(detail_url(assessment)).status_code == 200


@pytest.mark.parametrize("count", [2, 30])
def test_the_history_page_runs_a_fixed_number_of_queries(
    alice, child, count, django_assert_max_num_queries
):
    for n in range(count):
        completed(alice, child, level="low", assessed_on=today() - dt.timedelta(days=n))
    client = session(alice)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("assessments:child", args=[child.pk]))
    assert response.status_code == 200
