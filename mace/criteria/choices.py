"""The MACE criteria, in the words of the Essex arrangements: "children and young people known to
be being exploited, those who are considered our most vulnerable to CSE due to missing
episode(s), children and young people assessed as HIGH RISK to exploitation"."""

from django.db import models


class CriterionCode(models.TextChoices):
    KNOWN_EXPLOITED = "known_exploited", "Known to be exploited"
    HIGH_RISK = "high_risk", "Assessed as high risk"
    REPEAT_MISSING = "repeat_missing", "Repeatedly missing"
    MISSING_AT_RISK = "missing_at_risk", "Missing while assessed at medium or high risk"
