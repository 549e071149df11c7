"""Roles people hold in the partnership."""

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    AGENCY_MANAGER = "agency_manager", "Agency manager"
    MACE_CHAIR = "mace_chair", "MACE chair"
    MACE_COORDINATOR = "mace_coordinator", "MACE coordinator"
    ANALYST = "analyst", "Analyst"
    DISTRICT_OFFICER = "district_officer", "District council / CSP officer"
    BOARD_MEMBER = "board_member", "Board member"
    SERVICE_WORKER = "service_worker", "Service worker (CARE or Choices)"
    WORKFORCE_LEAD = "workforce_lead", "Workforce lead"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    DATA_PROTECTION = "data_protection", "Data protection officer"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
