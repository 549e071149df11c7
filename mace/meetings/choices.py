"""Enumerations for MACE meetings and their actions, in the words of the Essex arrangements."""

from django.db import models


class MeetingPart(models.IntegerChoices):
    """Part 1 discusses individual children (monthly); part 2 looks at the threats behind them:
    local trends, patterns and hotspots, the local problem profile (bi-monthly in the seed)."""

    PART_1 = 1, "Part 1: individual children"
    PART_2 = 2, "Part 2: threats, trends and hotspots"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AGENDA_FROZEN = "agenda_frozen", "Agenda frozen"
    HELD = "held", "Held: minutes being written"
    SIGNED_OFF = "signed_off", "Minutes signed off"
    CANCELLED = "cancelled", "Cancelled"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent without apologies"


class AgendaReason(models.TextChoices):
    """Why a child is on a part 1 agenda. The first three are drafted from the MACE criteria."""

    NEWLY_ELIGIBLE = "new", "Newly meets the MACE criteria"
    DUE_REVIEW = "review", "Due for review"
    RISK_ROSE = "risk_rose", "Risk has risen"
    OVERDUE_ACTIONS = "overdue_actions", "Actions overdue"
    ADDED = "added", "Added by the coordinator"


class Decision(models.TextChoices):
    STAY = "stay", "Stay on MACE"
    STEP_DOWN = "step_down", "Step down to the single-agency plan"
    CLOSE = "close", "Close to MACE"
