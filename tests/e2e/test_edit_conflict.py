"""Two practitioners change the same child's details in two browsers at once. The first save
wins; the second is refused and shown both versions side by side, with what they typed kept, and
can then save theirs deliberately. Nothing is silently overwritten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mace.accounts.choices import Role
from mace.people.models import Child
from tests.e2e.conftest import AXE, AuditedPage, sign_in
from tests.factories import TEST_PASSWORD, ChildFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser, live_server, reference_data) -> Iterator[AuditedPage]:  # type: ignore[no-untyped-def]
    """A second browser (its own cookies and session), audited like the first."""
    context = browser.new_context()
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            csp_errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    yield AuditedPage(page, live_server.url)
    context.close()
    assert not csp_errors, f"The page broke its Content Security Policy: {csp_errors}"


def test_the_second_of_two_editors_sees_both_versions(audited_page, second_page, alice, csc):
    UserFactory(
        username="corvina", first_name="Corvina", last_name="Fictional", agency=csc,
        roles=[Role.PRACTITIONER],
    )  # fmt: skip
    child = ChildFactory(forename="Rowan", surname="Glimmerby", involved=[csc])
    first, second = audited_page.page, second_page.page

    sign_in(audited_page, "alice", TEST_PASSWORD)
    sign_in(second_page, "corvina", TEST_PASSWORD)
    audited_page.goto(f"/children/{child.pk}/")
    first.get_by_role("link", name="Change details").click()
    audited_page.audit()
    second_page.goto(f"/children/{child.pk}/edit/")

    first.get_by_label("Last name").fill("Glimmerby-Stone")
    first.get_by_role("button", name="Save details").click()
    first.wait_for_url(f"**/children/{child.pk}/")
    assert "Glimmerby-Stone" in first.locator("h1").inner_text()

    second.get_by_label("Other names (optional)").fill("Ro")
    second.get_by_label("Last name").fill("Glimmerbey")
    second.get_by_role("button", name="Save details").click()
    second.wait_for_load_state()
    second_page.audit()
    summary = second.locator(".govuk-error-summary")
    assert "Someone else changed this record while you were editing" in summary.inner_text()
    table = second.locator("#conflict").inner_text()
    assert "Your version" in table and "Saved version (changed by" in table
    assert "Glimmerbey" in table and "Glimmerby-Stone" in table
    assert second.get_by_label("Last name").input_value() == "Glimmerbey"
    saved = Child.objects.get(pk=child.pk)
    assert saved.surname == "Glimmerby-Stone" and saved.other_names == "" and saved.version == 2

    # Having compared, Corvina keeps the saved surname and adds her other name.
    second.get_by_label("Last name").fill("Glimmerby-Stone")
    second.get_by_role("button", name="Save details").click()
    second.wait_for_url(f"**/children/{child.pk}/")
    second_page.audit()
    saved.refresh_from_db()
    assert (saved.surname, saved.other_names, saved.version) == ("Glimmerby-Stone", "Ro", 3)
