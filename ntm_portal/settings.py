"""Settings for NTM Portal: one module, driven by environment variables.

With no environment at all the portal runs embedded: SQLite and a file-system Celery broker under
``var/``, so ``make run`` needs no server. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY
(or SECRET_KEY_FILE), ALLOWED_HOSTS, SITE_URL and EMAIL_URL.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY, SECRET_KEY_FILE, or a random key kept in var/ for embedded use."""
    if "SECRET_KEY" in env.ENVIRON:
        return env.str("SECRET_KEY")
    if "SECRET_KEY_FILE" in env.ENVIRON:
        return Path(env.str("SECRET_KEY_FILE")).read_text(encoding="utf-8").strip()
    # Embedded mode: a key generated once per checkout, never a constant shipped in the code.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
USE_HTTPS = SITE_URL.startswith("https://")
# Health checks come from inside the container or host, hence the loopback names.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = [SITE_URL]

# Demo users with a published password may only ever exist on an embedded, local installation.
ALLOW_DEMO_DATA = env.bool("ALLOW_DEMO_DATA", default="DATABASE_URL" not in env.ENVIRON)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ntm_portal.axes_config.AxesConfig",  # django-axes, named in Vietnamese in the admin
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ntm_portal",
    "communes",
    "criteria",
    "sponsorships",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "ntm_portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON compressed for a weak link (Django's GZipMiddleware, text only; issue 27);
    # after WhiteNoise, which sends its own precompressed static files. BREACH: the CSRF token is
    # masked anew for every response, and Django pads the gzip header with random bytes (README,
    # "Field work on a phone").
    "ntm_portal.middleware.CompressTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ntm_portal.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ntm_portal.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "ntm_portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm_portal.urls"
WSGI_APPLICATION = "ntm_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ntm_portal.context_processors.navigation",
                "communes.context_processors.account_notice",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ntm_portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: WAL lets readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured(
        "DATABASE_URL phải là postgres://… (hoặc để trống để dùng SQLite nhúng)."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ntm",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # A message taken but not acknowledged (acks_late, below) goes back to the queue this long
    # after its worker vanished without a word (kill -9, a lost host). It must outlast the longest
    # task plus its retry countdown (600 s time limit + 600 s backoff at most), or a running task
    # is handed to a second worker; beat's sweeps (every minute) resend lost work long before.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 30 * 60}
else:
    # Shared by the web server, the worker and beat, which are separate processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://localhost/"
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # The file-system transport takes one message per poll; poll often enough for a backlog.
        "polling_interval": 0.1,
    }

