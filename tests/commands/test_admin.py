"""The admin: system administrators keep reference data and accounts, and see no case content."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from mace.accounts.models import ApiToken, User
from mace.demo.accounts import PASSWORD_ENV

REFERENCE_PAGES = [
    "/admin/reference/quadrant/",
    "/admin/reference/area/",
    "/admin/reference/postcodedistrict/",
    "/admin/reference/agency/",
    "/admin/reference/code/",
    "/admin/reference/indicator/",
    "/admin/reference/definition/",
]
CASE_CONTENT_PAGES = [
    "/admin/people/child/",
    "/admin/people/childidentifier/",
    "/admin/people/childaddress/",
    "/admin/people/chronologyentry/",
    "/admin/concerns/concern/",
]


@pytest.fixture
def sysadmin(admin_user):  # type: ignore[no-untyped-def]
    """The system administrator persona, given the admin permissions their job needs."""
    admin_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["reference", "accounts"])
    )
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("url", REFERENCE_PAGES)
def test_a_system_administrator_can_open_the_reference_data(sysadmin, url):
    response = sysadmin.get(url)
    assert response.status_code == 200
    assert sysadmin.get(url + "?q=a").status_code == 200


def test_a_reference_record_and_its_history_open(sysadmin):
    from mace.reference.models import Area

    area = Area.objects.get(code="basildon")
    assert sysadmin.get(f"/admin/reference/area/{area.pk}/change/").status_code == 200
    assert sysadmin.get(f"/admin/reference/area/{area.pk}/history/").status_code == 200


@pytest.mark.parametrize("url", CASE_CONTENT_PAGES)
def test_case_content_is_not_in_the_admin(db, url):
    superuser = User.objects.create_superuser("root-fictional", "root@example.invalid", "x" * 16)
    client = Client()
    client.force_login(superuser)
    assert client.get(url).status_code == 404


def test_users_are_listed_and_edited_with_their_agency_and_roles(sysadmin, alice):
    page = sysadmin.get("/admin/accounts/user/")
    assert page.status_code == 200
    assert b"Practitioner" in page.content
    change = sysadmin.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert change.status_code == 200
    assert b"job_title" in change.content and b"role_assignments" in change.content
    assert sysadmin.get("/admin/accounts/user/add/").status_code == 200


def test_the_token_admin_never_shows_the_hash_and_can_revoke(sysadmin, alice):
    out = StringIO()
    call_command("issue_token", "alice", stdout=out, stderr=StringIO())
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(user=alice)
    for url in ["/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{token.pk}/change/"]:
        page = sysadmin.get(url)
        assert page.status_code == 200
        assert token.key_hash.encode() not in page.content
        assert raw.encode() not in page.content
    assert sysadmin.get("/admin/accounts/apitoken/add/").status_code == 403
    response = sysadmin.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.authenticate(raw) is None


def test_the_demo_administrator_can_open_the_reference_data(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv(PASSWORD_ENV, "fictional-admin-password-7")
    call_command("seed_demo", "--scale", "tiny", stdout=StringIO())
    client = Client()
    assert client.login(username="demo.admin", password="fictional-admin-password-7")
    for url in REFERENCE_PAGES:
        assert client.get(url).status_code == 200
    assert client.get("/admin/people/child/").status_code == 404
