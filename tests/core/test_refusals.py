"""A domain refusal is one exception of our own (`Refused`), turned into the 403 page (or the
policy's 404) in one place for pages and into JSON for the API; Python's PermissionError (an
OSError: a file the server cannot read) is a server error, never a refusal naming a path."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from mace.api import api
from mace.core.errors import Refused, require


@pytest.fixture
def urls(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.core.raising_urls"
    return settings


def test_a_refusal_is_the_services_403_page_with_its_reason(client, alice, urls):
    client.force_login(alice)
    response = client.get("/test-only/refused/")
    assert response.status_code == 403
    assert "Only the fictional panel&#x27;s chairs do this" in response.content.decode()


def test_a_refusal_the_policy_words_as_not_found_is_the_404_page_and_says_nothing(
    client, alice, urls
):
    client.force_login(alice)
    response = client.get("/test-only/refused-unseen/")
    assert response.status_code == 404
    assert "outside your agency" not in response.content.decode()


def test_a_file_permission_error_is_a_server_error_not_a_refusal(client, alice, urls):
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.get("/test-only/file-permission/")
    assert response.status_code == 500
    assert "secret-path" not in response.content.decode()


def test_the_api_answers_a_refusal_as_json_403_or_404(alice):
    request = RequestFactory().get("/api/v1/children/")
    request.user = alice
    refused = api.on_exception(request, Refused("Your role does not include this"))
    assert refused.status_code == 403
    assert json.loads(refused.content) == {"detail": "Your role does not include this"}
    hidden = api.on_exception(request, Refused("Child 99 is elsewhere", not_found=True))
    assert hidden.status_code == 404
    assert "elsewhere" not in hidden.content.decode()


def test_the_api_answers_a_file_permission_error_as_a_500(alice):
    request = RequestFactory().get("/api/v1/children/")
    request.user = alice
    response = api.on_exception(request, PermissionError(13, "Permission denied", "/srv/x.pem"))
    assert response.status_code == 500
    assert "/srv/x.pem" not in response.content.decode()


def test_require_refuses_only_when_the_policy_says_no():
    require(True, "never raised")
    with pytest.raises(Refused) as refusal:
        require(False, "Only managers do this")
    assert refusal.value.message == "Only managers do this" and not refusal.value.not_found
    with pytest.raises(Refused) as hidden:
        require(False, "unseen", not_found=True)
    assert hidden.value.not_found
