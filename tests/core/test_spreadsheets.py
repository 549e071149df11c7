"""Formula-looking text is neutralised in every CSV and XLSX the platform writes (OWASP's advice
on CSV injection), and a meta-test keeps every writer going through mace.core.spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from mace.core.spreadsheets import CsvDictWriter, CsvWriter, safe_cell, xlsx_append

MACE = Path(__file__).resolve().parents[2] / "mace"
HELPER = MACE / "core" / "spreadsheets.py"


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://example.invalid","Click")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_formula_looking_text_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["", "MACE-14", "27/03/2026", "Found at a fictional bus station", "-3", "+1.5", -3, 2.5],
)
def test_ordinary_text_numbers_and_numbers_as_text_are_unchanged(value):
    assert safe_cell(value) == value


def test_the_csv_writers_neutralise_every_cell_and_keep_the_header():
    out = io.StringIO()
    writer = CsvDictWriter(out, fieldnames=["CHILD", "NOTE", "COUNT"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({"CHILD": "MACE-1", "NOTE": "=1+1", "COUNT": "-4"})
    plain = CsvWriter(out, lineterminator="\r\n")
    plain.writerows([["@risk", 7]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["CHILD", "NOTE", "COUNT"], ["MACE-1", "'=1+1", "-4"], ["'@risk", "7"]]


def test_xlsx_rows_are_neutralised_too():
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.Workbook().active
    xlsx_append(sheet, ["=1+1", "text", -1])
    cells = [c.value for c in sheet[1]]
    assert cells == ["'=1+1", "text", -1]
    assert sheet["A1"].data_type == "s"  # stored as text, not as a formula


WRITERS = re.compile(r"csv\.writer\s*\(|csv\.DictWriter\s*\(|\bopenpyxl\b|\bxlsxwriter\b")


def test_no_code_in_mace_writes_a_spreadsheet_without_the_helper():
    offenders = [
        f"{path.relative_to(MACE.parent)}:{number}: {line.strip()}"
        for path in sorted(MACE.rglob("*.py"))
        if path != HELPER
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITERS.search(line)
    ]
    assert not offenders, (
        "Write CSV and XLSX through mace.core.spreadsheets (formula neutralisation):\n"
        + "\n".join(offenders)
    )


def test_the_meta_test_would_see_a_raw_writer():
    assert WRITERS.search("writer = csv.writer(out)")
    assert WRITERS.search("w = csv.DictWriter(out, fieldnames=cols)")
    assert WRITERS.search("from openpyxl import Workbook")
    assert not WRITERS.search("reader = csv.DictReader(io.StringIO(text))")
