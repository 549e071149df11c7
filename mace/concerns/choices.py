from django.db import models


class Route(models.TextChoices):
    """Where a concern is sent on to (the Essex pathway)."""

    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    POLICE = "police", "Police"
    CARE = "care", "CARE (Children at Risk of Exploitation)"


class IndicatorSource(models.TextChoices):
    """How the practitioner came to know of an indicator."""

    OBSERVED = "observed", "Seen by me"
    CHILD = "child", "Told by the child"
    PARENT = "parent", "Told by a parent or carer"
    PROFESSIONAL = "professional", "Told by another professional"
    RECORDS = "records", "Agency records"
    PEER = "peer", "Told by another young person"
    ANONYMOUS = "anonymous", "Anonymous or third party"
