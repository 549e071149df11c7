"""Two people edit the same record: the first save wins, the second is refused with both versions
shown, and nothing is silently overwritten. Through real HTTP (two signed-in sessions), and on
PostgreSQL with real threads racing for the same version. Run on both databases (the second
with DATABASE_URL=postgres://...)."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from mace.accounts.choices import Role
from mace.core.concurrency import ConflictError, save_versioned, update_versioned
from mace.people.models import Child, ChildAddress, ChronologyEntry
from mace.people.services import child_address_add, child_update
from mace.reference.models import Area
from tests.factories import ChildFactory, UserFactory
from tests.pages import date_parts, today

CONFLICT = "Someone else changed this record while you were editing"


@pytest.fixture
def colleague(csc):  # type: ignore[no-untyped-def]
    """A second practitioner in alice's agency, editing the same child at the same time."""
    return UserFactory(
        username="colleague", first_name="Corvina", last_name="Fictional", agency=csc,
        roles=[Role.PRACTITIONER],
    )  # fmt: skip


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_on(html: str) -> str:
    """The hidden version the page's form carries, as the browser would send it back."""
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', html)
    assert match, "the form carries no version"
    return match.group(1)


def child_post(child: Child, version: str, **changes: str) -> dict[str, str]:
    data = {
        "forename": child.forename,
        "surname": child.surname,
        "other_names": child.other_names,
        "sex": child.sex,
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "upn_unknown": child.upn_unknown,
        "version": version,
        **date_parts("dob", child.dob),
    }
    data.update(changes)
    return data


def test_the_second_of_two_sessions_is_refused_and_shown_both_versions(alice, colleague, child):
    url = reverse("people:child_edit", args=[child.pk])
    first, second = session(alice), session(colleague)
    first_version = version_on(first.get(url).content.decode())
    second_version = version_on(second.get(url).content.decode())
    assert first_version == second_version == "1"

    saved = first.post(url, child_post(child, first_version, surname="Firstsaved"))
    assert saved.status_code == 302

    refused = second.post(url, child_post(child, second_version, surname="Secondtyped"))
    assert refused.status_code == 200
    html = refused.content.decode()
    assert CONFLICT in html and 'class="govuk-error-summary"' in html
    # Both versions side by side, with who saved the other one.
    assert "Your version" in html and "Saved version (changed by Testperson" in html
    assert "Secondtyped" in html and "Firstsaved" in html
    # What the second person typed is kept, now against the saved version.
    assert 'value="Secondtyped"' in html
    assert version_on(html) == "2"
    child.refresh_from_db()
    assert child.surname == "Firstsaved" and child.version == 2
    assert child.history.count() == 2  # created, then the first save: nothing else written

    # Having seen the saved version, they save theirs deliberately.
    again = second.post(url, child_post(child, version_on(html), surname="Secondtyped"))
    assert again.status_code == 302
    child.refresh_from_db()
    assert child.surname == "Secondtyped" and child.version == 3
    assert child.history.first().history_user == colleague  # type: ignore[union-attr]


def test_the_side_by_side_lists_only_the_details_that_differ(alice, colleague, child):
    url = reverse("people:child_edit", args=[child.pk])
    first, second = session(alice), session(colleague)
    version = version_on(first.get(url).content.decode())
    second.get(url)
    first.post(url, child_post(child, version, other_names="Zeph"))
    html = second.post(url, child_post(child, version, ethnicity="WBRI")).content.decode()
    table = html[html.index('id="conflict"') :]
    table = table[: table.index("</table>")]
    assert "Other names" in table and "Zeph" in table
    assert "Ethnicity" in table and "White British" in table
    assert "Last name" not in table and "Date of birth" not in table


def test_a_second_address_edit_is_refused_and_nothing_is_overwritten(alice, colleague, child):
    address = child_address_add(
        actor=alice, child=child, line1="1 Fable Row", postcode="CM1 1ZZ", start_date=today()
    )
    url = reverse("people:address_edit", args=[child.pk, address.pk])
    first, second = session(alice), session(colleague)
    version = version_on(first.get(url).content.decode())
    version_on(second.get(url).content.decode())
    body = {
        "line1": "1 Fable Row",
        "postcode": "CM1 1ZZ",
        "version": version,
        **date_parts("start_date", today()),
        **date_parts("end_date", None),
    }
    assert first.post(url, {**body, "town": "Chelmsford"}).status_code == 302
    refused = second.post(url, {**body, "line1": "2 Fable Row"})
    html = refused.content.decode()
    assert refused.status_code == 200 and CONFLICT in html
    assert "2 Fable Row" in html and "Chelmsford" in html
    address.refresh_from_db()
    assert (address.line1, address.town, address.version) == ("1 Fable Row", "Chelmsford", 2)


