"""Checks for the national identifiers a child may carry. Each returns a message that says what
is wrong, so a practitioner can put it right, or None when the value is valid."""

from __future__ import annotations

import re

# The UPN check-letter alphabet: A-Z without I, O and S (DfE, Unique pupil numbers guidance).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_error(value: str) -> str | None:
    """NHS number: 10 digits, the last a modulus-11 check digit over the first nine."""
    digits = normalise_nhs_number(value)
    if not digits.isdigit() or len(digits) != 10:
        return "An NHS number must be 10 digits, like 943 476 5919"
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return (
            "This is not a valid NHS number: its check digit does not match. "
            "Check for a typing error"
        )
    return None


def upn_check_letter(body: str) -> str:
    """The check letter for the twelve characters after it."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * weight
    return UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def upn_error(value: str) -> str | None:
    """UPN: 13 characters, a check letter then 11 digits and a digit or (temporary UPN) a letter."""
    upn = normalise_upn(value)
    if len(upn) != 13:
        return (
            "A UPN must be 13 characters: a letter followed by 12 digits "
            "(or 11 digits and a letter)"
        )
    if upn[0] not in UPN_LETTERS or not upn[1:12].isdigit():
        return "A UPN must start with a check letter followed by 11 digits"
    if not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        return "The last character of a UPN must be a digit or a letter other than I, O or S"
    if upn_check_letter(upn[1:]) != upn[0]:
        return "This is not a valid UPN: its check letter does not match. Check for a typing error"
    return None


def nhs_number_with_check(nine_digits: str) -> str | None:
    """Complete nine digits into a valid NHS number, or None when no check digit exists.
    Used to make synthetic test and demo data that passes the check."""
    total = sum(int(d) * w for d, w in zip(nine_digits, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else nine_digits + str(check)


def upn_with_check(twelve: str) -> str:
    return upn_check_letter(twelve) + twelve
