"""Enumerations for disruption activity and evidence, in the words partners use for the powers."""

from __future__ import annotations

from django.db import models


class DisruptionType(models.TextChoices):
    """The powers and actions used to disrupt those who exploit children. Short codes; the
    labels are how the Home Office and the Children's Society toolkits name them."""

    CAWN = "cawn", "Child abduction warning notice"
    SRO = "sro", "Sexual risk order"
    STRO = "stro", "Slavery and trafficking risk order"
    CLOSURE_NOTICE = "closure_notice", "Closure notice"
    CLOSURE_ORDER = "closure_order", "Closure order"
    HOTEL_NOTICE = "hotel_notice", "Hotel information notice"
    LICENCE_REVIEW = "licence_review", "Licence review"
    HOUSING = "housing", "Tenancy or housing action"
    CPN = "cpn", "Community protection notice"
    NRM = "nrm", "National Referral Mechanism referral"
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    INTELLIGENCE = "intelligence", "Intelligence submission"
    OTHER = "other", "Other"


class DisruptionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted: in force"
    SERVED = "served", "Served"
    REFUSED = "refused", "Refused"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"


# Disruption that is over: its expiry and review dates no longer raise reminders.
CLOSED_STATUSES = frozenset(
    {
        DisruptionStatus.REFUSED,
        DisruptionStatus.EXPIRED,
        DisruptionStatus.WITHDRAWN,
        DisruptionStatus.COMPLETED,
    }
)


class EvidenceKind(models.TextChoices):
    STATEMENT = "statement", "Statement"
    CCTV = "cctv", "CCTV"
    PHONE_DOWNLOAD = "phone_download", "Phone download"
    ANPR = "anpr", "ANPR"
    DOCUMENT = "document", "Document"
    PHOTOGRAPH = "photograph", "Photograph"
    OTHER = "other", "Other"
