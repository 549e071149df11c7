"""Enumerations for risk and vulnerabilities assessments, in the words of the Essex pathway."""

from django.db import models


class RiskLevel(models.TextChoices):
    """The assessor's professional judgement. The tools the SET assessment descends from dropped
    tick-box scoring on purpose: the level is chosen and explained, never computed."""

    HIGH = "high", "High (known)"
    MEDIUM = "medium", "Medium (suspected)"
    LOW = "low", "Low (vulnerable)"


LEVEL_HINTS = {
    RiskLevel.HIGH: "The child is known to be being exploited",
    RiskLevel.MEDIUM: "Exploitation of the child is suspected",
    RiskLevel.LOW: "The child is vulnerable to exploitation; there is no evidence it is happening",
}


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting manager sign-off"
    COMPLETED = "completed", "Completed"


class SignOffDecision(models.TextChoices):
    AGREED = "agreed", "Agreed: the override stands"
    RETURNED = "returned", "Returned to the assessor"


class IndicatorWindow(models.TextChoices):
    """When an indicator was last seen, against the instrument version's windows."""

    CURRENT = "current", "Current"
    PREVIOUS = "previous", "Previous"


class PersonRole(models.TextChoices):
    """How a person is involved in the child's life. A person of concern is kept structured so
    the intelligence records can later be linked to them."""

    PARENT = "parent", "Parent"
    CARER = "carer", "Carer or guardian"
    SIBLING = "sibling", "Brother or sister"
    RELATIVE = "relative", "Other relative"
    FRIEND = "friend", "Friend or peer"
    PROFESSIONAL = "professional", "Professional"
    PERSON_OF_CONCERN = "person_of_concern", "Person of concern"
    OTHER = "other", "Other"


class InstrumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft (being revised)"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


class IntervalUnit(models.TextChoices):
    WEEKS = "weeks", "Weeks"
    MONTHS = "months", "Months"
