from __future__ import annotations

from django.urls import reverse

from tests.factories import TEST_PASSWORD
from tests.pages import assert_error_summary
from tests.two_factor import authenticator_for


def test_the_sign_in_page_is_open_to_anyone(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sign in to MACE" in html
    assert 'lang="en-GB"' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html


def test_a_correct_password_goes_on_to_the_code_from_the_authenticator_app(client, alice):
    authenticator_for(alice)
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")


def test_a_first_sign_in_goes_on_to_setting_up_the_authenticator_app(client, alice):
    response = client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": TEST_PASSWORD, "next": "/children/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup") + "?next=%2Fchildren%2F"


def test_someone_who_sees_no_case_content_signs_in_with_a_password_and_goes_to_my_work(
    client, district
):
    response = client.post(
        reverse("accounts:login"), {"username": "district", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_empty_fields_show_the_error_summary(client, db):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "username", "password")
    assert "Enter your username" in html and "Enter your password" in html


def test_a_wrong_password_is_refused_and_the_username_kept(client, alice):
    response = client.post(
        reverse("accounts:login"), {"username": "alice", "password": "not-the-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert_error_summary(html, "username")
    assert "Enter a correct username and password" in html
    assert 'value="alice"' in html
    assert "not-the-password" not in html
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_every_page_offers_sign_out_as_a_form(client, alice):
    client.force_login(alice)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in html
    assert "Find a child" in html and "My work" in html
