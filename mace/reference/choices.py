"""Enumerations for reference data, in the words the partnership uses."""

from django.db import models


class AreaKind(models.TextChoices):
    DISTRICT = "district", "District council area"
    UNITARY = "unitary", "Unitary council"


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "csc", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    DISTRICT_COUNCIL = "district_council", "District council"
    COMMUNITY_SAFETY = "csp", "Community safety partnership"
    YOUTH_SERVICE = "youth_service", "Youth service"
    VOLUNTARY = "voluntary", "Voluntary sector"


class CodeList(models.TextChoices):
    """The national code lists in data-standards.md that the child record and returns use."""

    SEX = "sex", "Sex (SSD pers_sex)"
    GENDER = "gender", "Gender (SSD pers_gender)"
    ETHNICITY = "ethnicity", "Ethnicity (DfE codes)"
    ASSESSMENT_FACTOR = "assessment_factor", "CIN assessment factor"
    REFERRAL_SOURCE = "referral_source", "Referral source"
    UPN_UNKNOWN = "upn_unknown", "Reason a UPN is unknown"


class IndicatorGroup(models.TextChoices):
    """The four groups of CSE indicators in the Essex arrangements."""

    BEHAVIOUR = "behaviour", "Behaviour"
    HEALTH = "health", "Health and mental health"
    ONLINE_SCHOOL = "online_school", "Online, school and risk-taking"
    POSSESSIONS = "possessions", "Possessions"


class DefinitionStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    PROPOSED = "proposed", "Proposed"
    SUPERSEDED = "superseded", "Superseded"
