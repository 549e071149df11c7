"""The keys that stop the same vehicle, phone, account or address being entered twice: each is
stored in one normal form, whatever spacing or case it was typed in, and unique on that form."""

from __future__ import annotations

import re

from mace.reference.models import normalise_postcode

# The current GB format (since 2001): two letters, two digits, three letters ("ZZ19 FKE").
CURRENT_REGISTRATION = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")


def normalise_registration(value: str) -> str:
    """A registration as a key: letters and digits only, upper case ("zz19-fke" -> "ZZ19FKE")."""
    return re.sub(r"[^A-Za-z0-9]", "", value or "").upper()


def registration_error(key: str) -> str | None:
    if not key:
        return "Enter the registration"
    # Real plates run from 1 character (dateless cherished plates) to 7 in GB; foreign ones
    # to 8 or so. Anything longer is a typing slip or a description in the wrong box.
    if len(key) > 8:
        return "A registration is 8 letters and numbers or fewer"
    return None


def registration_display(key: str) -> str:
    """The registration as it is written on the plate, when its format is known."""
    if CURRENT_REGISTRATION.match(key):
        return f"{key[:4]} {key[4:]}"
    return key


def normalise_phone(value: str) -> str:
    """A phone number in one UK form: a UK number as its 10 or 11 national digits starting 0
    (+44 7700 900123, 0044 7700 900123 and 07700-900-123 are all 07700900123); a number from
    another country keeps its + and country code."""
    raw = (value or "").strip()
    digits = re.sub(r"[^0-9]", "", raw)
    if raw.startswith("+"):
        if digits.startswith("44"):
            national = digits[2:]
            return "0" + national.removeprefix("0")
        return "+" + digits
    if digits.startswith("0044"):
        return "0" + digits[4:].removeprefix("0")
    return digits


def phone_error(key: str) -> str | None:
    if not key:
        return "Enter the phone number"
    if key.startswith("+"):
        if not 8 <= len(key) <= 16:
            return "Enter an international number with its country code, like +33 6 12 34 56 78"
        return None
    if not key.startswith("0") or not 10 <= len(key) <= 11:
        return "Enter a UK phone number, like 07700 900123, or an international one starting +"
    return None


def phone_display(key: str) -> str:
    """The number grouped as people write it: 07700 900123, 020 7946 0000, 01632 960123."""
    if key.startswith("+") or not key.startswith("0"):
        return key
    if key.startswith("02") and len(key) == 11:
        return f"{key[:3]} {key[3:7]} {key[7:]}"
    if len(key) == 11:
        return f"{key[:5]} {key[5:]}"
    return key


def normalise_handle(value: str) -> str:
    """An online handle as a key: without the leading @ and in lower case (platforms treat
    handles case-insensitively)."""
    return " ".join((value or "").strip().lstrip("@").split()).lower()


def normalise_words(value: str) -> str:
    """Free text as a key: single spaces, lower case."""
    return " ".join((value or "").split()).lower()


def address_key(postcode: str, first_line: str) -> str:
    """A place as a key: its postcode and its first line (or its name, when it has no address
    lines). Blank unless both are known: without a postcode two "Station Road"s cannot be told
    apart, so nothing is refused as a duplicate on a guess."""
    postcode, first_line = normalise_postcode(postcode), normalise_words(first_line)
    return f"{postcode}|{first_line}" if postcode and first_line else ""
