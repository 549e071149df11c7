"""A police officer imports a file of missing episodes (a rejected file first: every bad row
listed, nothing written), and a children's social care manager downloads the SSDA903 missing
tables with a reason. Every page is audited by axe-core."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import expect

from mace.access.models import ExportEvent
from mace.accounts.choices import Role
from mace.missing.models import MissingEpisode
from mace.people.models import ChildIdentifier
from tests.e2e.conftest import sign_in
from tests.factories import TEST_PASSWORD, ChildFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "police_reference,child_identifier_type,child_identifier,type,last_seen_at,ended_at,"
    "end_reason,looked_after"
)


def test_an_officer_imports_a_police_file(audited_page, police, tmp_path):
    UserFactory(username="officer", agency=police, roles=[Role.PRACTITIONER])
    child = ChildFactory(forename="Kestrel", surname="Puddlebrook", involved=[police])
    ChildIdentifier.objects.create(child=child, type="police", value="PER/77")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nE2E/1,police,PER/77,Q,01/11/2026 18:00,,,N\n")
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\nE2E/1,police,PER/77,M,01/11/2026 18:00,02/11/2026 08:00,found,Y\n")
    page = audited_page.page
    sign_in(audited_page, "officer", TEST_PASSWORD)
    audited_page.goto("/missing/import/")
    page.get_by_label("Upload the police CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    audited_page.audit()
    expect(page.locator("#rejected")).to_contain_text("type: must be M")
    assert not MissingEpisode.objects.exists()
    page.get_by_label("Upload the police CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    audited_page.audit()
    expect(page.locator(".govuk-panel")).to_contain_text("Import complete")
    assert MissingEpisode.objects.get().police_reference == "E2E/1"


def test_a_manager_downloads_the_903_missing_tables(audited_page, manager, tmp_path):
    page = audited_page.page
    sign_in(audited_page, "manager", TEST_PASSWORD)
    audited_page.goto("/missing/export/903/")
    page.get_by_role("button", name="Download").click()
    page.wait_for_load_state()
    audited_page.audit()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why")
    page.get_by_label("Why are you exporting this data?").fill("The DfE return (fictional)")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    path = tmp_path / "903.zip"
    download.value.save_as(path)
    assert sorted(zipfile.ZipFile(path).namelist()) == ["header.csv", "missing.csv"]
    assert ExportEvent.objects.get().reason == "The DfE return (fictional)"
