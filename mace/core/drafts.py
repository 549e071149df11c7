"""Drafts of long forms, kept on the server as people type (mace/static/js/drafts.js posts them),
so a timed-out session or a closed tab loses nothing.

A draft belongs to one user and one form about one thing, named by its key:
"<form>:<kind of thing>:<id>", like "concern:child:42". Each form registers who may keep a draft
under its keys (the same rule as who may submit it, asked of the access policy), so a draft can
neither be written nor read for a child the user cannot see. Another user's draft is never
shown: every lookup is by the acting user."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from mace.core.errors import DomainError, Refused
from mace.core.models import Draft

if TYPE_CHECKING:
    from mace.accounts.models import User

# A long concern narrative with every indicator noted is a few kilobytes; 100 KB is far beyond
# any real form and small enough that nobody can use drafts as file storage.
MAX_DRAFT_BYTES = 100 * 1024
# Drafts untouched this long are purged (`mace purge_drafts`): a month covers leave and
# sickness, and a stale draft of case information should not sit on the server for ever.
DRAFT_RETENTION = dt.timedelta(days=30)
# Never kept: the CSRF token (it is per session) and anything the browser sends that is not
# what the person typed.
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


class DraftTooLarge(DomainError):
    """The draft is over MAX_DRAFT_BYTES (the endpoint answers 413)."""


# form name -> rule(user, the rest of the key) saying whether the user may keep that draft. Each
# app registers its forms' rules when it is ready (concerns, assessments, missing, intelligence).
KeyRule = Callable[["User", list[str]], bool]
_RULES: dict[str, KeyRule] = {}


def draft_form_register(name: str, rule: KeyRule) -> None:
    """Let a form keep drafts under keys starting "<name>:". `rule` answers whether a user may
    keep the draft for the rest of the key; it should ask mace.access.policy."""
    _RULES[name] = rule


def draft_key_allowed(user: User, key: str) -> bool:
    """Whether the user may keep a draft under this key; unknown forms are refused."""
    if not user.is_authenticated or len(key) > 200:
        return False
    name, _, rest = key.partition(":")
    rule = _RULES.get(name)
    return rule is not None and bool(rest) and rule(user, rest.split(":"))


def _require_key(user: User, key: str) -> None:
    if not draft_key_allowed(user, key):
        raise Refused("You cannot keep a draft of this form")


def _clean(data: Any) -> dict[str, list[str]]:
    """The form's fields as {name: [values]} (a field such as a checkbox list repeats)."""
    if not isinstance(data, Mapping):
        raise DomainError({"data": ["A draft is an object of field names and values"]})
    cleaned: dict[str, list[str]] = {}
    for name, values in data.items():
        if not isinstance(name, str) or name in NOT_KEPT:
            continue
        values = values if isinstance(values, list) else [values]
        if not all(isinstance(v, str) for v in values):
            raise DomainError({"data": [f"The values of {name} must be text"]})
        cleaned[name] = values
    return cleaned


def draft_save(*, user: User, key: str, data: Any) -> Draft:
    """Keep what the user has typed so far (replacing their earlier draft of the same form)."""
    _require_key(user, key)
    cleaned = _clean(data)
    if len(json.dumps(cleaned).encode()) > MAX_DRAFT_BYTES:
        raise DraftTooLarge({"data": ["The draft is too large to keep"]})
    draft, _ = Draft.objects.update_or_create(user=user, key=key, defaults={"data": cleaned})
    return draft


def draft_get(*, user: User, key: str) -> Draft | None:
    """The user's own draft of this form, if they kept one and may still use the form."""
    _require_key(user, key)
    return Draft.objects.filter(user=user, key=key).first()


def draft_discard(*, user: User, key: str) -> int:
    """Delete the user's draft of this form (after it was submitted, or when they discard it).
    Deleting one's own draft needs no other permission: it only ever removes data."""
    deleted, _ = Draft.objects.filter(user=user, key=key).delete()
    return deleted


def drafts_purge(
    *, older_than: dt.timedelta = DRAFT_RETENTION, now: dt.datetime | None = None
) -> int:
    """Delete drafts nobody has touched for `older_than`. Safe to run any number of times."""
    cutoff = (now or timezone.now()) - older_than
    deleted, _ = Draft.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def draft_initial(form: forms.BaseForm, draft: Draft) -> dict[str, Any]:
    """The draft as a form's initial data: each field reads its own value from the draft as it
    would from a submission (so date inputs, checkbox lists and single checkboxes all work), but
    the form stays unbound, so nothing is validated and no errors show until the user submits."""
    submitted = QueryDict(mutable=True)
    for name, values in draft.data.items():
        submitted.setlist(name, list(values))
    return {
        name: field.widget.value_from_datadict(submitted, {}, form.add_prefix(name))
        for name, field in form.fields.items()
        if _was_kept(submitted, form.add_prefix(name), field)
    }


def _was_kept(submitted: QueryDict, name: str, field: forms.Field) -> bool:
    # A checkbox that was left clear is absent from a submission; it is still part of the draft.
    if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        return True
    return any(key == name or key.startswith(f"{name}-") for key in submitted)
