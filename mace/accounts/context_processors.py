from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def sign_in(request: HttpRequest) -> dict[str, Any]:
    """What every page needs for the idle-timeout warning and the demo's two-factor notice."""
    return {
        "MACE_DEMO_SKIP_TWO_FACTOR": settings.MACE_DEMO_SKIP_TWO_FACTOR,
        "MACE_IDLE_TIMEOUT_SECONDS": settings.MACE_IDLE_TIMEOUT_MINUTES * 60,
        "MACE_IDLE_WARNING_SECONDS": settings.MACE_IDLE_WARNING_SECONDS,
    }
