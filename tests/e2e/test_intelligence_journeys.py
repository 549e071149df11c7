"""The intelligence journeys in a browser: a practitioner records a person of concern and a
vehicle (the same vehicle twice is refused, with the first offered) and links them; links a
child to the person from the child's page, graded, and sees it qualified because it is not
corroborated; a district officer sees their district's places and how many children they are
linked to, never who."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mace.intelligence.models import Link, PersonOfConcern, Vehicle
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name: str, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'input[name="{name}-day"]').fill(str(day.day))
    page.locator(f'input[name="{name}-month"]').fill(str(day.month))
    page.locator(f'input[name="{name}-year"]').fill(str(day.year))


def _click(audited, role: str, name: str | re.Pattern[str]) -> None:  # type: ignore[no-untyped-def]
    audited.page.get_by_role(role, name=name).first.click()  # type: ignore[arg-type]
    audited.page.wait_for_load_state()
    audited.audit()


def test_a_practitioner_records_a_person_and_a_vehicle_and_links_them(audited_page, alice):
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    _click(audited_page, "link", "People, places and vehicles")
    _click(audited_page, "link", "Persons of concern")
    _click(audited_page, "button", "Add a person of concern")
    page.get_by_label("Name", exact=True).fill("Mordecai Blackwhistle")
    page.get_by_label("Other names (optional)").fill("Smudge")
    page.get_by_label("An adult").check()
    page.get_by_label("Approximate age (optional)").fill("31")
    _click(audited_page, "button", "Add person of concern")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mordecai Blackwhistle")
    person = PersonOfConcern.objects.get()

    audited_page.goto("/intelligence/vehicles/new/")
    page.get_by_label("Registration", exact=True).fill("zz19 fke")
    page.get_by_label("Make (optional)").fill("Ford")
    page.get_by_label("Colour (optional)").fill("Silver")
    _click(audited_page, "button", "Add vehicle")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ZZ19 FKE, silver Ford")

    # The same vehicle typed differently is refused, and the one already there is offered.
    audited_page.goto("/intelligence/vehicles/new/")
    page.get_by_label("Registration", exact=True).fill("ZZ19-FKE")
    _click(audited_page, "button", "Add vehicle")
    expect(page.locator(".govuk-error-summary")).to_contain_text("already recorded")
    _click(audited_page, "link", "ZZ19 FKE, silver Ford")
    assert Vehicle.objects.count() == 1

    audited_page.goto(f"/intelligence/persons/{person.pk}/")
    _click(audited_page, "button", "Add a link")
    page.get_by_label("Vehicle").check()
    page.get_by_label("Search for it").fill("zz19")
    _click(audited_page, "button", "Search")
    _click(audited_page, "link", re.compile("Link to this.*ZZ19 FKE"))
    page.get_by_label(
        "Mordecai Blackwhistle (also known as Smudge) uses ZZ19 FKE, silver Ford"
    ).check()
    _fill_date(page, "information_date", timezone.localdate() - dt.timedelta(days=1))
    page.get_by_label("Records or systems (for example ANPR, CCTV, phone records)").check()
    page.get_by_label("1: reliable").check()
    page.get_by_label("B: known indirectly to the source but corroborated").check()
    page.get_by_label("P: lawful sharing permitted", exact=True).check()
    _click(audited_page, "button", "Add link")
    page.wait_for_url(f"**/intelligence/persons/{person.pk}/")
    expect(page.locator(".mace-links")).to_contain_text("This person uses ZZ19 FKE, silver Ford")
    expect(page.locator(".mace-links")).to_contain_text("The source is reliable")
    assert Link.objects.get().belief == "established"


def test_a_child_is_linked_from_their_page_and_an_uncorroborated_link_is_qualified(
    audited_page, alice, csc
):
    from tests.intelligence import person

    child = ChildFactory(forename="Zephyrine", surname="Quillfeather", involved=[csc])
    person(alice)
    page = audited_page.page
    sign_in(audited_page, "alice", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    expect(page.locator("#people-places-vehicles")).to_be_visible()
    _click(audited_page, "link", "Add a link for Zephyrine Quillfeather")

    # A search with nothing chosen is refused with the error summary.
    _click(audited_page, "button", "Search")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what you are linking to")
    page.get_by_label("Person of concern").check()
    page.get_by_label("Search for it").fill("blackwhistle")
    _click(audited_page, "button", "Search")
    _click(audited_page, "link", re.compile("Link to this.*Mordecai Blackwhistle"))

    # Submitting with no relationship keeps what was typed.
    page.get_by_label("What was seen or said (optional)").fill("Seen at the fictional arcade")
    _click(audited_page, "button", "Add link")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how they are linked")
    assert page.get_by_label("What was seen or said (optional)").input_value() == (
        "Seen at the fictional arcade"
    )
    page.get_by_label("Zephyrine Quillfeather was seen with Mordecai Blackwhistle").check()
    _fill_date(page, "information_date", timezone.localdate() - dt.timedelta(days=3))
    page.get_by_label("A member of the public").check()
    page.get_by_label("2: untested").check()
    page.get_by_label("C: known indirectly to the source", exact=True).check()
    page.get_by_label("C: lawful sharing permitted with conditions").check()
    page.get_by_label("What are the conditions on sharing it?").fill("MACE members only")
    _click(audited_page, "button", "Add link")
    page.wait_for_url(f"**/children/{child.pk}/")
    # The text a screen reader reads (with the colon after the tag that is hidden from the eye).
    section = " ".join((page.locator("main").text_content() or "").split())
    assert (
        "Reported, not corroborated: Zephyrine Quillfeather was seen with Mordecai Blackwhistle."
        in section
    )
    assert "Sharing permitted with conditions: MACE members only" in section
    assert "Linked to a person of concern by Essex Children and Families" in section


def test_a_district_officer_sees_their_districts_places_and_only_counts_of_children(
    audited_page, alice, district, csc
):
    from tests.intelligence import link, location

    child = ChildFactory(forename="Marigold", surname="Vexworth", involved=[csc])
    hotel = location(alice)
    link(alice, hotel, child=child, relationship="found_at")
    location(alice, name="The Far Kipper", line1="3 Far Lane", postcode="CO1 9ZB")
    page = audited_page.page
    sign_in(audited_page, "district", TEST_PASSWORD)
    _click(audited_page, "link", "Locations")
    text = page.locator("main").inner_text()
    assert "The Sleepy Kipper Hotel" in text and "Far Kipper" not in text
    _click(audited_page, "link", "The Sleepy Kipper Hotel")
    text = page.locator("main").inner_text()
    assert "Linked to 1 child. Children's details are not shown to your role." in text
    assert "Marigold" not in page.content()
