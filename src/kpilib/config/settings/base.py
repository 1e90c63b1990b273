"""Settings for every deployment; the environment is read here and nowhere else.

Environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, KPILIB_DATA_DIR,
CSRF_TRUSTED_ORIGINS, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS,
SECURE_HSTS_PRELOAD, SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE, KPILIB_TEST_DB_NAME,
KPILIB_LOGIN_FAILURE_LIMIT, KPILIB_LOCKOUT_MINUTES, KPILIB_PROXY_COUNT, KPILIB_MAX_UPLOAD_MB,
KPILIB_MAX_EVIDENCE_MB
(and the mail, time-zone and logging variables below). Defaults are safe for production: DEBUG is off
and cookies are Secure. A plain shell is enough for the command line: without SECRET_KEY a
random key is generated once and kept in KPILIB_DATA_DIR (mode 0600).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kpilib.clock import DEFAULT_TIME_ZONE
from kpilib.config.secret_key import key_from_file

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true/false, 1/0, yes/no or on/off")


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "kpilib"


DATA_DIR = Path(os.environ.get("KPILIB_DATA_DIR") or _default_data_dir()).expanduser().resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("DEBUG", False)


# An explicit SECRET_KEY always wins (several hosts must share one). Without it the key is
# generated once and kept in the data directory (see kpilib.config.secret_key);
# `manage check --deploy` warns about that (kpilib.W001).
SECRET_KEY = os.environ.get("SECRET_KEY", "")
KPILIB_SECRET_KEY_FILE: Path | None = None
if not SECRET_KEY:
    SECRET_KEY, KPILIB_SECRET_KEY_FILE = key_from_file(DATA_DIR)
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "kpilib.accounts.admin_apps.KpilibAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "csp",
    "axes",
    "ninja",  # Swagger UI for /api/docs from its own static files, not from a CDN
    "kpilib.accounts",
    "kpilib.audit",
    "kpilib.org",
    "kpilib.library",
    "kpilib.plans",
    "kpilib.appraisal",
    "kpilib.ingest",
    "kpilib.notifications",
    "kpilib.dailyreports",
    "kpilib.training",
    "kpilib.cases",
    "kpilib.feedback",
    "kpilib.validation",
    "kpilib.bi",
    "kpilib.monitor",
    "kpilib.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kpilib.web.errors.NulCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kpilib.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kpilib.web.errors.UserErrorMiddleware",
    # Last, as django-axes asks: turns a lockout into the translated lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kpilib.config.urls"
WSGI_APPLICATION = "kpilib.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kpilib.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'kpilib.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("KPILIB_TEST_DB_NAME") and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # Several test runs may share one PostgreSQL server: each names its own test database
    # (SQLite tests keep their in-memory database).
    DATABASES["default"]["TEST"] = {"NAME": os.environ["KPILIB_TEST_DB_NAME"]}
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"

# Brute force (django-axes): after KPILIB_LOGIN_FAILURE_LIMIT wrong passwords in a row for
# one username, or from one address, that username or address is refused for
# KPILIB_LOCKOUT_MINUTES (each further try during the lockout starts it again). HR lifts a
# lockout early on /accounts/lockouts/ (audited); the lockout itself is audited too.
# Behind a reverse proxy, KPILIB_PROXY_COUNT says how many proxies add X-Forwarded-For.
AXES_FAILURE_LIMIT = int(os.environ.get("KPILIB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KPILIB_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kpilib.web.views.accounts.locked_out"  # translated page, 429
AXES_ENABLE_ADMIN = False  # lockouts are lifted through accounts.services, which audits
AXES_COOLOFF_MESSAGE = _("Too many failed sign-ins. Try again later or ask HR to unlock.")
AXES_PERMALOCK_MESSAGE = AXES_COOLOFF_MESSAGE
if os.environ.get("KPILIB_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["KPILIB_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Hostile files: an upload larger than this is refused before it is read (the readers also
# bound line length, columns and JSON depth: see kpilib/tabular.py).
KPILIB_MAX_UPLOAD_BYTES = int(os.environ.get("KPILIB_MAX_UPLOAD_MB", "50")) * 1024 * 1024
# Evidence attached to a self-assessment: at most this large a file, this many per person.
KPILIB_MAX_EVIDENCE_BYTES = int(os.environ.get("KPILIB_MAX_EVIDENCE_MB", "10")) * 1024 * 1024
KPILIB_MAX_EVIDENCE_FILES = 10
# Django keeps smaller uploads in memory and streams larger ones to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", DEFAULT_TIME_ZONE)
USE_I18N = True
USE_TZ = True
# Off: `{{ x.pk }}` in a link, an id or a hidden field would read "1,234" once ids pass
# 999 (PostgreSQL's sequences get there first). Counts shown to people use `|intcomma`.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, fonts and images come from this
# site only; there is no inline script and no inline event handler (page behaviour lives
# in static/kpilib/pages.js). Inline styles stay allowed: ECharts and Swagger UI write
# style attributes, and HTMX adds its indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0
)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)

# Reminders and notices. Development prints mail to the console; production sends by SMTP.
_MAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP_OPTIONS = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": _env_bool("EMAIL_USE_TLS", False),
}
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _MAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kpilib <kpilib@localhost>")
KPILIB_REMINDER_DAYS = int(os.environ.get("KPILIB_REMINDER_DAYS", "3"))
# Notifications (e-mail, group robots): attempts per delivery, and the first pause between
# attempts in seconds (doubled each time) when a delivery fails for a passing reason.
KPILIB_NOTIFY_ATTEMPTS = int(os.environ.get("KPILIB_NOTIFY_ATTEMPTS", "3"))
KPILIB_NOTIFY_RETRY_SECONDS = float(os.environ.get("KPILIB_NOTIFY_RETRY_SECONDS", "1"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