# Every task is safe to run twice (each re-reads its rows and skips what is done; the emails are
# guarded by a mark on their row or in the cache), so a task whose worker dies is run again rather
# than lost: acknowledged when it ends, put back when its worker is killed. A render or a roster
# check that kills its worker each time is stopped by its attempts count (ntm_portal/waiting.py).
# One message at a time per process: a dying worker takes no other's work down with it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues must not hang when Redis is down: give up quickly, and let beat's
# sweeps pick the work up again (see ntm_portal/notifications.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "ntm_portal.tasks.heartbeat", "schedule": timedelta(minutes=1)},
    # Roster checks and document renders that could not be queued (broker down) or lost their
    # worker are sent again or failed, and the admins told (ntm_portal/waiting.py).
    "validate-pending-rosters": {
        "task": "ntm_portal.tasks.validate_pending_rosters",
        "schedule": timedelta(minutes=1),
    },
    "render-pending-documents": {
        "task": "reports.tasks.render_pending_documents",
        "schedule": timedelta(minutes=1),
    },
    "plan-inspections": {
        "task": "sponsorships.tasks.plan_inspections",
        "schedule": crontab(hour=6, minute=0),
    },
    "plan-period-documents": {
        "task": "reports.tasks.plan_period_documents",
        "schedule": crontab(hour=6, minute=30),
    },
    "process-pending-boundaries": {
        "task": "reports.tasks.process_pending_boundaries",
        "schedule": timedelta(minutes=10),
    },
    "send-pending-emails": {
        "task": "ntm_portal.tasks.send_pending_emails",
        "schedule": timedelta(minutes=5),
    },
    # Invitations of roster-made accounts that could not be queued at the import's confirmation.
    "send-pending-invitations": {
        "task": "ntm_portal.tasks.send_pending_invitations",
        "schedule": timedelta(minutes=10),
    },
    # Dashboards (issue 7): the summary tables, for changes made outside the services.
    "refresh-standings": {
        "task": "criteria.tasks.refresh_standings",
        "schedule": crontab(minute=15),
    },
}

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "ntm_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ntm_portal.backends.PortalBackend",
    # Sessions opened before PortalBackend name this one: they stay signed in. (A wrong password
    # is therefore checked twice, which only slows guessing.)
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: revokes the user's API tokens whenever a password changes (any path).
    {"NAME": "ntm_portal.api_tokens.PasswordChangeRevokesTokens"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day, in seconds

# How many reverse proxies in front of gunicorn append to X-Forwarded-For (the documented nginx:
# 1). With 0 the header is ignored: a client could write anything in it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Brute-force defences (ntm_portal/lockout.py). Locks fall on addresses only — (counted on,
# failures, window and lock time) — so that no one can lock an account out from elsewhere.
LOGIN_LOCKOUT_RULES = [
    # One user name from one address: an official mistyping, or one address guessing one account.
    (("username", "ip_address"), env.int("AXES_FAILURE_LIMIT", default=5), timedelta(minutes=15)),
    # One address, whatever the user names.
    (("ip_address",), env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20), timedelta(minutes=15)),
]
# An account is slowed down instead: after this many failures in the window (from anywhere),
# each attempt waits 2, 4, 8 … seconds after the last failure, at most the maximum.
LOGIN_DELAY_AFTER_FAILURES = 5
LOGIN_DELAY_MAX_SECONDS = 300
LOGIN_DELAY_WINDOW = timedelta(hours=1)
# The admins are told when an account reaches this many failures in the window.
LOGIN_ALERT_ACCOUNT_FAILURES = 10
AXES_HANDLER = "ntm_portal.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "ntm_portal.security.client_address"
AXES_LOCKOUT_PARAMETERS = [list(LOGIN_LOCKOUT_RULES[0][0])]
AXES_FAILURE_LIMIT = LOGIN_LOCKOUT_RULES[0][1]
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_RULES[0][2]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# A refused attempt (locked address, account still waiting) is neither checked nor counted: else
# it would extend the lock, and the account's wait, for as long as a guesser keeps asking.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Password-reset requests per client address in 15 minutes, and emails per address an hour.
PASSWORD_RESET_REQUESTS_PER_ADDRESS = 5
PASSWORD_RESET_EMAILS_PER_HOUR = 3

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ntm_portal.formats"]

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "ntm_portal.staticfiles.PortalAppDirectoriesFinder",  # without what the portal never serves
]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads and generated documents go through Django's storage API only (saved and opened by
# their FileField, served by views that check access first), so they can live in S3-compatible
# object storage instead of a local volume: then web and worker can run on several hosts.
# MEDIA_STORAGE=s3 with MEDIA_S3_BUCKET (and, for MinIO, Ceph or a provider other than AWS,
# MEDIA_S3_ENDPOINT_URL); keys from MEDIA_S3_ACCESS_KEY_ID / MEDIA_S3_SECRET_ACCESS_KEY or the
# host's own AWS credentials. Objects stay private: nothing is ever linked to directly.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    if not env.str("MEDIA_S3_BUCKET", default=""):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 cần MEDIA_S3_BUCKET (tên bucket lưu tệp).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            key: value
            for key, value in {
                "bucket_name": env.str("MEDIA_S3_BUCKET"),
                "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default=""),
                "region_name": env.str("MEDIA_S3_REGION", default=""),
                "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default=""),
                "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default=""),
                "location": env.str("MEDIA_S3_PREFIX", default="media"),
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            }.items()
            if value != ""
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured("MEDIA_STORAGE phải là local (mặc định) hoặc s3.")
# Source maps (Swagger UI's, for the API docs) are read by a developer's tools, rarely: compressing
# them twice (gzip, brotli) was most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Cached dashboard figures (keyed by the standings' version, so never stale; the time only bounds
# memory) and each user's unread-notification count (dropped on every change). 0 turns one off.
DASHBOARD_CACHE_SECONDS = 2 * 60 * 60
UNREAD_COUNT_CACHE_SECONDS = 10 * 60
# A province office's family of provinces across 01/07/2025 (communes.access.province_family),
# dropped whenever the lineage is written; the time only bounds memory. 0: a subquery each time.
PROVINCE_FAMILY_CACHE_SECONDS = 60 * 60

