"""Revising the assessment tool (system administrators, through the admin): a new draft version
copied from one in use, what stops a version being put in force, and putting it in force.
Assessments keep the version they started on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mace.assessments.choices import InstrumentStatus
from mace.assessments.models import (
    Instrument,
    InstrumentIndicator,
    InstrumentSection,
    InstrumentVulnerability,
)
from mace.core.errors import DomainError, require

if TYPE_CHECKING:
    from mace.accounts.models import User

__all__ = ["instrument_errors", "instrument_put_in_force", "instrument_revise"]


def _require_instrument_admin(actor: User) -> None:
    require(
        actor.has_perm("assessments.change_instrument"),
        "Only a system administrator can revise the assessment tool",
    )


@transaction.atomic
def instrument_revise(*, actor: User, instrument: Instrument, version: str) -> Instrument:
    """A new draft version of the instrument, a copy of `instrument` to revise. Nothing changes
    for assessments until the new version is put in force, and never for past ones."""
    _require_instrument_admin(actor)
    version = (version or "").strip()
    if not version:
        raise DomainError({"version": ["Enter the new version's number, like 2"]})
    if Instrument.objects.filter(name=instrument.name, version=version).exists():
        raise DomainError({"version": [f"Version {version} of this tool already exists"]})
    copy = Instrument.objects.create(
        name=instrument.name,
        version=version,
        status=InstrumentStatus.DRAFT,
        current_window_months=instrument.current_window_months,
        previous_window_months=instrument.previous_window_months,
        source=instrument.source,
        notes="",
    )
    for section in instrument.sections.prefetch_related("indicators"):
        new_section = InstrumentSection.objects.create(
            instrument=copy,
            code=section.code,
            title=section.title,
            hint=section.hint,
            order=section.order,
        )
        InstrumentIndicator.objects.bulk_create(
            InstrumentIndicator(
                section=new_section,
                code=item.code,
                label=item.label,
                order=item.order,
                actual_exploitation=item.actual_exploitation,
            )
            for item in section.indicators.all()
        )
    InstrumentVulnerability.objects.bulk_create(
        InstrumentVulnerability(
            instrument=copy,
            code=v.code,
            label=v.label,
            order=v.order,
            learning_disability=v.learning_disability,
        )
        for v in instrument.vulnerabilities.all()
    )
    return copy


def instrument_errors(instrument: Instrument) -> list[str]:
    """What stops a version being put in force: it must ask something, its windows must make
    sense, an indicator code must mean one thing in it, and a learning disability must be one
    of its vulnerabilities (the guard rule needs it)."""
    errors = []
    if not (0 < instrument.current_window_months < instrument.previous_window_months):
        errors.append("The current window must be shorter than the previous window")
    codes = list(
        InstrumentIndicator.objects.filter(section__instrument=instrument).values_list(
            "code", flat=True
        )
    )
    if not codes:
        errors.append("The tool has no indicators")
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        errors.append(f"Indicator codes used more than once: {', '.join(duplicated)}")
    if not instrument.vulnerabilities.filter(learning_disability=True).exists():
        errors.append("No vulnerability is marked as a learning disability")
    return errors


@transaction.atomic
def instrument_put_in_force(*, actor: User, instrument: Instrument) -> Instrument:
    """Put a draft version in force from today; the version in force until now is superseded.
    Assessments already started keep the version they started on."""
    _require_instrument_admin(actor)
    if instrument.status != InstrumentStatus.DRAFT:
        raise DomainError("Only a draft version can be put in force")
    errors = instrument_errors(instrument)
    if errors:
        raise DomainError({"__all__": errors})
    for old in Instrument.objects.filter(status=InstrumentStatus.IN_FORCE):
        old.status = InstrumentStatus.SUPERSEDED
        old._history_user = actor  # type: ignore[attr-defined]
        old.save(update_fields=["status"])
    instrument.status = InstrumentStatus.IN_FORCE
    instrument.in_force_from = timezone.localdate()
    instrument._history_user = actor  # type: ignore[attr-defined]
    instrument.save(update_fields=["status", "in_force_from"])
    return instrument