def test_placing_an_address_by_hand_from_an_old_page_is_refused(alice, colleague, child):
    address = child_address_add(
        actor=alice, child=child, line1="6 Myth Avenue", postcode="ZE9 9ZZ", start_date=today()
    )
    url = reverse("people:address_place", args=[child.pk, address.pk])
    first, second = session(alice), session(colleague)
    version = version_on(first.get(url).content.decode())
    second.get(url)
    harlow, tendring = Area.objects.get(name="Harlow"), Area.objects.get(name="Tendring")
    assert first.post(url, {"area": harlow.pk, "version": version}).status_code == 302
    refused = second.post(url, {"area": tendring.pk, "version": version})
    html = refused.content.decode()
    assert refused.status_code == 200 and CONFLICT in html
    assert "Harlow" in html and "Tendring" in html
    address.refresh_from_db()
    assert address.area == harlow and address.version == 2


def test_ending_an_address_from_an_old_page_is_refused(alice, colleague, child):
    start = today().replace(year=today().year - 1)
    address = child_address_add(actor=alice, child=child, line1="3 Tale Court", start_date=start)
    url = reverse("people:address_end", args=[child.pk, address.pk])
    first, second = session(alice), session(colleague)
    version = version_on(first.get(url).content.decode())
    second.get(url)
    assert (
        first.post(url, {"version": version, **date_parts("end_date", today())}).status_code == 302
    )
    refused = second.post(url, {"version": version, **date_parts("end_date", start)})
    assert refused.status_code == 200 and CONFLICT in refused.content.decode()
    address.refresh_from_db()
    assert address.end_date == today()


def test_the_service_refuses_a_stale_version_and_writes_nothing(alice, child):
    child_update(actor=alice, child=child, version=1, changes={"other_names": "Zeph"})
    entries = ChronologyEntry.objects.count()
    with pytest.raises(ConflictError) as refused:
        child_update(actor=alice, child=child, version=1, changes={"surname": "Stale"})
    assert refused.value.current.version == 2  # type: ignore[attr-defined]
    assert refused.value.current.other_names == "Zeph"  # type: ignore[attr-defined]
    assert Child.objects.get(pk=child.pk).surname == child.surname
    assert ChronologyEntry.objects.count() == entries


def test_a_stale_version_is_refused_even_when_it_would_change_nothing(alice, child):
    child_update(actor=alice, child=child, version=1, changes={"other_names": "Zeph"})
    stale = Child.objects.get(pk=child.pk)
    with pytest.raises(ConflictError):
        child_update(actor=alice, child=stale, version=1, changes={"other_names": "Zeph"})


def test_a_versioned_save_keeps_the_history_with_who_made_it(alice, child):
    saved = save_versioned(Child, child.pk, 1, history_user=alice, surname="Historied")
    assert saved.version == 2
    latest = child.history.first()
    assert latest.surname == "Historied" and latest.version == 2  # type: ignore[union-attr]
    assert latest.history_user == alice  # type: ignore[union-attr]


def test_update_versioned_answers_the_new_version_and_works_on_a_queryset(alice, child):
    address = child_address_add(actor=alice, child=child, line1="4 Story Lane", start_date=today())
    scoped = ChildAddress.objects.filter(child=child)
    assert update_versioned(scoped, address.pk, 1, town="Basildon") == 2
    with pytest.raises(ConflictError):
        update_versioned(scoped, address.pk, 1, town="Harlow")
    other = ChildFactory()
    with pytest.raises(ChildAddress.DoesNotExist):
        update_versioned(ChildAddress.objects.filter(child=other), address.pk, 2, town="Harlow")
    address.refresh_from_db()
    assert address.town == "Basildon"


def test_threads_racing_for_one_version_let_exactly_one_through(transactional_db):
    """Real concurrency needs real row locks: PostgreSQL only (SQLite lets one writer in at a
    time anyway, and the test database there is shared in memory)."""
    if connection.vendor != "postgresql":
        pytest.skip("real-threads race runs on PostgreSQL")
    from django.apps import apps

    from mace.reference.data import load

    # A transactional test before this one may have emptied the reference tables; the loader
    # is idempotent.
    load(apps)
    child = ChildFactory(forename="Tobiah", surname="Racewell")
    threads = 8
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(n: int) -> None:
        try:
            barrier.wait()
            update_versioned(Child, child.pk, 1, surname=f"Racer{n}")
            result = "saved"
        except ConflictError:
            result = "conflict"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    workers = [threading.Thread(target=edit, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["conflict"] * (threads - 1) + ["saved"]
    child.refresh_from_db()
    assert child.version == 2 and child.surname.startswith("Racer")
    assert child.history.count() == 2
