"""What core announces for the apps built on it to act on, so that core imports none of them."""

from __future__ import annotations

from django.dispatch import Signal

#: A caller went over a rate limit: sent once per window, on the first refusal (the access app
#: records it as a security event). Arguments: `request`, `user` (None when not signed in) and
#: `detail`, which limit it was.
rate_limited = Signal()
