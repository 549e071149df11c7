from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed the child's record"
    VIEW_CHRONOLOGY = "view_chronology", "Viewed the chronology"
    VIEW_CONCERN = "view_concern", "Viewed a concern"
    LIST = "list", "Saw the child in a list or search result"
    CHANGE = "change", "Changed the record"
    EXISTS = "exists", "Was told a record exists (identifier match)"


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"


class AccessChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    COMMAND = "command", "Command line"
