from __future__ import annotations

import datetime as dt

from django.urls import reverse

from mace.access.choices import AccessAction
from mace.concerns.models import Concern, ConcernIndicator, ConcernRoute
from mace.people.models import ChronologyEntry
from mace.reference.choices import IndicatorGroup
from mace.reference.models import Definition
from tests.pages import (
    allowed_events,
    assert_error_summary,
    assert_sign_in_redirect,
    date_parts,
    refused_events,
    today,
)


def url(child):  # type: ignore[no-untyped-def]
    return reverse("concerns:record", args=[child.pk])


def good_post() -> dict[str, object]:
    return {
        "indicators": ["multiple-phones", "older-associates"],
        **date_parts("seen_multiple-phones", today() - dt.timedelta(days=1)),
        "source_multiple-phones": "observed",
        "note_multiple-phones": "Two fictional handsets",
        **date_parts("seen_older-associates", today() - dt.timedelta(days=4)),
        "source_older-associates": "child",
        "narrative": "Fictional account: seen getting into cars with older males.",
        "routes": ["police", "care"],
        **date_parts("target_police", today() + dt.timedelta(days=2)),
        **date_parts("target_care", today() + dt.timedelta(days=14)),
    }


def test_anonymous_is_sent_to_sign_in(client, child):
    assert_sign_in_redirect(client.get(url(child)))


def test_the_form_shows_the_definition_and_the_four_groups_of_indicators(client, alice, child):
    client.force_login(alice)
    response = client.get(url(child))
    assert response.status_code == 200
    html = response.content.decode()
    definition = Definition.in_force()
    assert definition is not None
    assert 'class="govuk-details"' in html
    assert definition.title in html
    for _, label in IndicatorGroup.choices:
        assert (
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>'
            in html
        )
    assert html.count('class="govuk-fieldset"') >= 4
    assert 'data-aria-controls="conditional-indicators_0"' in html
    assert 'id="conditional-indicators_0"' in html
    assert "Children&#x27;s social care" in html and "CARE (Children at Risk" in html
    assert allowed_events(alice, child, AccessAction.VIEW) == 1


def test_a_good_concern_is_recorded_and_shown_on_the_childs_page(client, alice, child):
    client.force_login(alice)
    response = client.post(url(child), good_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[child.pk])
    concern = Concern.objects.get(child=child)
    assert concern.indicators.count() == 2
    assert {r.route for r in concern.routes.all()} == {"police", "care"}
    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Concern recorded for Zephyrine Testington" in page
    assert "Two fictional handsets" in page
    assert "Told by the child" in page


def test_an_empty_form_shows_every_error(client, alice, child):
    client.force_login(alice)
    response = client.post(url(child), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "indicators_0", "narrative", "routes_0")
    assert Concern.objects.count() == 0


def test_bad_input_keeps_every_value_and_writes_nothing(client, alice, child):
    data = good_post()
    data.update(date_parts("seen_multiple-phones", today() + dt.timedelta(days=3)))
    data["source_older-associates"] = ""
    data.update(date_parts("target_police", today() - dt.timedelta(days=1)))
    client.force_login(alice)
    before = ChronologyEntry.objects.count()
    response = client.post(url(child), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(
        html, "seen_multiple-phones-day", "source_older-associates", "target_police-day"
    )
    assert "Error:" in html
    # Every value typed is still there, and the chosen items stay open.
    assert 'value="multiple-phones" checked' in html
    assert 'value="older-associates" checked' in html
    assert 'value="Two fictional handsets"' in html
    assert "seen getting into cars with older males.</textarea>" in html
    assert 'value="care" checked' in html
    assert f'value="{(today() + dt.timedelta(days=14)).day}"' in html
    assert '<option value="observed" selected>' in html
    assert 'id="conditional-indicators_0"' in html
    assert (Concern.objects.count(), ConcernIndicator.objects.count()) == (0, 0)
    assert ConcernRoute.objects.count() == 0
    assert ChronologyEntry.objects.count() == before


def test_a_date_that_is_not_real_is_refused(client, alice, child):
    data = good_post()
    data.update({"target_care-day": "40", "target_care-month": "13", "target_care-year": "2030"})
    client.force_login(alice)
    html = client.post(url(child), data).content.decode()
    assert "The target date for CARE (Children at Risk of Exploitation) must be a real date" in html
    assert Concern.objects.count() == 0


def test_every_outsider_gets_404_and_a_refused_event(client, outsiders, child):
    for user in outsiders:
        client.force_login(user)
        assert client.get(url(child)).status_code == 404
        assert client.post(url(child), good_post()).status_code == 404
        assert refused_events(user, child) == 2
    assert Concern.objects.count() == 0
