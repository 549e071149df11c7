"""Pages for break-glass access and for the audit."""

from __future__ import annotations

from django.urls import path  # noqa: F401

app_name = "access"

urlpatterns: list = [  # type: ignore[type-arg]
    # Break-glass: request emergency access, and the managers' review.
    # Audit: who has seen or changed a child's record; everything a user has seen.
]
