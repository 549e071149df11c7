"""Where a link can come from: a concern, a return home interview, a MACE meeting. Each app that
makes links from its records registers its kind of origin here (from its AppConfig.ready), so
this app never imports them: mace.missing registers its ReturnInterview the same way concerns
are registered below.

An origin that belongs to a child's record (a concern, an interview) names that child, and a
link may point at it only when the person making the link may read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from mace.core.errors import DomainError

if TYPE_CHECKING:
    from mace.accounts.models import User
    from mace.people.models import Child


@dataclass(frozen=True)
class OriginKind:
    label: str  # app_label.model, as ContentType names it
    description: str  # "a concern": how a page names it
    child_of: Callable[[Any], Child | None]
    readable: Callable[[User, Any], bool]


_ORIGINS: dict[str, OriginKind] = {}


def _readable_through_child(user: User, origin: Any) -> bool:
    from mace.access import policy

    kind = _ORIGINS[origin._meta.label_lower]
    child = kind.child_of(origin)
    return child is None or policy.can_view_child(user, child)


def origin_register(
    label: str,
    *,
    description: str,
    child_of: Callable[[Any], Child | None] = lambda obj: None,
    readable: Callable[[User, Any], bool] | None = None,
) -> None:
    """Let links point at records of the model `label` ("missing.returninterview"). `child_of`
    names the child the record belongs to, if any; `readable` decides whether a user may point
    a link at one (by default: whether they may see that child)."""
    _ORIGINS[label] = OriginKind(
        label=label,
        description=description,
        child_of=child_of,
        readable=readable or _readable_through_child,
    )


def origin_kinds() -> dict[str, OriginKind]:
    return dict(_ORIGINS)


def origin_description(origin_type_id: int | None) -> str:
    """How a page names a link's origin ("a concern"), from its content type (cached)."""
    if origin_type_id is None:
        return ""
    content_type = ContentType.objects.get_for_id(origin_type_id)
    kind = _ORIGINS.get(f"{content_type.app_label}.{content_type.model}")
    return kind.description if kind else str(content_type.name)


def origin_resolve(user: User, label: str, origin_id: int) -> models.Model:
    """The origin a link is to point at, if it is a registered kind, exists and the user may
    read it; otherwise a DomainError on `origin` (the same message whether it does not exist or
    is unreadable, so it reveals nothing)."""
    kind = _ORIGINS.get(label)
    if kind is None:
        choices = ", ".join(sorted(_ORIGINS)) or "none"
        raise DomainError({"origin": [f"A link can come from {choices}"]})
    app_label, _, model = label.partition(".")
    model_class = ContentType.objects.get_by_natural_key(app_label, model).model_class()
    assert model_class is not None
    obj = model_class._default_manager.filter(pk=origin_id).first()
    if obj is None or not kind.readable(user, obj):
        raise DomainError(
            {"origin": [f"There is no such record ({label} {origin_id}) that you can see"]}
        )
    return obj


def _concern_child(concern: Any) -> Child | None:
    return concern.child


def _concern_readable(user: User, concern: Any) -> bool:
    from mace.access import policy

    return policy.can_view_child(user, concern.child) and policy.can_read_entry(user, concern)


def register_builtin_origins() -> None:
    origin_register(
        "concerns.concern",
        description="a concern",
        child_of=_concern_child,
        readable=_concern_readable,
    )
