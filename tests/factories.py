"""Factories for synthetic, obviously fictional test data."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from mace.accounts.models import RoleAssignment, User
from mace.people.choices import InvolvementReason
from mace.people.models import AgencyInvolvement, Child
from mace.reference.models import Agency

TEST_PASSWORD = "correct-horse-battery-staple-test"


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"test-user-{n}")
    first_name = factory.Sequence(lambda n: f"Testperson{n}")
    last_name = "Fictional"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        self.save()
        for role in extracted or []:
            RoleAssignment.objects.create(user=self, role=role)
        self.__dict__.pop("role_set", None)


class ChildFactory(factory.django.DjangoModelFactory):
    """A fictional child. Pass involved=[agency, ...] to involve agencies."""

    class Meta:
        model = Child
        skip_postgeneration_save = True

    forename = factory.Iterator(["Zephyrine", "Quillon", "Marigold", "Tobiah", "Ember", "Rowan"])
    surname = factory.Sequence(lambda n: f"Testington{n}")
    sex = "F"
    dob = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 14 + 30))

    @factory.post_generation
    def involved(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        for a in extracted or []:
            AgencyInvolvement.objects.create(
                child=self, agency=a, reason=InvolvementReason.ALLOCATED
            )
