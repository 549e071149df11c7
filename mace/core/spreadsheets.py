"""Every CSV and XLSX file the platform writes goes through this module, so that text typed by a
person can never run as a formula when the file is opened in a spreadsheet ("CSV injection").

A text cell that starts with `=`, `+`, `-` or `@` (or a tab or a carriage return, which some
spreadsheets skip before reading the rest as a formula) gets a single quote in front: the
spreadsheet shows the text as typed and computes nothing. This is OWASP's advice, and as it
says only text is changed: numbers stay numbers, and so does text that is just a number
("-3", "+1.5"), so a return's negative figures still validate. Codes and dates never start with
those characters.

tests/core/test_spreadsheets.py fails when code in mace/ writes CSV (csv.writer, csv.DictWriter)
or touches openpyxl anywhere else: add what a new writer needs here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

# What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should receive it: formula-looking text neutralised with a
    leading single quote; anything else (numbers, dates, empty, ordinary text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class CsvWriter:
    """csv.writer, with every cell made safe (safe_cell)."""

    def __init__(self, out: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """csv.DictWriter, with every value made safe (safe_cell). Headers are the code's own."""

    def __init__(self, out: IO[str], fieldnames: Sequence[str], **kwargs: Any) -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, **kwargs)

    def writeheader(self) -> Any:
        return self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow({k: safe_cell(v) for k, v in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_append(sheet: Any, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet with every cell made safe. openpyxl stores any text
    starting with "=" as a formula, so an XLSX writer must never append raw text."""
    sheet.append(safe_row(row))
