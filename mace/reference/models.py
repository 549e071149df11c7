"""Reference data the partnership edits through the admin: geography, agencies, code lists,
CSE indicators and definitions. Loaded by migrations so every database starts complete."""

from __future__ import annotations

import re

from django.db import models
from simple_history.models import HistoricalRecords

from mace.reference.choices import AgencyType, AreaKind, CodeList, DefinitionStatus, IndicatorGroup

OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """A postcode stored as the SSD stores it: upper case, no spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def outward_code(postcode: str) -> str | None:
    """The outward code (postcode district) of a full postcode, or None if it is not one."""
    match = FULL_POSTCODE.match(normalise_postcode(postcode))
    return match.group(1) if match else None


class Quadrant(models.Model):
    """One of the four Essex MACE quadrants (Mid, North, South, West), each with its own
    meetings."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=50, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """A council area: one of the twelve Essex districts (each in a quadrant) or a unitary council
    (Southend, Thurrock) that runs its own panel outside the quadrants."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    quadrant = models.ForeignKey(
        Quadrant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas",
        help_text="Blank for unitary councils with their own panels.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostcodeDistrict(models.Model):
    """A postcode district (outward code such as CM1 or SS14) placed in the council area that
    holds most of it. Where a district straddles a boundary, the address can be placed by hand."""

    outward_code = models.CharField(max_length=4, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="postcode_districts")
    history = HistoricalRecords()

    class Meta:
        ordering = ["outward_code"]

    def __str__(self) -> str:
        return f"{self.outward_code} → {self.area}"


class Agency(models.Model):
    """A partner agency whose staff use the platform (a police force, a council's children's social
    care, a health trust, a school, a district council, a voluntary service such as CARE)."""

    name = models.CharField(max_length=120, unique=True)
    type = models.CharField(max_length=30, choices=AgencyType.choices)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    contact = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who other agencies should contact about a child this agency works with.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """One value of a national code list (sex, gender, ethnicity, assessment factor, referral
    source), as data-standards.md spells it."""

    list = models.CharField(max_length=30, choices=CodeList.choices)
    code = models.CharField(max_length=10)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Retired codes stay for old records.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["list", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="unique_code_in_list")]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class Indicator(models.Model):
    """A sign of child sexual exploitation a practitioner may see, in one of the four groups."""

    code = models.SlugField(max_length=60, unique=True)
    group = models.CharField(max_length=20, choices=IndicatorGroup.choices)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order"]

    def __str__(self) -> str:
        return self.label


class Definition(models.Model):
    """A version of the definition of child sexual exploitation. Each concern records the one in
    force when it was recorded, so adopting a new definition does not rewrite the past."""

    title = models.CharField(max_length=120)
    version = models.CharField(max_length=20, unique=True)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=DefinitionStatus.choices)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-status", "version"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @classmethod
    def in_force(cls) -> Definition | None:
        return cls.objects.filter(status=DefinitionStatus.IN_FORCE).order_by("-version").first()
