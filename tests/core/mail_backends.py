"""Stand-ins for the outside mail server (Django email backends, selected through MAILERS):
one that refuses the first few emails as a broken SMTP relay would, one that is slow to answer.
What they accept lands in django.core.mail.outbox, as with Django's locmem backend."""

from __future__ import annotations

import smtplib
import threading
import time
from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

FLAKY = "tests.core.mail_backends.FlakyBackend"
SLOW = "tests.core.mail_backends.SlowBackend"


class FlakyBackend(LocmemBackend):
    """Refuses the next `failures` sends with an SMTP error, then accepts."""

    failures = 0
    _lock = threading.Lock()

    def send_messages(self, messages: Any) -> int:
        with FlakyBackend._lock:
            if FlakyBackend.failures > 0:
                FlakyBackend.failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed (fictional)")
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """Takes a moment to accept each email, so two workers overlap while one is sending."""

    seconds = 0.3
    _lock = threading.Lock()

    def send_messages(self, messages: Any) -> int:
        time.sleep(self.seconds)
        with SlowBackend._lock:
            return super().send_messages(messages)
