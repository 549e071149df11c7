"""The one way a page calls a service with what a person typed.

    form = bind(request, ChildEditForm, initial=...)
    sent = submit(request, form, lambda: services.child_update(...), compare=CHILD_FIELDS)
    if sent.ok:
        messages.success(request, "Details saved")
        return redirect(...)
    return render(request, "people/child_edit.html", {"child": child, **sent.context})

`submit` runs the service only for a valid POST. A `DomainError` lands on the form (its field
errors on their fields, `fields` mapping a service's names to the form's); a stale version
(`ConflictError`) comes back as the form the person submitted, now carrying the saved version, with
the side-by-side of every differing field named in `compare` (names, or a function that answers
them from the cleaned form; mace.core.conflicts; the template includes
"includes/conflict.html"), or of the rows `differences` answers, or with a plain "someone else
changed this" error where there is nothing to compare. A refusal (`mace.core.errors.Refused`)
is not caught here: it becomes the 403 (or 404) page in one place
(mace.core.middleware.RefusalMiddleware). Nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django import forms
from django.http import HttpRequest

from mace.core.concurrency import ConflictError, last_change
from mace.core.conflicts import CONFLICT_MESSAGE, conflict_rows, with_version
from mace.core.errors import DomainError

STALE_MESSAGE = (
    "Someone else changed this while you were working on it. Check the page below "
    "and save again if what you have is still right."
)


class Submittable(Protocol):
    """A form built on mace.core.forms.GovFormMixin."""

    fields: dict[str, forms.Field]
    is_bound: bool
    data: Any

    def is_valid(self) -> bool: ...
    def full_clean(self) -> None: ...
    def add_error(self, field: str | None, error: Any) -> None: ...
    def apply_domain_error(
        self, error: DomainError, fields: Mapping[str, str] | None = ...
    ) -> None: ...


@dataclass
class Submission[T]:
    """What came of a submission: `ok` with the service's `result`, or the form to show again
    (with `conflict`, the side-by-side, when someone else saved first, or the service's `error`)."""

    form: Submittable
    result: T | None = None
    ok: bool = False
    conflict: dict[str, Any] | None = None
    error: DomainError | None = None

    @property
    def context(self) -> dict[str, Any]:
        """The template context for showing the form again."""
        context: dict[str, Any] = {"form": self.form}
        if self.conflict is not None:
            context["conflict"] = self.conflict
        return context


def bind[F: forms.BaseForm](request: HttpRequest, form_class: type[F], /, **kwargs: Any) -> F:
    """The form, bound to what was posted (files too) on a POST, unbound otherwise."""
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(None, **kwargs)


def submit[T](
    request: HttpRequest,
    form: Submittable,
    call: Callable[[], T],
    *,
    fields: Mapping[str, str] | None = None,
    compare: Iterable[str] | Callable[[], Iterable[str]] | None = None,
    differences: Callable[[Any], list[dict[str, str]]] | None = None,
    conflict_message: str = CONFLICT_MESSAGE,
) -> Submission[T]:
    """Call the service if the form was posted and is valid; see the module's docstring.
    A record that is more than its form's fields (an assessment's answers to its instrument)
    gives the side-by-side itself: `differences(current)` answers the rows instead of
    `compare`. `conflict_message` is the error the form then carries."""
    if request.method != "POST" or not form.is_bound or not form.is_valid():
        return Submission(form)
    try:
        result = call()
    except DomainError as error:
        form.apply_domain_error(error, fields)
        return Submission(form, error=error)
    except ConflictError as conflict:
        if compare is None and differences is None:
            form.add_error(None, STALE_MESSAGE)
            return Submission(form)
        current: Any = conflict.current
        # The same form, now saying it starts from the saved version, with what they typed.
        form.data = with_version(request, current.version)
        form.full_clean()
        form.add_error(None, conflict_message)
        if differences is not None:
            rows = differences(current)
        else:
            rows = conflict_rows(form, current, compare() if callable(compare) else compare or ())
        return Submission(form, conflict={"rows": rows, "change": last_change(current)})
    return Submission(form, result, ok=True)
