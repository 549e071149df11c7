"""Personas that match the tenancy model, for every test (healthchecks' alice, bob, charlie):

- alice: practitioner in children's social care (CSC); involved with `child`
- manager: agency manager in CSC
- bob: practitioner in Essex Police (not involved with `child`: the outsider)
- chair: MACE chair in Essex Police, South quadrant
- district: district council officer (Basildon), sees no children's case files
- board: board member, sees no case content
- admin: system administrator, sees no case content
- police_manager: agency manager in the police (not involved with `child`)
- dpo: data protection officer, reads the whole audit
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, RequestFactory

from mace.accounts.choices import Role
from tests.factories import ChildFactory, UserFactory, agency

CSC = "Essex Children and Families (social care)"
POLICE = "Essex Police"
SCHOOLS = "Essex Schools and Inclusion"
BASILDON_DC = "Basildon District Council"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that use real transactions (browser tests) last. They empty every table
    when they finish, so a test after them that reaches the database through
    request.getfixturevalue (which pytest-django cannot see when it orders tests) would find
    no reference data."""

    def transactional(item: pytest.Item) -> bool:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", [])
        return bool(
            (marker and marker.kwargs.get("transaction"))
            or "live_server" in fixtures
            or "transactional_db" in fixtures
        )

    items.sort(key=transactional)


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords() -> Iterator[None]:
    """A fast hasher for the whole session, so that rows a module shares (below) and the fixtures
    that seed the demo hash quickly too. The platform's own setting (Argon2) is checked in
    tests/accounts."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@contextmanager
def kept_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """Rows a module's tests share, as Django's TestCase.setUpTestData does: written once, in a
    transaction left open while the module's tests run (each test runs in a savepoint of it, so
    its own writes are rolled back), and rolled back when the module is done. Use it in a
    module-scoped fixture, and give each test a `fresh` copy of the objects it built."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh[T](shared: T) -> T:
    """A deep copy of objects a module shares (as setUpTestData's TestData gives each test), so one
    test's changes to them in memory never reach the next test."""
    return copy.deepcopy(shared)


def make_alice() -> Any:
    return UserFactory(username="alice", agency=agency(CSC), roles=[Role.PRACTITIONER])


def make_child(involved: Any) -> Any:
    return ChildFactory(forename="Zephyrine", surname="Testington", involved=[involved])


@pytest.fixture(autouse=True)
def _audit_anchor_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test's audit anchor file is its own, never the one under var/."""
    settings.MACE_AUDIT_ANCHOR_FILE = tmp_path / "audit-anchor.jsonl"


def _login_with_second_factor(client: Client, user: Any, backend: str | None = None) -> None:
    """The test client's sign-in shortcuts (force_login, login) sign in fully, as a person
    does: with the password and, when the platform asks them for one, the second factor from
    their authenticator app (a real, confirmed device, recorded in the session as django-otp
    records it). Enforcement stays on: a session signed in through the sign-in page still has
    to pass the code page; tests/accounts show it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from mace.accounts.two_factor import two_factor_needed
    from tests.two_factor import authenticator_for

    _django_login(client, user, backend)
    if two_factor_needed(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
        session.save()


def _login_with_request(client: Client, **credentials: Any) -> bool:
    """Client.login checks the password through authenticate(), which django-axes (the lockout)
    insists be given the request, as the sign-in page gives it."""
    from django.contrib.auth import authenticate

    user = authenticate(RequestFactory().post("/sign-in/"), **credentials)
    if user is None:
        return False
    client._login(user)  # type: ignore[attr-defined]
    return True


_django_login = Client._login


@pytest.fixture(autouse=True)
def _test_client_signs_in_with_second_factor(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Client, "_login", _login_with_second_factor)
    monkeypatch.setattr(Client, "login", _login_with_request)


@pytest.fixture
def csc(db):  # type: ignore[no-untyped-def]
    return agency(CSC)


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return agency(POLICE)


@pytest.fixture
def alice(csc):  # type: ignore[no-untyped-def]
    return make_alice()


@pytest.fixture
def manager(csc):  # type: ignore[no-untyped-def]
    return UserFactory(username="manager", agency=csc, roles=[Role.AGENCY_MANAGER])


@pytest.fixture
def bob(police):  # type: ignore[no-untyped-def]
    return UserFactory(username="bob", agency=police, roles=[Role.PRACTITIONER])


@pytest.fixture
def police_manager(police):  # type: ignore[no-untyped-def]
    """An agency manager in the police, whose agency is not involved with `child`."""
    return UserFactory(username="policemanager", agency=police, roles=[Role.AGENCY_MANAGER])


@pytest.fixture
def dpo(csc):  # type: ignore[no-untyped-def]
    """The data protection officer: reads the whole audit, sees no case content."""
    return UserFactory(username="dpo", agency=csc, roles=[Role.DATA_PROTECTION])


@pytest.fixture
def chair(police):  # type: ignore[no-untyped-def]
    from mace.reference.models import Quadrant

    return UserFactory(
        username="chair",
        agency=police,
        quadrant=Quadrant.objects.get(code="south"),
        roles=[Role.MACE_CHAIR],
    )


@pytest.fixture
def district(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="district", agency=agency(BASILDON_DC), roles=[Role.DISTRICT_OFFICER]
    )


@pytest.fixture
def board(csc):  # type: ignore[no-untyped-def]
    return UserFactory(username="board", agency=csc, roles=[Role.BOARD_MEMBER])


@pytest.fixture
def admin_user(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="sysadmin", agency=None, is_staff=True, roles=[Role.SYSTEM_ADMIN])


@pytest.fixture
def child(csc):  # type: ignore[no-untyped-def]
    """A fictional child CSC is involved with."""
    return make_child(csc)


@pytest.fixture
def outsiders(bob, district, board, admin_user):  # type: ignore[no-untyped-def]
    """Everyone who must get 404 on `child`."""
    return [bob, district, board, admin_user]


# Personas the intelligence and disruption tests share: an analyst (reads, never changes, never
# sees children or evidence), a health practitioner (sees children, not intelligence) and a
# Colchester CSP officer (another district).


@pytest.fixture
def analyst(police):  # type: ignore[no-untyped-def]
    return UserFactory(username="analyst", agency=police, roles=[Role.ANALYST])


@pytest.fixture
def nurse(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="nurse",
        agency=agency("Mid and South Essex Health Partners"),
        roles=[Role.PRACTITIONER],
    )


@pytest.fixture
def colchester(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="colchester",
        agency=agency("Colchester Community Safety Partnership"),
        roles=[Role.DISTRICT_OFFICER],
    )
