"""Today, read when a test asks for it.

A date fixed when a test module is imported goes stale when the suite runs across midnight:
the code under test reads the clock again and disagrees with the test by a day. Tests call
`today()` instead of keeping a module-level constant.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """The local date now."""
    return timezone.localdate()
