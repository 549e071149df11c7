"""Persons of concern, locations, vehicles, phone numbers and online accounts, and the graded
links between them and children: the contextual safeguarding picture MACE part 2 and disruption
work on.

Every kind of record shares one identity, a `Record` (its primary key is the record's own), so
anything that must point at "a person, location, vehicle, phone or account" (a link here; a
disruption activity's subject or a MACE part 2 threat later) has one foreign key to follow and
one id space to use."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mace.intelligence.choices import (
    Belief,
    HandlingCode,
    IntelligenceAssessment,
    LocationKind,
    PersonCategory,
    PersonSex,
    PersonStatus,
    Platform,
    RecordKind,
    Relationship,
    SourceEvaluation,
    SourceKind,
)
from mace.intelligence.normalise import phone_display, registration_display

if TYPE_CHECKING:
    from mace.accounts.models import User


class RecordQuerySet(models.QuerySet["Record"]):
    def visible_to(self, user: User | None) -> RecordQuerySet:
        from mace.access import policy

        scoped = policy.scope_intelligence(user, self)
        assert isinstance(scoped, RecordQuerySet)
        return scoped


class Record(models.Model):
    """The identity every intelligence record shares, whatever its kind: which kind it is, who
    recorded it, and (kept in step by the record itself) how it is named and which council area
    it is in. Links point at records; so will disruption activity and MACE part 2 threats."""

    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    label = models.CharField(
        max_length=300, help_text="How the record is named in lists (kept in step on save)"
    )
    area = models.ForeignKey(
        "reference.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council area of the location, or where the person or vehicle is known",
    )
    about_a_minor = models.BooleanField(
        default=False, help_text="The record is about someone under 18 (a peer)"
    )
    agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that made the record",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["label", "pk"]
        indexes = [models.Index(fields=["kind", "area"]), models.Index(fields=["label"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse(f"intelligence:{self.kind}_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return str(RecordKind(self.kind).label)

    @property
    def detail(self) -> IntelligenceRecord:
        """The person, location, vehicle, phone or account itself."""
        return getattr(self, RecordKind(self.kind).value)


def _identity(kind: str) -> models.OneToOneField:
    # The record's id is its Record's id: one id space across the kinds, so a link or a later
    # app's "subject" can name any of them by one number, and a URL never needs a second one.
    return models.OneToOneField(
        Record, primary_key=True, on_delete=models.PROTECT, related_name=kind, editable=False
    )


class IntelligenceRecord(models.Model):
    """What every kind of intelligence record has: its identity, a description, and a version
    for optimistic concurrency (mace.core.concurrency)."""

    KIND: ClassVar[str]

    record: models.OneToOneField
    record_id: int
    description = models.TextField(
        blank=True, help_text="What is known about it that the other fields do not say"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # The identity carries the name, area and age group that lists, links and the access
        # policy read without joining every kind's table; keep it in step with every save.
        fields = {
            "label": self.label[:300],
            "area_id": self.record_area_id,
            "about_a_minor": self.record_about_a_minor,
        }
        Record.objects.filter(pk=self.pk).update(**fields)
        cached = self._state.fields_cache.get("record")
        if cached is not None:
            for name, value in fields.items():
                setattr(cached, name, value)

    def get_absolute_url(self) -> str:
        return reverse(f"intelligence:{self.KIND}_detail", args=[self.pk])

    @property
    def label(self) -> str:
        raise NotImplementedError

    @property
    def record_area_id(self) -> int | None:
        return getattr(self, "area_id", None)

    @property
    def record_about_a_minor(self) -> bool:
        return False


class PersonOfConcern(IntelligenceRecord):
    """An adult or a peer suspected of exploiting children, or of being part of it: known by a
    name, a street name or only a description. Being recorded here is a concern, not a finding:
    every link to them carries its source and grading."""

    KIND = RecordKind.PERSON

    record = _identity(RecordKind.PERSON)
    name = models.CharField(
        max_length=200, help_text="Their name, or the name they are known by if that is all"
    )
    aliases = models.CharField(
        max_length=500, blank=True, help_text="Other names, nicknames and street names"
    )
    dob = models.DateField(null=True, blank=True, verbose_name="date of birth")
    age_estimate = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Approximate age when estimated"
    )
    age_estimated_on = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=PersonSex.choices, default=PersonSex.UNKNOWN)
    category = models.CharField(max_length=10, choices=PersonCategory.choices)
    status = models.CharField(
        max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE
    )
    area = models.ForeignKey(
        "reference.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council area where they are mainly known to be active",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "person of concern"
        verbose_name_plural = "persons of concern"
        indexes = [models.Index(fields=["name"])]

    @property
    def label(self) -> str:
        return f"{self.name} (also known as {self.aliases})" if self.aliases else self.name

    @property
    def record_about_a_minor(self) -> bool:
        return self.category == PersonCategory.PEER

    def approximate_age(self, day: date | None = None) -> int | None:
        """Their age from the date of birth, or the estimate carried forward to `day`."""
        day = day or timezone.localdate()
        if self.dob is not None:
            born = self.dob
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.age_estimate is not None and self.age_estimated_on is not None:
            then = self.age_estimated_on
            years = day.year - then.year - ((day.month, day.day) < (then.month, then.day))
            return self.age_estimate + max(years, 0)
        return None


class Location(IntelligenceRecord):
    """A place where children are exploited, taken or found, or where persons of concern live
    or gather: an address, a hotel, a takeaway, a park, a school, a transport hub. Its postcode
    (stored without spaces, as the SSD stores postcodes) or a hand placement puts it in a
    council area, and so in a MACE quadrant."""

    KIND = RecordKind.LOCATION

    record = _identity(RecordKind.LOCATION)
    kind = models.CharField(max_length=10, choices=LocationKind.choices)
    name = models.CharField(max_length=200, blank=True, help_text="A business or place name")
    line1 = models.CharField("address line 1", max_length=200, blank=True)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_by_hand = models.BooleanField(default=False)
    address_key = models.CharField(
        max_length=220,
        blank=True,
        editable=False,
        help_text="Postcode and first line, normalised: the same place is not recorded twice",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "line1", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["address_key"],
                condition=~Q(address_key=""),
                name="unique_location_address",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_point_whole",
            ),
        ]
        indexes = [models.Index(fields=["postcode"])]

    @property
    def postcode_display(self) -> str:
        return (
            f"{self.postcode[:-3]} {self.postcode[-3:]}"
            if len(self.postcode) > 4
            else self.postcode
        )

    @property
    def label(self) -> str:
        parts = [self.name, self.line1, self.town, self.postcode_display]
        return ", ".join(p for p in parts if p) or self.get_kind_display()

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Vehicle(IntelligenceRecord):
    """A vehicle used to move, meet or groom children, or linked to a person of concern. Its
    registration is stored as letters and digits only, and a full registration is recorded
    once; a partial one (a few characters seen) may repeat."""

    KIND = RecordKind.VEHICLE

    record = _identity(RecordKind.VEHICLE)
    registration = models.CharField(max_length=10, help_text="Letters and digits only")
    partial = models.BooleanField(default=False, help_text="Only part of the registration is known")
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    area = models.ForeignKey(
        "reference.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council area where it is kept or mostly seen",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["registration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(partial=False),
                name="unique_full_registration",
            )
        ]
        indexes = [models.Index(fields=["registration"])]

    @property
    def registration_display(self) -> str:
        shown = registration_display(self.registration)
        return f"{shown} (partial)" if self.partial else shown

    @property
    def label(self) -> str:
        looks = " ".join(p for p in [self.colour.lower(), self.make, self.model] if p)
        return f"{self.registration_display}, {looks}" if looks else self.registration_display


class Phone(IntelligenceRecord):
    """A phone number used to contact, groom or direct children, or linked to a person of
    concern. Stored in one UK form (07700900123), so each number is recorded once."""

    KIND = RecordKind.PHONE

    record = _identity(RecordKind.PHONE)
    number = models.CharField(max_length=16, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "phone number"

    @property
    def number_display(self) -> str:
        return phone_display(self.number)

    @property
    def label(self) -> str:
        return self.number_display


class OnlineAccount(IntelligenceRecord):
    """An account on a social media or messaging platform used to contact or groom children.
    A handle is recorded once per platform, whatever its case or leading @."""

    KIND = RecordKind.ACCOUNT

    record = _identity(RecordKind.ACCOUNT)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    platform_name = models.CharField(
        max_length=60, blank=True, help_text="The platform's name, when it is not in the list"
    )
    platform_key = models.CharField(max_length=60, blank=True, editable=False)
    handle = models.CharField(max_length=100, help_text="As shown on the platform")
    handle_key = models.CharField(max_length=100, editable=False)
    display_name = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["platform", "handle_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "platform_key", "handle_key"], name="unique_account_handle"
            )
        ]

    @property
    def platform_display(self) -> str:
        if self.platform == Platform.OTHER and self.platform_name:
            return self.platform_name
        return str(self.get_platform_display())

    @property
    def label(self) -> str:
        handle = self.handle if self.handle.startswith("@") else f"@{self.handle}"
        return f"{self.platform_display} {handle}"


RECORD_MODELS: dict[str, type[IntelligenceRecord]] = {
    RecordKind.PERSON: PersonOfConcern,
    RecordKind.LOCATION: Location,
    RecordKind.VEHICLE: Vehicle,
    RecordKind.PHONE: Phone,
    RecordKind.ACCOUNT: OnlineAccount,
}


# Which grading reads as established fact. Anything else is qualified on every page.
_ESTABLISHED_ASSESSMENTS = {
    IntelligenceAssessment.KNOWN_DIRECTLY,
    IntelligenceAssessment.CORROBORATED,
}


class Link(models.Model):
    """A piece of information that joins two intelligence records, or a child and a record:
    "Zephyrine was seen with Mordecai", "Mordecai uses ZZ19 FKE". It reads
    "<subject or child> <relationship> <target>". Each link says who or what the information came
    from, when, and how it is graded in the 3x5x2 model, so a rumour is never shown as a fact,
    and keeps a pointer to where it was recorded from (a concern, a return home interview, a
    meeting). Links are not edited: new information is a new link with its own grading."""

    subject = models.ForeignKey(
        Record,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links_as_subject",
        help_text="The record the sentence is about; blank when it is about a child",
    )
    child = models.ForeignKey(
        "people.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The child the sentence is about; blank when it is about a record",
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    target = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="links_as_target")
    information_date = models.DateField(help_text="When it was seen or happened")
    source_agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that holds the source",
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    source_detail = models.CharField(
        max_length=200, blank=True, help_text="More about the source; never a confidential name"
    )
    source_evaluation = models.CharField(max_length=1, blank=True, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(
        max_length=1, blank=True, choices=IntelligenceAssessment.choices
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True, help_text="What was seen or said")
    # Where it was recorded from: a concern, a return home interview, a MACE meeting. Generic,
    # so apps built later point links at their records without this app depending on them
    # (mace.intelligence.origins says which kinds may be origins).
    origin_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    agency = models.ForeignKey(
        "reference.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The agency that recorded the link",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-information_date", "-created_at", "-id"]
        constraints = [
            # Exactly two ends: a record and either another record or a child.
            models.CheckConstraint(
                condition=Q(subject__isnull=False, child__isnull=True)
                | Q(subject__isnull=True, child__isnull=False),
                name="link_one_subject",
            ),
            models.CheckConstraint(condition=~Q(subject=F("target")), name="link_two_ends"),
            models.CheckConstraint(
                condition=Q(source_evaluation="", intelligence_assessment="")
                | (~Q(source_evaluation="") & ~Q(intelligence_assessment="")),
                name="link_graded_whole",
            ),
            models.CheckConstraint(
                condition=Q(handling_code=HandlingCode.PERMITTED, handling_conditions="")
                | (Q(handling_code=HandlingCode.CONDITIONS) & ~Q(handling_conditions="")),
                name="link_handling_conditions",
            ),
            models.CheckConstraint(
                condition=Q(origin_type__isnull=True, origin_id__isnull=True)
                | Q(origin_type__isnull=False, origin_id__isnull=False),
                name="link_origin_whole",
            ),
            # The same information from the same source is recorded once. NULLs are distinct
            # in a unique index, so each combination of blank ends and origin has its own.
            *[
                models.UniqueConstraint(
                    fields=[
                        end,
                        "relationship",
                        "target",
                        "information_date",
                        "source_agency",
                        "source_kind",
                        *origin,
                    ],
                    condition=Q(**{f"{end}__isnull": False, "origin_type__isnull": not origin}),
                    name=f"unique_link_{end}_{'origin' if origin else 'no_origin'}",
                )
                for end in ("subject", "child")
                for origin in ((), ("origin_type", "origin_id"))
            ],
        ]
        indexes = [
            models.Index(fields=["subject", "-information_date"]),
            models.Index(fields=["target", "-information_date"]),
            models.Index(fields=["child", "-information_date"]),
            models.Index(fields=["origin_type", "origin_id"]),
        ]

    def __str__(self) -> str:
        about = self.subject.label if self.subject_id and self.subject else f"child {self.child_id}"
        return f"{about} {self.get_relationship_display()} {self.target.label}"

    @property
    def graded(self) -> bool:
        return bool(self.source_evaluation and self.intelligence_assessment)

    @property
    def belief(self) -> str:
        """How far the link is believed, from its grading (see Belief)."""
        if not self.graded:
            return Belief.UNGRADED
        assessment = self.intelligence_assessment
        if assessment == IntelligenceAssessment.SUSPECTED_FALSE:
            return Belief.DOUBTED
        if assessment == IntelligenceAssessment.NOT_KNOWN:
            return Belief.UNCONFIRMED
        if (
            assessment in _ESTABLISHED_ASSESSMENTS
            and self.source_evaluation != SourceEvaluation.NOT_RELIABLE
        ):
            return Belief.ESTABLISHED
        return Belief.REPORTED

    @property
    def presented_as_fact(self) -> bool:
        return self.belief == Belief.ESTABLISHED

    @property
    def belief_label(self) -> str:
        return str(Belief(self.belief).label)

    @property
    def grading_code(self) -> str:
        """The 3x5x2 grading as it is written: "2 / B / P"; the handling code alone if the
        information is not graded yet."""
        if not self.graded:
            return f"Not graded / {self.handling_code}"
        return f"{self.source_evaluation} / {self.intelligence_assessment} / {self.handling_code}"

    @property
    def grading_words(self) -> str:
        """The grading in words, as every page shows it."""
        handling = (
            "Sharing permitted."
            if self.handling_code == HandlingCode.PERMITTED
            else f"Sharing permitted with conditions: {self.handling_conditions}"
        )
        if not self.graded:
            return f"Not graded yet: treat as unconfirmed. {handling}"
        source = {
            SourceEvaluation.RELIABLE: "The source is reliable",
            SourceEvaluation.UNTESTED: "The source is untested",
            SourceEvaluation.NOT_RELIABLE: "The source is not reliable",
        }[SourceEvaluation(self.source_evaluation)]
        information = {
            IntelligenceAssessment.KNOWN_DIRECTLY: "the source knew it directly",
            IntelligenceAssessment.CORROBORATED: "the source knew it indirectly and it is "
            "corroborated",
            IntelligenceAssessment.KNOWN_INDIRECTLY: "the source knew it indirectly and it is not "
            "corroborated",
            IntelligenceAssessment.NOT_KNOWN: "it is not known whether it is true",
            IntelligenceAssessment.SUSPECTED_FALSE: "it is suspected to be false",
        }[IntelligenceAssessment(self.intelligence_assessment)]
        return f"{source}; {information}. {handling}"

    def ends(self) -> tuple[Record | None, Record]:
        return self.subject, self.target