# --- Email ---------------------------------------------------------------------------------------
if "EMAIL_URL" in env.ENVIRON:
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Without a mail server (a development machine, the demo): each message is a file under
    # var/mail/, not a page of text in the console.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NTM Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent with every response (ntm_portal.middleware.ContentSecurityPolicyMiddleware). No inline
# script or style anywhere: the portal's scripts are static/js/portal.js; the API docs load
# Swagger UI's files and its init script from URLs. data: images are Swagger UI's icons (in its
# CSS). Only print templates (WeasyPrint, never a browser) use style attributes.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if USE_HTTPS:
    # TLS ends at the reverse proxy in front of gunicorn, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line with its time and offset, in the portal's time zone (Django sets the process's
    # TZ to TIME_ZONE; `make run` starts honcho in it too, so all its lines share one clock).
    "formatters": {
        "local": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "local"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# --- Portal -------------------------------------------------------------------------------------
# Inspections: remind the agency this many days before the due date (and again when overdue).
INSPECTION_REMINDER_DAYS = env.int("INSPECTION_REMINDER_DAYS", default=7)
# Where vendored administrative-division editions live (see communes/divisions.py).
DIVISIONS_FIXTURE_DIR = BASE_DIR / "fixtures" / "divisions"

# --- Digital signatures of issued documents (reports/signing.py, docs/documents-signing.md) -----
# The key the issuers' PKCS#12 files and passwords are encrypted with; without it, one derived
# from SECRET_KEY (set it apart in production, so that a leaked SECRET_KEY opens no key).
SIGNING_KEY_SECRET = env.str("SIGNING_KEY_SECRET", default="")
# PEM file of the root certificates a signature must chain to (the Government CA's).
SIGNING_TRUST_ROOTS = env.str("SIGNING_TRUST_ROOTS", default="")
# RFC 3161 timestamp server, optional.
SIGNING_TIMESTAMP_URL = env.str("SIGNING_TIMESTAMP_URL", default="")
# Ask the certificates' CRL/OCSP servers when validating (needs the network).
SIGNING_CHECK_REVOCATION = env.bool("SIGNING_CHECK_REVOCATION", default=False)
# A PKCS#11 token or HSM instead of uploaded PKCS#12 files: its library, token, PIN and the
# label of each issuer's key are the issuer's series ("agency:12") unless one label is set.
SIGNING_PKCS11_MODULE = env.str("SIGNING_PKCS11_MODULE", default="")
SIGNING_PKCS11_TOKEN = env.str("SIGNING_PKCS11_TOKEN", default="")
SIGNING_PKCS11_PIN = env.str("SIGNING_PKCS11_PIN", default="")
SIGNING_PKCS11_KEY_LABEL = env.str("SIGNING_PKCS11_KEY_LABEL", default="")
# Uploads of PDFs to the public verification page, per client address and hour.
VERIFICATION_UPLOADS_PER_HOUR = env.int("VERIFICATION_UPLOADS_PER_HOUR", default=30)
VERIFICATION_VIEWS_PER_MINUTE = env.int("VERIFICATION_VIEWS_PER_MINUTE", default=60)

# --- JSON API (/api/v1/, reports/api/) -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ntm_portal.api_tokens.TokenAuthentication",
        # The browsable docs, for a signed-in user trying a request (CSRF enforced by DRF).
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["ntm_portal.api_tokens.PortalRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bounded in depth and number length (a 400, not a RecursionError's 500).
    "DEFAULT_PARSER_CLASSES": [
        "ntm_portal.jsonsafe.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "reports.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NTM Portal API",
    "DESCRIPTION": (
        "Dữ liệu chương trình xây dựng nông thôn mới, trong phạm vi của người giữ khóa "
        "(Authorization: Bearer <khóa>). Read-only except a commune's indicator values."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CriteriaSetLevelEnum": "criteria.models.CriteriaSet.Level",
        "RecognitionLevelEnum": "criteria.models.Recognition.Level",
    },
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every refusal an operation can answer, and the bounds of the ids in addresses.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reports.api.schema.describe_refusals_and_bounds",
    ],
}
# Requests per token (or signed-in user) and minute; writes have their own, lower limit.
API_READS_PER_MINUTE = env.int("API_READS_PER_MINUTE", default=600)
API_WRITES_PER_MINUTE = env.int("API_WRITES_PER_MINUTE", default=60)
# Longest life a user may give a token, in days.
API_TOKEN_MAX_DAYS = 365
