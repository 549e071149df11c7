from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed the child's record"
    VIEW_CHRONOLOGY = "view_chronology", "Viewed the chronology"
    VIEW_CONCERN = "view_concern", "Viewed a concern"
    VIEW_REFERRAL = "view_referral", "Viewed a referral"
    LIST = "list", "Saw the child in a list or search result"
    CHANGE = "change", "Changed the record"
    EXISTS = "exists", "Was told a record exists (identifier match)"
    BREAK_GLASS = "break_glass", "Took emergency (break-glass) access"
    AUDIT = "audit", "Read the audit of the record"
    EXPORT = "export", "Exported the record"


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"


class AccessChannel(models.TextChoices):
    PAGE = "page", "Web page"
    API = "api", "API"
    COMMAND = "command", "Command line"


class SecurityAction(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    SESSION_EXPIRED = "session_expired", "Session expired (idle)"
    SESSION_LIMIT = "session_limit", "Session ended at its time limit"
    LOCKED_OUT = "locked_out", "Locked out after failed attempts"
    UNLOCKED = "unlocked", "Unlocked by an administrator"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Set up two-factor sign-in"
    TWO_FACTOR_FAILED = "2fa_failed", "Two-factor code refused"
    TWO_FACTOR_RESET = "2fa_reset", "Two-factor sign-in reset by an administrator"
    RECOVERY_CODE_USED = "recovery_used", "Signed in with a recovery code"
    RECOVERY_CODES_ISSUED = "recovery_issued", "New recovery codes issued"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    TOKEN_ISSUED = "token_issued", "API token issued"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    RATE_LIMITED = "rate_limited", "Too many requests"
    ROLE_REQUESTED = "role_requested", "Powerful role or superuser requested"
    ROLE_APPROVED = "role_approved", "Powerful role or superuser approved"
    ROLE_REFUSED = "role_refused", "Powerful role or superuser refused"
    AUDIT_TAMPERED = "audit_tampered", "Audit logs failed their check"


class ChangeType(models.TextChoices):
    CREATED = "+", "Created"
    CHANGED = "~", "Changed"
    DELETED = "-", "Deleted"


class BreakGlassReason(models.TextChoices):
    MISSING = "missing", "The child is missing"
    OUT_OF_HOURS = "out_of_hours", "Out of hours: the involved agencies cannot be reached"
    IMMEDIATE_RISK = "immediate_risk", "The child may be at immediate risk of harm"
    OTHER = "other", "Another urgent reason"


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", "Not yet reviewed"
    APPROPRIATE = "appropriate", "Reviewed: appropriate"
    REFERRED = "referred", "Referred on for investigation"


class IntelligenceReach(models.TextChoices):
    """How far a user reaches into intelligence records (mace.access.policy.intelligence_reach)."""

    NONE = "none", "None: sees no intelligence"
    READ = "read", "Reads every record, changes none (analysts)"
    DISTRICT = "district", "Locations, adults and vehicles in their own district"
    FULL = "full", "Sees and works on every record, county-wide"
