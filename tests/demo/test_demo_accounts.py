"""`mace demo_accounts`: one demo account per role, with a password that signs in."""

from __future__ import annotations

import json
import stat
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from mace.accounts.choices import Role
from mace.demo.accounts import PASSWORD_ENV


@pytest.fixture(autouse=True)
def _demo_password_kept_in_tmp(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def accounts_json() -> list[dict]:  # type: ignore[type-arg]
    return json.loads(run("demo_accounts", "--json"))


def test_json_lists_one_account_per_role_and_nothing_else(db):
    run("seed_demo", "--scale", "tiny")
    accounts = accounts_json()
    assert [a["roles"] for a in accounts] == [[role] for role in Role.values]
    assert all(set(a) == {"username", "password", "roles", "agency", "quadrant"} for a in accounts)
    chair = next(a for a in accounts if a["roles"] == [Role.MACE_CHAIR])
    assert chair["quadrant"] and chair["agency"]
    admin = next(a for a in accounts if a["roles"] == [Role.SYSTEM_ADMIN])
    assert admin["agency"] is None


def test_it_honours_mace_demo_password_and_that_password_signs_in(db, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "fictional-demo-password-42")
    run("seed_demo", "--scale", "tiny")
    accounts = accounts_json()
    assert {a["password"] for a in accounts} == {"fictional-demo-password-42"}
    for account in accounts:
        assert Client().login(username=account["username"], password=account["password"])


def test_a_generated_password_is_kept_private_in_var_and_reused(db, settings):
    run("seed_demo", "--scale", "tiny")
    path = settings.VAR_DIR / "demo-password"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = accounts_json()[0]["password"]
    assert path.read_text().strip() == first
    assert accounts_json()[0]["password"] == first
    assert Client().login(username="demo.practitioner", password=first)


def test_seeding_again_gives_the_accounts_a_changed_demo_password(db, monkeypatch):
    run("seed_demo", "--scale", "tiny")
    monkeypatch.setenv(PASSWORD_ENV, "a-newer-fictional-password")
    assert "reset" in run("seed_demo", "--scale", "tiny")
    assert Client().login(username="demo.analyst", password="a-newer-fictional-password")


def test_the_plain_output_is_a_table_of_the_accounts(db):
    run("seed_demo", "--scale", "tiny")
    out = run("demo_accounts")
    assert "Username" in out and "Password" in out
    assert "demo.practitioner" in out and "MACE chair" in out and "North" in out


def test_it_says_to_seed_first_when_there_are_no_demo_accounts(db):
    with pytest.raises(CommandError, match="seed_demo"):
        run("demo_accounts", "--json")
