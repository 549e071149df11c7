"""Enumerations for missing episodes, in the words of the Standard Safeguarding Dataset and the
College of Policing's missing persons guidance."""

from django.db import models


class EpisodeType(models.TextChoices):
    """SSD `miss_missing_episode_type` and SSDA903 `MISSING`."""

    MISSING = "M", "Missing (whereabouts unknown)"
    AWAY = "A", "Away from placement without authorisation (whereabouts known)"


class EpisodeEnd(models.TextChoices):
    """How the episode ended."""

    FOUND = "found", "Found"
    RETURNED = "returned", "Returned of their own accord"


class RiskGrade(models.TextChoices):
    """The police risk grade of a missing episode. Ordered from least to most risk."""

    VERY_LOW = "very_low", "Very low"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class YesNoNA(models.TextChoices):
    """SSD `miss_missing_rhi_offered` and `miss_missing_rhi_accepted`."""

    YES = "Y", "Yes"
    NO = "N", "No"
    NOT_APPLICABLE = "NA", "Not applicable"


class InterviewStatus(models.TextChoices):
    """Where a return home interview stands (derived, never stored)."""

    NOT_DUE = "not_due", "Not due: the child is still missing"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    HELD = "held", "Held within 72 hours"
    HELD_LATE = "held_late", "Held late"
    DECLINED = "declined", "Declined by the child"
    NOT_OFFERED = "not_offered", "Not offered"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
