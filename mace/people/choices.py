from django.db import models


class IdentifierType(models.TextChoices):
    NHS_NUMBER = "nhs", "NHS number"
    UPN = "upn", "Unique pupil number (UPN)"
    POLICE = "police", "Police reference"
    LOCAL_AUTHORITY = "la", "Local authority reference"
    YOUTH_JUSTICE = "yj", "Youth justice number"
    OTHER = "other", "Other reference"


class InvolvementReason(models.TextChoices):
    RECORDED = "recorded", "Recorded information about the child"
    ALLOCATED = "allocated", "Allocated to the child"
    REFERRAL = "referral", "Accepted a referral"


class EntryKind(models.TextChoices):
    CONCERN = "concern", "Concern recorded"
    NOTE = "note", "Note"
    RECORD_CREATED = "record_created", "Record created"
    AMENDMENT = "amendment", "Amendment"
    ASSESSMENT = "assessment", "Risk assessment"
    MISSING_EPISODE = "missing", "Missing episode"
    RETURN_INTERVIEW = "return_interview", "Return home interview"
    MACE_DECISION = "mace_decision", "MACE decision"
    DISRUPTION = "disruption", "Disruption activity"
    REFERRAL = "referral", "Referral"


class RestrictionReason(models.TextChoices):
    DISCLOSURE = "disclosure", "A disclosure by the child"
    SEXUAL_HEALTH = "sexual_health", "Sexual health information"
    THIRD_PARTY = "third_party", "Identifies a third party who could be harmed by disclosure"
    OTHER = "other", "Another reason"
