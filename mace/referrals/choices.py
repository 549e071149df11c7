from django.db import models


class ServiceKind(models.TextChoices):
    """What a receiving service is: an agency's front door for referrals about children, or a
    service for children at risk that takes referrals of its own."""

    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    POLICE = "police", "Police"
    CARE = "care", "CARE (Children at Risk of Exploitation)"
    CHOICES = "choices", "The Choices programme"


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    PASSED_ON = "passed_on", "Passed on"


# A referral in one of these is still the receiving service's to act on.
OPEN_STATUSES = (ReferralStatus.WAITING, ReferralStatus.ACKNOWLEDGED)


class LawfulBasis(models.TextChoices):
    """The lawful basis for sharing, under UK GDPR Article 6 (with the Data Protection Act 2018's
    safeguarding condition for special category data, which the guidance on information sharing
    for safeguarding practitioners explains)."""

    PUBLIC_TASK = "public_task", "Public task: our statutory duty to safeguard children"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests: to protect the child's life or safety"
    CONSENT = "consent", "Consent"


class Consent(models.TextChoices):
    """Whether the child or family agreed to the referral, or why they were not asked."""

    GIVEN = "given", "The child or family agreed"
    REFUSED = "refused", "The child or family did not agree; sharing without consent"
    NOT_SOUGHT = "not_sought", "Consent was not sought"
