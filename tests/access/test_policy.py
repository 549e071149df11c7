from __future__ import annotations

import pytest
from django.http import Http404

from mace.access import policy
from mace.access.choices import AccessAction, AccessChannel, AccessOutcome
from mace.access.models import AccessEvent
from mace.access.services import child_read
from mace.accounts.choices import Role
from mace.people.models import AgencyInvolvement, Child
from tests.factories import ChildFactory, UserFactory


def test_a_practitioner_of_an_involved_agency_sees_the_child(alice, child):
    assert policy.can_view_child(alice, child)
    assert list(Child.objects.visible_to(alice)) == [child]


def test_a_practitioner_of_an_uninvolved_agency_does_not(bob, child):
    assert not policy.can_view_child(bob, child)
    assert not Child.objects.visible_to(bob).exists()


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.DISTRICT_OFFICER, Role.BOARD_MEMBER])
def test_roles_without_case_content_see_no_child_even_in_an_involved_agency(role, csc, child):
    user = UserFactory(agency=csc, roles=[role])
    assert not policy.sees_case_content(user)
    assert not Child.objects.visible_to(user).exists()


def test_no_case_content_role_wins_over_a_case_role(csc, child):
    user = UserFactory(agency=csc, roles=[Role.PRACTITIONER, Role.SYSTEM_ADMIN])
    assert not policy.can_view_child(user, child)


def test_an_ended_involvement_closes_the_record_to_that_agency(alice, child, csc):
    AgencyInvolvement.objects.filter(child=child, agency=csc).update(ended_at="2026-01-01T00:00Z")
    assert not policy.can_view_child(alice, child)


def test_an_inactive_user_or_one_without_an_agency_sees_nothing(csc, child):
    inactive = UserFactory(agency=csc, is_active=False, roles=[Role.PRACTITIONER])
    no_agency = UserFactory(agency=None, roles=[Role.PRACTITIONER])
    assert not policy.can_view_child(inactive, child)
    assert not policy.can_view_child(no_agency, child)


def test_a_read_is_logged_with_who_what_and_how(alice, child):
    read = child_read(user=alice, child_id=child.pk, channel=AccessChannel.API, path="/x")
    assert read == child
    event = AccessEvent.objects.get()
    assert (event.user, event.child, event.action, event.outcome, event.channel) == (
        alice,
        child,
        AccessAction.VIEW,
        AccessOutcome.ALLOWED,
        AccessChannel.API,
    )


def test_a_refused_read_is_a_404_and_is_logged_too(bob, child):
    with pytest.raises(Http404):
        child_read(user=bob, child_id=child.pk)
    event = AccessEvent.objects.get()
    assert (event.user, event.child, event.outcome) == (bob, child, AccessOutcome.REFUSED)


def test_a_read_of_a_child_that_does_not_exist_is_logged_without_a_child(alice):
    with pytest.raises(Http404):
        child_read(user=alice, child_id=999_999)
    event = AccessEvent.objects.get()
    assert event.child is None and "no child 999999" in event.detail


def test_access_events_cannot_be_changed_or_deleted(alice, child):
    child_read(user=alice, child_id=child.pk)
    event = AccessEvent.objects.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.update(detail="tampered")
    assert AccessEvent.objects.get().detail == ""


def test_scoping_a_queryset_is_one_query_however_many_children(
    alice, csc, django_assert_num_queries
):
    ChildFactory.create_batch(20, involved=[csc])
    alice.role_set  # noqa: B018 - roles are read once per request
    with django_assert_num_queries(1):
        assert len(list(Child.objects.visible_to(alice))) == 20
