"""Bad input never breaks the API: NUL characters, lone surrogates, numbers no column can hold,
bodies over the size limit, text over its documented length and dates out of bounds all answer a
4xx in the API's JSON shape (422 with field errors, 413 for an oversize body) and write nothing;
a path the API does not have and an unexpected failure answer JSON too, never an HTML page or a
traceback. Each holds on SQLite and on PostgreSQL (which refuses NUL in text, and whose driver
refuses lone surrogates)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import include, path

from mace.api import SERVER_ERROR, new_api
from mace.core.bounds import LONG_TEXT, SHORT_TEXT
from tests.api import API, bearer, field_errors, row_counts, signed_in, token_for


def post_json(client: Client, url: str, raw: str, **headers: str) -> Any:
    """Send the body exactly as written (json.dumps would not let a lone surrogate through)."""
    return client.post(url, raw, content_type="application/json", headers=headers)


def note_url(child: Any) -> str:
    return f"{API}/children/{child.pk}/chronology"


def test_a_nul_character_in_a_body_field_answers_422_and_writes_nothing(alice, child):
    before = row_counts()
    response = post_json(
        signed_in(alice), note_url(child), json.dumps({"title": "Fictional\u0000", "body": "x"})
    )
    assert field_errors(response) == {"title": ["Must not contain a NUL character"]}
    assert row_counts() == before


def test_a_lone_surrogate_in_a_body_field_answers_422_and_writes_nothing(alice, child):
    before = row_counts()
    response = post_json(signed_in(alice), note_url(child), '{"title": "x", "body": "a\\ud800b"}')
    assert field_errors(response) == {"body": ["Must not contain a lone surrogate (invalid text)"]}
    assert row_counts() == before


def test_a_nul_in_a_nested_body_field_names_its_path(alice, child):
    body = {
        "narrative": "A fictional narrative.",
        "indicators": [
            {"indicator": "multiple-phones", "seen_on": "2025-01-02", "source": "observed"},
            {"indicator": "multiple-phones", "seen_on": "2025-01-02", "note": "a\u0000"},
        ],
        "routes": [],
    }
    response = post_json(signed_in(alice), f"{API}/children/{child.pk}/concerns", json.dumps(body))
    assert field_errors(response) == {"indicators.1.note": ["Must not contain a NUL character"]}


def test_a_body_that_is_not_json_answers_422(alice, child):
    response = post_json(signed_in(alice), note_url(child), "{not json")
    assert field_errors(response) == {"__all__": ["The body is not valid JSON"]}


def test_a_nul_in_a_query_parameter_answers_422(alice, child):
    response = signed_in(alice).get(f"{API}/children", {"q": "Zeph\x00"})
    assert field_errors(response) == {"q": ["Must not contain a NUL character"]}


def test_a_lone_surrogate_in_a_query_parameter_answers_422(alice, child):
    response = signed_in(alice).get(f"{API}/children?q=%ED%A0%80")
    # Django decodes an invalid UTF-8 sequence to U+FFFD, which is harmless text: a 200.
    assert response.status_code == 200


def test_a_huge_offset_answers_422(alice, child):
    response = signed_in(alice).get(f"{API}/children", {"offset": str(10**30)})
    assert list(field_errors(response)) == ["offset"]


def test_a_huge_offset_on_every_paged_list_answers_422(alice, child):
    client = signed_in(alice)
    for url in (
        f"{API}/children",
        f"{API}/children/{child.pk}/chronology",
        f"{API}/intelligence/persons",
        f"{API}/meetings",
        f"{API}/disruption",
        f"{API}/assessments/children/{child.pk}",
        f"{API}/meetings/actions",
        f"{API}/mace/eligible",
        f"{API}/missing/children/{child.pk}/episodes",
    ):
        response = client.get(url, {"offset": str(10**30), "quadrant": "Mid"})
        assert response.status_code == 422, (url, response.status_code, response.content)
        assert list(field_errors(response)) == ["offset"], url


def test_a_huge_id_in_the_path_answers_422(alice, child):
    response = signed_in(alice).get(f"{API}/children/{10**30}")
    assert list(field_errors(response)) == ["child_id"]


def test_a_huge_number_in_a_body_answers_422(alice, child):
    response = signed_in(alice).patch(
        f"{API}/children/{child.pk}",
        json.dumps({"version": 10**30, "forename": "Zephyrine"}),
        content_type="application/json",
    )
    assert field_errors(response) == {"version": ["Must be at most 9223372036854775807"]}


def test_a_body_over_the_size_limit_answers_413(alice, child):
    raw = json.dumps({"title": "x", "body": "y" * (3 * 1024 * 1024)})
    before = row_counts()
    response = post_json(Client(), note_url(child), raw, **bearer(token_for(alice)))
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert row_counts() == before


def test_text_over_its_documented_length_answers_422(alice, child):
    client = signed_in(alice)
    too_long_title = post_json(
        client, note_url(child), json.dumps({"title": "t" * (SHORT_TEXT + 1), "body": "x"})
    )
    assert list(field_errors(too_long_title)) == ["title"]
    too_long_body = post_json(
        client, note_url(child), json.dumps({"title": "t", "body": "b" * (LONG_TEXT + 1)})
    )
    assert list(field_errors(too_long_body)) == ["body"]
    at_the_limit = post_json(
        client, note_url(child), json.dumps({"title": "t" * SHORT_TEXT, "body": "b" * 100})
    )
    assert at_the_limit.status_code == 201, at_the_limit.content


def test_dates_out_of_bounds_answer_422(alice, child):
    client = signed_in(alice)
    year_one = post_json(
        client,
        note_url(child),
        json.dumps({"title": "t", "body": "b", "occurred_at": "0001-01-01T10:00:00Z"}),
    )
    assert field_errors(year_one) == {
        "occurred_at": ["Date and time must be on or after 1 January 1990"]
    }
    old_birth = client.patch(
        f"{API}/children/{child.pk}",
        json.dumps({"version": child.version, "dob": "1899-12-31"}),
        content_type="application/json",
    )
    assert list(field_errors(old_birth)) == ["dob"]
    future_birth = client.patch(
        f"{API}/children/{child.pk}",
        json.dumps({"version": child.version, "dob": str(dt.date.today() + dt.timedelta(days=2))}),
        content_type="application/json",
    )
    assert list(field_errors(future_birth)) == ["dob"]


def test_a_stored_row_out_of_bounds_still_reads(alice, child):
    """The bounds apply to what is accepted, never to what is shown."""
    from mace.people.models import ChronologyEntry

    type(child).objects.filter(pk=child.pk).update(dob=dt.date(1850, 1, 1))
    entry = ChronologyEntry.objects.filter(child=child).first()
    if entry is not None:
        ChronologyEntry.objects.filter(pk=entry.pk).update(
            occurred_at=dt.datetime(1980, 1, 1, tzinfo=dt.UTC), title="t" * (SHORT_TEXT + 50)
        )
    client = signed_in(alice)
    assert client.get(f"{API}/children/{child.pk}").json()["dob"] == "1850-01-01"
    assert client.get(note_url(child)).status_code == 200


def test_an_unknown_api_path_answers_json_404(alice):
    for client in (Client(), signed_in(alice)):
        response = client.get(f"{API}/nothing-here")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == {"detail": "Not found"}
    outside_the_version = Client().post("/api/v2/children", {})
    assert outside_the_version.status_code == 404
    assert outside_the_version.json() == {"detail": "Not found"}


def test_a_method_a_route_does_not_take_answers_json_405_with_allow(alice, child):
    response = signed_in(alice).delete(f"{API}/children/{child.pk}/chronology")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Method Not Allowed"}
    assert "GET" in response["Allow"]


def test_a_session_write_without_its_csrf_token_answers_json(alice, child):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    before = row_counts()
    response = client.post(
        f"{API}/children/{child.pk}/chronology",
        json.dumps({"title": "T", "body": "B"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert row_counts() == before


# --- an unexpected failure: a test-only URLconf with the real API, plus an API built the same way
# (mace.api.new_api) with one route that fails, and a plain view under /api/ that fails ---


class Boom(Exception):
    pass


SECRET = "a restricted note that must never reach the caller"
failing_api = new_api(urls_namespace="test-failing-api", auth=None)


@failing_api.get("/boom")
def _failing_route(request: Any) -> Any:
    raise Boom(SECRET)


def _failing_view(request: Any) -> Any:
    raise Boom(SECRET)


urlpatterns = [
    path("api/test-only/", failing_api.urls),
    path("api/test-view/boom", _failing_view),
    path("", include("mace.urls")),
]
# The site's own error handlers, as under the real urlconf.
handler404 = "mace.core.error_pages.page_not_found"
handler500 = "mace.core.error_pages.server_error"


@pytest.mark.urls("tests.api.test_bad_input")
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_failure_in_a_route_answers_json_500_without_a_traceback(settings, debug, db):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/api/test-only/boom")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": SERVER_ERROR}
    assert SECRET.encode() not in response.content


@pytest.mark.urls("tests.api.test_bad_input")
def test_an_unexpected_failure_outside_a_route_answers_json_500(db):
    """The site's handler500 (mace.core.error_pages) answers JSON for a path under /api/."""
    response = Client(raise_request_exception=False).get("/api/test-view/boom")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert SECRET.encode() not in response.content


@pytest.mark.urls("tests.api.test_bad_input")
def test_the_real_api_still_answers_under_the_test_urlconf(alice, child):
    assert signed_in(alice).get(f"{API}/children/{child.pk}").status_code == 200
