"""Two people give power. A role that sees children's case content, the data protection role or
superuser, given to any account through the admin (or any service), takes effect only when a
second person approves it: an agency manager of the account's agency or a data protection
officer, never the person who asked nor the account's holder. Both steps are in the security
audit and the approvers are told. Taking a role away needs nobody. Real requests through the
admin and the approval pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from mace.access.choices import SecurityAction
from mace.accounts import services
from mace.accounts.choices import Role, RoleGrantStatus
from mace.accounts.models import RoleAssignment, RoleGrantRequest, User
from mace.core.errors import Refused
from mace.core.models import Notification
from tests.accounts import events
from tests.factories import UserFactory


@pytest.fixture
def sysadmin(admin_user):  # type: ignore[no-untyped-def]
    """The system administrator, with the admin permissions on accounts their job needs."""
    admin_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["reference", "accounts"])
    )
    return admin_user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _inline(roles: list[tuple[int | None, str]], *, delete: set[int] = frozenset()) -> dict:  # type: ignore[assignment]
    """The admin's role rows: (existing row id or None, role)."""
    data: dict[str, Any] = {
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": str(sum(1 for pk, _ in roles if pk)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for i, (pk, role) in enumerate(roles):
        data[f"role_assignments-{i}-role"] = role
        data[f"role_assignments-{i}-id"] = str(pk or "")
        if pk in delete:
            data[f"role_assignments-{i}-DELETE"] = "on"
    return data


def _change_form(user: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "agency": str(user.agency_id or ""),
        "quadrant": str(user.quadrant_id or ""),
        "job_title": user.job_title,
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(_inline([(ra.pk, ra.role) for ra in user.role_assignments.all()]))
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def _add_account_with_a_case_role(admin: Client, csc: Any) -> User:
    response = admin.post(
        "/admin/accounts/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "a-fictional-Pass-phrase-93",
            "password2": "a-fictional-Pass-phrase-93",
            "agency": str(csc.pk),
            "job_title": "Social worker (fictional)",
            **_inline([(None, Role.PRACTITIONER), (None, Role.ANALYST)]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return User.objects.get(username="newcomer")


def test_a_case_role_given_in_the_admin_waits_for_approval(
    sysadmin, csc, child, manager, dpo, police_manager
):
    newcomer = _add_account_with_a_case_role(signed_in(sysadmin), csc)
    # The analyst role needs nobody's approval; the practitioner role is only asked for.
    assert newcomer.role_set == {Role.ANALYST}
    grant = RoleGrantRequest.objects.get(user=newcomer)
    assert (grant.roles, grant.superuser, grant.status) == (
        [Role.PRACTITIONER],
        False,
        RoleGrantStatus.PENDING,
    )
    assert grant.requested_by == sysadmin
    # So the new account sees no child yet.
    newcomer_client = signed_in(newcomer)
    assert newcomer_client.get(reverse("people:detail", args=[child.pk])).status_code in (403, 404)
    assert newcomer_client.get("/api/v1/children").status_code == 403
    asked = events(SecurityAction.ROLE_REQUESTED, user=newcomer)
    assert len(asked) == 1 and asked[0].actor == sysadmin
    assert asked[0].detail == "Asked for Practitioner; waiting for approval"
    # Told: the manager of the account's agency and the data protection officer, nobody else.
    told = set(Notification.objects.filter(kind="role_grant").values_list("recipient", flat=True))
    assert told == {manager.pk, dpo.pk}
    assert police_manager.pk not in told


def test_approval_by_a_manager_of_the_agency_makes_it_take_effect(
    sysadmin, csc, child, manager, police_manager
):
    newcomer = _add_account_with_a_case_role(signed_in(sysadmin), csc)
    grant = RoleGrantRequest.objects.get(user=newcomer)
    page = reverse("accounts:role_grant", args=[grant.pk])
    # Another agency's manager cannot even find it; the administrator approves nothing.
    assert signed_in(police_manager).get(page).status_code == 404
    assert signed_in(police_manager).post(page, {"decision": "approve"}).status_code == 404
    assert signed_in(sysadmin).post(page, {"decision": "approve"}).status_code in (403, 404)
    assert RoleGrantRequest.objects.get(pk=grant.pk).is_pending
    # The manager of the account's agency sees it waiting, and approves it.
    boss = signed_in(manager)
    listing = boss.get(reverse("accounts:role_grants")).content.decode()
    assert "newcomer" in listing and "Practitioner" in listing
    response = boss.post(page, {"decision": "approve", "reason": "Joined the team (fictional)"})
    assert response.status_code == 302
    newcomer = User.objects.get(pk=newcomer.pk)
    assert newcomer.role_set == {Role.ANALYST, Role.PRACTITIONER}
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by) == (RoleGrantStatus.APPROVED, manager)
    assert signed_in(newcomer).get(reverse("people:detail", args=[child.pk])).status_code == 200
    approved = events(SecurityAction.ROLE_APPROVED, user=newcomer)
    assert len(approved) == 1 and approved[0].actor == manager
    assert approved[0].detail == "Approved Practitioner: Joined the team (fictional)"
    # Decided once: a second decision changes nothing.
    assert boss.post(page, {"decision": "refuse", "reason": "Too late"}).status_code == 200
    assert RoleGrantRequest.objects.get(pk=grant.pk).status == RoleGrantStatus.APPROVED


def test_nobody_approves_their_own_request_or_one_about_their_own_account(csc, manager, dpo):
    # A manager asks for a practitioner in their own agency: they cannot approve it.
    colleague = UserFactory(username="colleague-fictional", agency=csc)
    grant = services.role_grant_request(user=colleague, roles=[Role.PRACTITIONER], actor=manager)
    assert grant is not None
    page = reverse("accounts:role_grant", args=[grant.pk])
    assert signed_in(manager).post(page, {"decision": "approve"}).status_code == 404
    with pytest.raises(Refused):
        services.role_grant_decide(grant=grant, actor=manager, approve=True)
    # A data protection officer asks for superuser for themselves: they cannot approve it.
    own = services.role_grant_request(user=dpo, roles=[], superuser=True, actor=dpo)
    assert own is not None
    assert (
        signed_in(dpo)
        .post(reverse("accounts:role_grant", args=[own.pk]), {"decision": "approve"})
        .status_code
        == 404
    )
    assert not User.objects.get(pk=dpo.pk).is_superuser
    assert not RoleAssignment.objects.filter(user=colleague).exists()
    # The data protection officer may approve the manager's request: a second person.
    services.role_grant_decide(grant=grant, actor=dpo, approve=True)
    assert User.objects.get(pk=colleague.pk).role_set == {Role.PRACTITIONER}


def test_superuser_ticked_on_ones_own_account_does_not_take_effect(sysadmin, dpo):
    admin = signed_in(sysadmin)
    response = admin.post(
        f"/admin/accounts/user/{sysadmin.pk}/change/",
        _change_form(sysadmin, is_superuser="on"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser
    grant = RoleGrantRequest.objects.get(user=sysadmin)
    assert grant.superuser and grant.roles == [] and grant.is_pending
    assert len(events(SecurityAction.ROLE_REQUESTED, user=sysadmin)) == 1
    # Giving oneself a case role in the admin is only asked for too.
    admin.post(
        f"/admin/accounts/user/{sysadmin.pk}/change/",
        _change_form(
            sysadmin,
            **_inline(
                [(ra.pk, ra.role) for ra in sysadmin.role_assignments.all()]
                + [(None, Role.AGENCY_MANAGER)]
            ),
        ),
    )
    assert User.objects.get(pk=sysadmin.pk).role_set == {Role.SYSTEM_ADMIN}
    # The data protection officer approves superuser (a second person): it takes effect.
    services.role_grant_decide(grant=grant, actor=dpo, approve=True, reason="Platform upgrade")
    assert User.objects.get(pk=sysadmin.pk).is_superuser


def test_a_refusal_needs_a_reason_and_gives_nothing(sysadmin, csc, manager):
    newcomer = _add_account_with_a_case_role(signed_in(sysadmin), csc)
    grant = RoleGrantRequest.objects.get(user=newcomer)
    page = reverse("accounts:role_grant", args=[grant.pk])
    boss = signed_in(manager)
    response = boss.post(page, {"decision": "refuse", "reason": "  "})
    assert response.status_code == 200
    assert "Say why you are refusing this request" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert boss.post(page, {}).status_code == 200
    assert RoleGrantRequest.objects.get(pk=grant.pk).is_pending
    response = boss.post(page, {"decision": "refuse", "reason": "Not in our team (fictional)"})
    assert response.status_code == 302
    assert RoleGrantRequest.objects.get(pk=grant.pk).status == RoleGrantStatus.REFUSED
    assert User.objects.get(pk=newcomer.pk).role_set == {Role.ANALYST}
    refused = events(SecurityAction.ROLE_REFUSED, user=newcomer)
    assert len(refused) == 1 and refused[0].actor == manager


def test_taking_a_role_away_needs_no_approval(sysadmin, alice):
    row = alice.role_assignments.get()
    response = signed_in(sysadmin).post(
        f"/admin/accounts/user/{alice.pk}/change/",
        _change_form(alice, **_inline([(row.pk, row.role)], delete={row.pk})),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not RoleAssignment.objects.filter(user=alice).exists()
    assert not RoleGrantRequest.objects.exists()


def test_moving_an_account_to_another_agency_asks_for_its_case_roles_again(
    sysadmin, alice, child, police, police_manager, manager
):
    # Alice's practitioner role was for CSC's children; in the police it must be approved anew.
    assert signed_in(alice).get(reverse("people:detail", args=[child.pk])).status_code == 200
    response = signed_in(sysadmin).post(
        f"/admin/accounts/user/{alice.pk}/change/", _change_form(alice, agency=str(police.pk))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alice = User.objects.get(pk=alice.pk)
    assert alice.agency == police and alice.role_set == frozenset()
    grant = RoleGrantRequest.objects.get(user=alice, status=RoleGrantStatus.PENDING)
    assert grant.roles == [Role.PRACTITIONER]
    # Now the police's manager decides, not CSC's.
    page = reverse("accounts:role_grant", args=[grant.pk])
    assert signed_in(manager).get(page).status_code == 404
    assert signed_in(police_manager).post(page, {"decision": "approve"}).status_code == 302
    assert User.objects.get(pk=alice.pk).role_set == {Role.PRACTITIONER}
