"""The one exception services raise when input breaks a rule. Pages show it in the GOV.UK error
summary; the API turns it into a 422 with field errors."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, errors: dict[str, list[str]] | str, field: str = "__all__") -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
