"""The repeat missing rule is edited in the admin, with history, and cannot be deleted."""

from __future__ import annotations

from django.urls import reverse

from mace.missing.models import RepeatMissingRule
from tests.factories import UserFactory


def test_the_rule_is_edited_in_the_admin_with_history_and_never_deleted(client, db):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    rule = RepeatMissingRule.current()
    url = reverse("admin:missing_repeatmissingrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"episodes": "4", "days": "60", "include_away": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.episodes, rule.days) == (4, 60)
    assert rule.history.first().history_user == admin
    assert client.get(reverse("admin:missing_repeatmissingrule_add")).status_code == 403
    delete = reverse("admin:missing_repeatmissingrule_delete", args=[rule.pk])
    assert client.get(delete).status_code == 403
