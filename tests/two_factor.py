"""Second factors for tests: a user's authenticator app, and the code it would show now, worked
out from its secret as a phone would (RFC 6238)."""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_for(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator app, set up now if they have none (as if they had
    enrolled at an earlier sign-in)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def code_for_key(key: bytes, *, after_step: int = -1) -> str:
    """The 6-digit code for a secret, now; or the next step's code when the current one has
    been used (django-otp refuses a code twice), which its tolerance of one step accepts."""
    totp = TOTP(key)
    totp.time = time.time()
    if totp.t() <= after_step:
        totp.time += 30 * (after_step + 1 - totp.t())
    return f"{totp.token():06d}"


def current_code(user: Any) -> str:
    device = authenticator_for(user)
    device.refresh_from_db()
    return code_for_key(device.bin_key, after_step=device.last_t)
