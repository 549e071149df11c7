"""Settings for the MACE platform. Everything that differs between machines comes from the
environment (see README: DATABASE_URL, MACE_SECRET_KEY, MACE_DEBUG, MACE_ALLOWED_HOSTS)."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mace.env import envbool, envint, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("MACE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("MACE_DEBUG", False)
PRODUCTION = envbool("MACE_PRODUCTION", False)
# Where a demo is running (`make demo`, synthetic data only); pages show a banner. A demo runs
# with DEBUG off like any other: a 404 or a 500 shows the service's own page, never Django's.
MACE_DEMO = envbool("MACE_DEMO", False)
SECRET_KEY = envsecret("MACE_SECRET_KEY") or (
    "insecure-development-key-only-for-demo-and-tests" if not PRODUCTION else ""
)
ALLOWED_HOSTS = [
    h for h in envstr("MACE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "simple_history",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "mace.core",
    "mace.reference",
    "mace.accounts",
    "mace.access",
    "mace.people",
    "mace.concerns",
    "mace.referrals",
    "mace.assessments",
    "mace.missing",
    "mace.intelligence",
    "mace.criteria",
    "mace.meetings",
    "mace.disruption",
    "mace.dashboard",
    "mace.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mace.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mace.core.middleware.RequestIdMiddleware",
    # Under /api/ every error is JSON, whichever layer below answered it.
    "mace.core.middleware.ApiErrorsAsJsonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Messages before the idle timeout: it tells the user why they were signed out.
    "django.contrib.messages.middleware.MessageMiddleware",
    "mace.accounts.middleware.IdleTimeoutMiddleware",
    "mace.core.middleware.LoginRequiredMiddleware",
    # A service's refusal: the 403 page, or the 404 page when the policy hides the record.
    "mace.core.middleware.RefusalMiddleware",
    "mace.accounts.middleware.TwoFactorRequiredMiddleware",
    "mace.core.middleware.ApiRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mace.urls"
WSGI_APPLICATION = "mace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mace" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mace.core.context_processors.platform",
                "mace.access.context_processors.navigation",
                "mace.accounts.context_processors.sign_in",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production and CI).
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'mace.sqlite3'}",
        conn_max_age=envint("MACE_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the task worker share the file without locking each other out.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # A transaction that will write takes the write lock when it starts, not half way
            # through: no "database is locked" on upgrade, and the audit chains' heads are
            # updated one writer at a time (PostgreSQL locks the head row instead).
            "transaction_mode": "IMMEDIATE",
        }
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # JIT compilation off: it adds tens of milliseconds to the plans of page queries (whose costs
    # it misjudges) and gains nothing on queries bounded to a page. A statement timeout for the
    # app servers (MACE_DB_STATEMENT_TIMEOUT, milliseconds; set it in the web unit, not for
    # commands or task workers, whose work may be long) stops a runaway query from holding a
    # worker: the page answers with the service's error page. See docs/operations.md.
    timeout_ms = envint("MACE_DB_STATEMENT_TIMEOUT", 0)
    options = "-c jit=off" + (f" -c statement_timeout={timeout_ms}" if timeout_ms > 0 else "")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = options

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes first: it refuses a locked-out username and address before the password is tried.
# It needs the request, which Django's sign-in form passes to authenticate().
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Caches hold rate-limit counters, so every process must share them: the database by default
# (its table made by `mace createcachetable`), or a cache server named by MACE_CACHE_URL.
# Nothing about a child is ever cached.
_CACHE_URL = envstr("MACE_CACHE_URL")
if _CACHE_URL.startswith(("redis://", "rediss://")):
    # Needs the `redis` package installed alongside the platform.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
        }
    }
elif _CACHE_URL:
    raise ImproperlyConfigured(f"MACE_CACHE_URL must be a redis:// URL, not {_CACHE_URL!r}")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mace_cache",
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Links in emails point here. Email goes through SMTP when MACE_EMAIL_HOST is set; otherwise the
# task worker prints it (a demo or a machine without a mail relay).
MACE_BASE_URL = envstr("MACE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_EMAIL_HOST = envstr("MACE_EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": envint("MACE_EMAIL_PORT", 587),
                "username": envstr("MACE_EMAIL_USER") or None,
                "password": envsecret("MACE_EMAIL_PASSWORD") or None,
                "use_tls": envbool("MACE_EMAIL_TLS", True),
                # Without a timeout a hung mail server holds a worker (and its claim) for ever.
                "timeout": envint("MACE_EMAIL_TIMEOUT", 30),
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = envstr("MACE_EMAIL_FROM", "MACE platform <no-reply@mace.invalid>")
# A notification email that fails is tried again after MACE_EMAIL_RETRY_SECONDS, then twice as
# long each time (never more than an hour apart), and given up after MACE_EMAIL_MAX_ATTEMPTS
# attempts (the defaults try for about six hours). Given-up emails show on system
# administrators' "My work" page and in the administration pages.
MACE_EMAIL_RETRY_SECONDS = envint("MACE_EMAIL_RETRY_SECONDS", 60)
MACE_EMAIL_MAX_ATTEMPTS = envint("MACE_EMAIL_MAX_ATTEMPTS", 12)
if MACE_EMAIL_RETRY_SECONDS < 1 or MACE_EMAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MACE_EMAIL_RETRY_SECONDS and MACE_EMAIL_MAX_ATTEMPTS must be 1+")

# The idempotent sweeps `uv run mace periodic` runs (hourly, from cron or a systemd timer).
MACE_PERIODIC_COMMANDS = [
    "send_notification_emails",
    "refresh_mace_eligibility",
    "purge_drafts",
    "disruption_reminders",
    "referral_reminders",
    "schedule_meetings",
    "anchor_audit",
]

# Where `anchor_audit` appends each audit log's head, hourly: outside the database, on storage
# its administrators cannot write (docs/operations.md, "Audit head anchoring").
MACE_AUDIT_ANCHOR_FILE = Path(
    envstr("MACE_AUDIT_ANCHOR_FILE") or str(VAR_DIR / "audit-anchor.jsonl")
)
# Each audit log is this many hash chains, so its writers take a free one instead of queueing
# behind one head row (mace.access.chain). Raising it later is safe; lowering it leaves the
# chains above it as they are (still verified, no longer written).
MACE_AUDIT_SHARDS = envint("MACE_AUDIT_SHARDS", 16)
if not 1 <= MACE_AUDIT_SHARDS <= 1024:
    raise ImproperlyConfigured("MACE_AUDIT_SHARDS must be between 1 and 1024")

# Emergency (break-glass) access lasts this long unless given up sooner.
MACE_BREAK_GLASS_HOURS = envint("MACE_BREAK_GLASS_HOURS", 24)
if not 1 <= MACE_BREAK_GLASS_HOURS <= 72:
    raise ImproperlyConfigured("MACE_BREAK_GLASS_HOURS must be between 1 and 72")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# var/ holds the SQLite database, collected static files and the demo password; never in git.
# A read-only deployment collects static files elsewhere at build time.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    BASE_DIR / "mace" / "static",
]
# GOV.UK Frontend's compiled CSS asks for its fonts and images at /assets/.
WHITENOISE_ROOT = NODE_MODULES / "govuk-frontend" / "dist" / "govuk"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers. Django's own CSP: no inline script anywhere.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the platform never uses, switched off for every page it serves.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# HTTPS only in production: a year of HSTS, and plain HTTP redirected.
SECURE_HSTS_SECONDS = envint("MACE_HSTS_SECONDS", 365 * 24 * 60 * 60) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_SSL_REDIRECT = envbool("MACE_SSL_REDIRECT", PRODUCTION)
if envbool("MACE_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Cookies travel only over HTTPS unless this is a development server (DEBUG) or the demo (which
# `make demo` serves at http://127.0.0.1:8000) outside production. Browsers and the test client
# still send them to http://localhost.
SESSION_COOKIE_SECURE = envbool("MACE_SECURE_COOKIES", PRODUCTION or not (DEBUG or MACE_DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The absolute limit on a session, counted from sign-in however active it is since (checked by
# mace.accounts.middleware against the sign-in time kept in the session); the idle timeout
# below usually ends it first.
SESSION_COOKIE_AGE = envint("MACE_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed out after this long without a request; pages warn two minutes before.
MACE_IDLE_TIMEOUT_MINUTES = envint("MACE_IDLE_TIMEOUT_MINUTES", 30)
MACE_IDLE_WARNING_SECONDS = 120
if MACE_IDLE_TIMEOUT_MINUTES < 3:
    raise ImproperlyConfigured("MACE_IDLE_TIMEOUT_MINUTES must be at least 3")

# Two-factor sign-in (django-otp): an authenticator app (TOTP) and single-use recovery codes.
OTP_TOTP_ISSUER = envstr("MACE_OTP_ISSUER", "MACE")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Only for `make demo` with synthetic data: signing in needs no second factor. Never in production.
MACE_DEMO_SKIP_TWO_FACTOR = envbool("MACE_DEMO_SKIP_TWO_FACTOR", False)
if MACE_DEMO_SKIP_TWO_FACTOR and PRODUCTION:
    raise ImproperlyConfigured(
        "MACE_DEMO_SKIP_TWO_FACTOR is for demonstrations only and cannot be set with "
        "MACE_PRODUCTION."
    )

# Lockout (django-axes): after this many failed sign-ins for one username from one address,
# that pair is locked out for MACE_LOCKOUT_MINUTES or until an administrator unlocks it.
AXES_FAILURE_LIMIT = envint("MACE_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("MACE_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout runs from the attempt that caused it, as the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "mace.accounts.views.locked_out"
# Unlocking goes through the audited admin action and `mace unlock_user`, not axes' own admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Rate limits, in requests per minute, counted in the shared cache (mace/core/ratelimit.py).
MACE_RATE_LIMIT_SIGN_IN = envint("MACE_RATE_LIMIT_SIGN_IN", 20)  # per address
MACE_RATE_LIMIT_API = envint("MACE_RATE_LIMIT_API", 600)  # per token or signed-in user

# Ninja: the OpenAPI document and docs live under /api/v1/.
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("MACE_LOG_LEVEL", "WARNING")},
}
