"""The two exceptions services raise.

- `DomainError`: the input breaks a rule. Pages show it in the GOV.UK error summary; the API
  turns it into a 422 with field errors.
- `Refused`: the access policy says no. It is Django's `PermissionDenied` (so pages answer with
  the service's own 403 page, in one place: Django's handler), or a 404 when the person may not
  know the record exists (`not_found=True`, the policy's answer for a child they may not see).
  The API turns it into a JSON 403 or 404 (mace.core.api). Never Python's `PermissionError`,
  which is an `OSError`: a file-permission failure must be a 500, not a refusal with a path in it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

DEFAULT_REFUSAL = "You do not have permission to do this"


class DomainError(Exception):
    def __init__(self, errors: dict[str, list[str]] | str, field: str = "__all__") -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))

    @property
    def messages(self) -> list[str]:
        """Every message, field by field: for a button's POST that goes back to the page it was
        on, with no form to carry them, so all of them are shown as one notice."""
        return [message for messages in self.errors.values() for message in messages]


class Refused(PermissionDenied):
    """The access policy refused the acting user: 403, or 404 with `not_found=True`."""

    def __init__(self, message: str = DEFAULT_REFUSAL, *, not_found: bool = False) -> None:
        self.message = message
        self.not_found = not_found
        super().__init__(message)


def require(allowed: bool, message: str = DEFAULT_REFUSAL, *, not_found: bool = False) -> None:
    """Refuse unless the policy's answer (`allowed`) is yes."""
    if not allowed:
        raise Refused(message, not_found=not_found)
