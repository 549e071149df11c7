"""Personas the disruption tests add to tests/conftest.py's: an analyst (reads, never changes,
never sees children or evidence), a health practitioner (sees children, not disruption) and a
Colchester CSP officer (another district)."""

from __future__ import annotations

import pytest

from mace.accounts.choices import Role
from tests.factories import UserFactory, agency


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
