"""A request id carried through a request (and into tasks) so audit rows can be tied together."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")


def new_request_id() -> str:
    return str(uuid.uuid4())
