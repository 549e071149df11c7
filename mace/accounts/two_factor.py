"""Two-factor sign-in: who must use it, and the second factors themselves (django-otp).

A second factor is an authenticator app (a TOTP device) with ten single-use recovery codes (a
static device) for when the phone is lost. It is required of everyone whose roles let them see
children's case content, and of system administrators and data protection officers, who see
accounts and the audit. Anyone else who has set one up is asked for it too. `make demo` may
switch it off with MACE_DEMO_SKIP_TWO_FACTOR, which production refuses."""

from __future__ import annotations

from base64 import b32encode
from typing import TYPE_CHECKING, Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mace.access import policy
from mace.accounts.choices import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mace.accounts.models import User

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# Roles that see accounts or the audit rather than case content, but whose accounts are worth
# as much to an attacker.
OVERSIGHT_ROLES = (Role.SYSTEM_ADMIN, Role.DATA_PROTECTION)


def two_factor_required(user: User) -> bool:
    """Whether this user may not use the platform on a password alone."""
    if not user.is_authenticated:
        return False
    return (
        policy.sees_case_content(user)
        or user.has_role(*OVERSIGHT_ROLES)
        or user.is_staff
        or user.is_superuser
    )


def authenticator(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_needed(user: User) -> bool:
    """Whether signing in asks this user for a second factor: they must have one, or they
    chose to set one up."""
    if settings.MACE_DEMO_SKIP_TWO_FACTOR or not user.is_authenticated:
        return False
    return two_factor_required(user) or authenticator(user) is not None


def session_verified(request: HttpRequest) -> bool:
    """Whether the signed-in user of this request may go on: they passed the second factor in
    this session, or are not asked for one."""
    user: Any = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    return not two_factor_needed(user)


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret until it is confirmed, so
    reloading the page does not change the QR code the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// address as an inline SVG (paths only: no script or style, so the strict
    CSP allows it), labelled for screen readers."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    label = escape("QR code to scan with your authenticator app")
    svg = svg.replace("<svg ", f'<svg class="mace-qr-code" role="img" aria-label="{label}" ', 1)
    return mark_safe(svg)  # noqa: S308 - made by qrcode from our own URL, attributes escaped


def normalise_recovery_code(code: str) -> str:
    """Recovery codes are shown in lower case; accept them typed with capitals or spaces."""
    return "".join(code.split()).replace("-", "").lower()


def normalise_totp_code(code: str) -> str:
    return "".join(code.split()).replace("-", "")
