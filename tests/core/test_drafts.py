"""Drafts of long forms kept on the server as people type: the services (save, restore, discard,
purge, and who may keep which draft), the endpoint drafts.js posts to, and the concern form that
restores a draft and deletes it once the concern is recorded."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mace.concerns.models import Concern
from mace.core.drafts import (
    MAX_DRAFT_BYTES,
    draft_discard,
    draft_get,
    draft_save,
    drafts_purge,
)
from mace.core.errors import DomainError, Refused
from mace.core.models import Draft
from tests.api import with_csrf_token
from tests.pages import date_parts, today


def key(child) -> str:  # type: ignore[no-untyped-def]
    return f"concern:child:{child.pk}"


NARRATIVE = {"narrative": ["Seen near the fictional station with older youths."]}

# ---------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------


def test_a_draft_is_saved_replaced_read_back_and_discarded(alice, child):
    draft_save(user=alice, key=key(child), data={"narrative": ["First words"]})
    draft_save(user=alice, key=key(child), data={**NARRATIVE, "indicators": ["multiple-phones"]})
    assert Draft.objects.count() == 1
    draft = draft_get(user=alice, key=key(child))
    assert draft is not None and draft.data["indicators"] == ["multiple-phones"]
    assert draft_discard(user=alice, key=key(child)) == 1
    assert draft_get(user=alice, key=key(child)) is None


def test_the_csrf_token_is_never_kept(alice, child):
    draft = draft_save(
        user=alice, key=key(child), data={**NARRATIVE, "csrfmiddlewaretoken": ["secret"]}
    )
    assert "csrfmiddlewaretoken" not in draft.data


def test_a_user_cannot_keep_or_read_a_draft_for_a_child_they_cannot_see(bob, alice, child):
    with pytest.raises(Refused):
        draft_save(user=bob, key=key(child), data=NARRATIVE)
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    with pytest.raises(Refused):
        draft_get(user=bob, key=key(child))
    assert Draft.objects.filter(user=bob).count() == 0


def test_roles_without_case_content_and_unknown_forms_are_refused(district, alice, child):
    for user, k in [
        (district, key(child)),
        (alice, "minutes:meeting:1"),
        (alice, "concern:child:999999"),
        (alice, "concern:child"),
        (alice, "concern"),
    ]:
        with pytest.raises(Refused):
            draft_save(user=user, key=k, data=NARRATIVE)


def test_another_users_draft_is_never_shown(alice, manager, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    assert draft_get(user=manager, key=key(child)) is None
    draft_save(user=manager, key=key(child), data={"narrative": ["The manager's own"]})
    mine = draft_get(user=alice, key=key(child))
    assert mine is not None and mine.data == NARRATIVE


def test_a_malformed_or_oversized_draft_is_refused(alice, child):
    with pytest.raises(DomainError):
        draft_save(user=alice, key=key(child), data=["not", "an", "object"])
    with pytest.raises(DomainError):
        draft_save(user=alice, key=key(child), data={"narrative": [{"nested": True}]})
    with pytest.raises(DomainError):
        draft_save(user=alice, key=key(child), data={"narrative": ["x" * (MAX_DRAFT_BYTES + 1)]})
    assert Draft.objects.count() == 0


def test_old_drafts_are_purged_and_purging_twice_does_no_harm(alice, manager, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    draft_save(user=manager, key=key(child), data=NARRATIVE)
    Draft.objects.filter(user=alice).update(updated_at=timezone.now() - dt.timedelta(days=31))
    assert drafts_purge() == 1
    assert drafts_purge() == 0
    assert list(Draft.objects.values_list("user__username", flat=True)) == ["manager"]


def test_the_purge_command_reports_what_it_deleted(alice, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    Draft.objects.update(updated_at=timezone.now() - dt.timedelta(days=8))
    out = StringIO()
    call_command("purge_drafts", "--days", "30", stdout=out)
    assert "Deleted 0 draft(s)" in out.getvalue()
    call_command("purge_drafts", "--days", "7", stdout=out)
    assert "Deleted 1 draft(s) older than 7 days" in out.getvalue()
    assert Draft.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# The endpoint drafts.js posts to
# ---------------------------------------------------------------------------------------------


def save_url(child) -> str:  # type: ignore[no-untyped-def]
    return reverse("core:draft_save", args=[key(child)])


def post_draft(client: Client, child, data, headers=None):  # type: ignore[no-untyped-def]
    return client.post(
        save_url(child),
        json.dumps({"data": data}),
        content_type="application/json",
        headers=headers,
    )


def test_the_endpoint_keeps_the_draft_and_answers_204(alice, child):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = post_draft(client, child, NARRATIVE, with_csrf_token(client))
    assert response.status_code == 204
    assert Draft.objects.get(user=alice).data == NARRATIVE


def test_the_endpoint_enforces_csrf(alice, child):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert post_draft(client, child, NARRATIVE).status_code == 403
    assert Draft.objects.count() == 0


def test_an_oversized_body_is_413_and_nothing_is_kept(alice, child):
    client = Client()
    client.force_login(alice)
    response = post_draft(client, child, {"narrative": ["x" * (MAX_DRAFT_BYTES + 10)]})
    assert response.status_code == 413
    assert Draft.objects.count() == 0


def test_a_key_the_user_may_not_use_is_404(bob, child):
    client = Client()
    client.force_login(bob)
    assert post_draft(client, child, NARRATIVE).status_code == 404
    assert Draft.objects.count() == 0


def test_a_body_that_is_not_a_draft_is_400(alice, child):
    client = Client()
    client.force_login(alice)
    response = client.post(save_url(child), "not json", content_type="application/json")
    assert response.status_code == 400
    assert post_draft(client, child, ["a list"]).status_code == 400
    assert Draft.objects.count() == 0


def test_a_signed_out_post_is_sent_to_sign_in(client, alice, child):
    response = post_draft(client, child, NARRATIVE)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
    assert Draft.objects.count() == 0


def test_a_get_is_405(alice, child):
    client = Client()
    client.force_login(alice)
    assert client.get(save_url(child)).status_code == 405


def test_discard_deletes_only_the_users_own_draft_and_goes_back(alice, manager, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    draft_save(user=manager, key=key(child), data=NARRATIVE)
    client = Client()
    client.force_login(alice)
    back = reverse("concerns:record", args=[child.pk])
    response = client.post(reverse("core:draft_discard", args=[key(child)]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert list(Draft.objects.values_list("user__username", flat=True)) == ["manager"]
    elsewhere = client.post(
        reverse("core:draft_discard", args=[key(child)]), {"next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("dashboard:home")


# ---------------------------------------------------------------------------------------------
# The concern form
# ---------------------------------------------------------------------------------------------


def record_url(child) -> str:  # type: ignore[no-untyped-def]
    return reverse("concerns:record", args=[child.pk])


def test_the_concern_form_is_marked_for_drafts(client, alice, child):
    client.force_login(alice)
    html = client.get(record_url(child)).content.decode()
    assert f'data-draft-key="{key(child)}"' in html
    assert f'data-draft-url="{save_url(child)}"' in html
    assert 'aria-live="polite"' in html and "js/drafts.js" in html
    assert "We restored the draft" not in html


def test_the_concern_form_restores_the_draft_without_showing_errors(client, alice, child):
    seen = today() - dt.timedelta(days=1)
    draft_save(
        user=alice,
        key=key(child),
        data={
            **NARRATIVE,
            "indicators": ["multiple-phones"],
            "seen_multiple-phones-day": [str(seen.day)],
            "seen_multiple-phones-month": [str(seen.month)],
            "seen_multiple-phones-year": [str(seen.year)],
            "routes": ["csc"],
        },
    )
    client.force_login(alice)
    html = client.get(record_url(child)).content.decode()
    assert "We restored the draft you saved at" in html and "Discard draft" in html
    assert "Seen near the fictional station with older youths." in html
    assert 'value="multiple-phones" checked' in html and 'value="csc" checked' in html
    assert (
        f'name="seen_multiple-phones-year" type="text" inputmode="numeric" value="{seen.year}"'
        in html
    )
    # Restored, not submitted: no error summary for what is still missing.
    assert "govuk-error-summary" not in html


def test_someone_elses_draft_is_not_restored(client, alice, manager, child):
    draft_save(user=manager, key=key(child), data=NARRATIVE)
    client.force_login(alice)
    html = client.get(record_url(child)).content.decode()
    assert "We restored the draft" not in html and "fictional station" not in html


def test_recording_the_concern_deletes_the_draft(client, alice, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    client.force_login(alice)
    seen = today() - dt.timedelta(days=1)
    response = client.post(
        record_url(child),
        {
            "indicators": ["multiple-phones"],
            **date_parts("seen_multiple-phones", seen),
            "source_multiple-phones": "observed",
            "narrative": NARRATIVE["narrative"][0],
            "routes": ["csc"],
            **date_parts("target_csc", today() + dt.timedelta(days=7)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Concern.objects.filter(child=child).count() == 1
    assert Draft.objects.count() == 0


def test_a_refused_submission_keeps_the_draft(client, alice, child):
    draft_save(user=alice, key=key(child), data=NARRATIVE)
    client.force_login(alice)
    response = client.post(record_url(child), {"narrative": "Only a narrative"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert Draft.objects.filter(user=alice).count() == 1
