"""Children and young people, what identifies them, where they live, which agencies work with
them, and the one chronology built from everything recorded about them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.people.choices import EntryKind, IdentifierType, InvolvementReason, RestrictionReason


class ChildQuerySet(models.QuerySet["Child"]):
    def visible_to(self, user) -> ChildQuerySet:  # type: ignore[no-untyped-def]
        from mace.access import policy

        scoped = policy.scope_children(user, self)
        assert isinstance(scoped, ChildQuerySet)
        return scoped


class Child(models.Model):
    """A child or young person (under 18, or a care leaver) known to a partner agency.
    Field names follow the Standard Safeguarding Dataset's person table."""

    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    other_names = models.CharField(max_length=200, blank=True, help_text="Known as, previous names")
    # Every name in lower case, kept by the database, for search: a trigram index on PostgreSQL
    # (migration people 0004) finds a part of a name without reading every child.
    search_name = models.GeneratedField(
        expression=Lower(Concat("forename", Value(" "), "surname", Value(" "), "other_names")),
        output_field=models.CharField(max_length=402),
        db_persist=True,
    )
    sex = models.CharField(max_length=1, default="U")  # SSD pers_sex: M/F/U
    gender = models.CharField(max_length=2, blank=True)  # SSD pers_gender: 00/01/02/09
    ethnicity = models.CharField(max_length=4, blank=True)  # DfE ethnicity codes
    dob = models.DateField(null=True, blank=True, verbose_name="date of birth")
    expected_dob = models.DateField(null=True, blank=True, verbose_name="expected date of birth")
    death_date = models.DateField(null=True, blank=True)
    upn_unknown = models.CharField(max_length=3, blank=True)  # UN1-UN5
    area = models.ForeignKey(
        "reference.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council area of the current address (kept in step by the address service).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["search_name"])

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "forename"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["surname", "forename"]), models.Index(fields=["dob"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def reference(self) -> str:
        """The platform's person id (SSD pers_person_id)."""
        return f"MACE-{self.pk:07d}"

    def age_on(self, day: date | None = None) -> int | None:
        if self.dob is None:
            return None
        day = day or timezone.localdate()
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))


class ChildIdentifier(models.Model):
    """An identifier another system gives the child (NHS number, UPN, a police or local
    reference), with the dates it was valid."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="identifiers")
    type = models.CharField(max_length=10, choices=IdentifierType.choices)
    value = models.CharField(max_length=40)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    agency = models.ForeignKey(
        "reference.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that recorded it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["type", "value"]
        # Search looks an identifier up by its value alone (and the import by type and value).
        indexes = [models.Index(fields=["value", "type"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "type", "value"], name="unique_child_identifier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.value}"


class ChildAddress(models.Model):
    """Where the child lived, and when. The postcode is stored without spaces (as the SSD does)
    and places the address in a council area; one that cannot be placed is placed by hand."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    uprn = models.CharField("UPRN", max_length=12, blank=True)
    area = models.ForeignKey("reference.Area", null=True, blank=True, on_delete=models.PROTECT)
    placed_by_hand = models.BooleanField(default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name_plural = "child addresses"

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line1, self.town, self.postcode_display] if p)

    @property
    def postcode_display(self) -> str:
        """The postcode as people write it, with the space before the inward code."""
        return (
            f"{self.postcode[:-3]} {self.postcode[-3:]}"
            if len(self.postcode) > 4
            else self.postcode
        )

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class AgencyInvolvement(models.Model):
    """An agency is involved with a child: it recorded something about them or is allocated to
    them. Involvement is what opens the child's record to that agency's practitioners."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=20, choices=InvolvementReason.choices)
    since = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "agency"], name="unique_child_agency")
        ]
        indexes = [
            models.Index(fields=["agency", "child"]),
            # An agency's live caseload, newest first (the home page).
            models.Index(
                fields=["agency", "-since", "-id"],
                condition=models.Q(ended_at__isnull=True),
                name="people_involvement_live",
            ),
            # Which children an agency works with now, read from the index alone.
            models.Index(
                fields=["agency", "child"],
                condition=models.Q(ended_at__isnull=True),
                name="people_involvement_live_child",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} with {self.child_id}"


class ChronologyEntry(models.Model):
    """One event in a child's single chronology. Entries are never edited: a correction is a new
    entry that amends the original, and the original stays visible."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="chronology")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    occurred_at = models.DateTimeField(help_text="When it happened (or was first seen).")
    recorded_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("reference.Agency", on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        "concerns.Concern", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only the author's agency and the MACE chairs of the child's quadrant read it",
    )
    restriction_reason = models.CharField(
        max_length=20, blank=True, choices=RestrictionReason.choices
    )
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["child", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Chronology entries are never edited; record an amendment instead.")
        super().save(*args, **kwargs)
