# SPDX-License-Identifier: AGPL-3.0-or-later
"""One settings module with safe defaults: runs with zero environment variables (SQLite, demo mode).

Every switch is an environment variable named MOTCUA_<X> (see docs/configuration.md). Secrets come only
from the environment; with DEBUG off a missing secret stops the start instead of falling back.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the motcua package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("MOTCUA_DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("MOTCUA_SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("MOTCUA_SECRET_KEY must be set when MOTCUA_DEBUG is off.")
    # Demo/development only: a random key kept in var/ so sessions survive a restart.
    key_file = VAR_DIR / "dev-secret-key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.core",
    "motcua.units",
    "motcua.accounts",
    "motcua.workdays",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.integrations.identity",
    "motcua.integrations.notifications",
    "motcua.integrations.payments",
    "motcua.monitoring",
    "motcua.assistant",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua.conf.urls"
WSGI_APPLICATION = "motcua.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite file in the project folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}",
        conn_max_age=int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL + a busy timeout let the portal and officers write at once without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

LOGIN_URL = "backoffice:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["motcua.conf.formats"]

STATIC_URL = "static/"
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start-up when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security defaults; production (DEBUG off) turns on the HTTPS-only ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx/JS may read it for AJAX posts
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "motcua.core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "motcua.core.api.Pagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "API của hệ thống một cửa điện tử (motcua).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "motcua.core.masking.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO", "propagate": True}},
}

# Domain configuration with defaults from docs/domain (each overridable by environment).
MOTCUA_PROVINCE_CODE = os.environ.get("MOTCUA_PROVINCE_CODE", "66")  # the province this install serves

# ---------------------------------------------------------------- accounts and login (portal)
# Citizen accounts and login (docs/accounts.md): password login by phone, e-mail or username; lockout
# after repeated failures (django-axes); per-address rate limits (django-ratelimit); password reset by
# e-mail; "Đăng nhập bằng VNeID" over OpenID Connect (mozilla-django-oidc), off unless MOTCUA_OIDC_ENABLED.


def _accounts_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


AUTHENTICATION_BACKENDS = [
    "motcua.accounts.auth.LockoutBackend",  # axes.backends.AxesStandaloneBackend: refuses locked-out logins
    "motcua.accounts.auth.LoginBackend",  # phone number, e-mail or username + password
    "motcua.integrations.identity.backends.VNeIDBackend",  # acts only on the OIDC callback, when enabled
]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]  # after AuthenticationMiddleware
LOGIN_REDIRECT_URL = "/ho-so-cua-toi/"
PASSWORD_RESET_TIMEOUT = _accounts_int("MOTCUA_PASSWORD_RESET_HOURS", 24, minimum=1) * 3600

# The client address behind a reverse proxy: the request.META key the proxy sets (e.g. HTTP_X_REAL_IP,
# HTTP_X_FORWARDED_FOR: its right-most entry is used). Empty: REMOTE_ADDR.
MOTCUA_CLIENT_IP_HEADER = os.environ.get("MOTCUA_CLIENT_IP_HEADER", "").strip()

AXES_ENABLED = env_bool("MOTCUA_LOGIN_LOCKOUT_ENABLED", True)
AXES_FAILURE_LIMIT = _accounts_int("MOTCUA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
MOTCUA_LOGIN_LOCKOUT_MINUTES = _accounts_int("MOTCUA_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_COOLOFF_TIME = "motcua.accounts.auth.lockout_cooloff"  # MOTCUA_LOGIN_LOCKOUT_MINUTES as a timedelta
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login: the failures are what lockout needs
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_CALLABLE = "motcua.accounts.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "motcua.accounts.auth.client_ip"
AXES_LOCKOUT_CALLABLE = "motcua.accounts.auth.lockout_response"
AXES_VERBOSE = False  # no banner on every command start

RATELIMIT_ENABLE = env_bool("MOTCUA_RATELIMIT_ENABLED", True)
RATELIMIT_IP_META_KEY = "motcua.accounts.auth.client_ip"
MOTCUA_RATELIMIT_RATES = {  # POSTs per client address: "<count>/<s|m|h|d>"
    "login": os.environ.get("MOTCUA_RATELIMIT_LOGIN", "30/m"),
    "register": os.environ.get("MOTCUA_RATELIMIT_REGISTER", "20/h"),
    "password_reset": os.environ.get("MOTCUA_RATELIMIT_PASSWORD_RESET", "10/h"),
}

# OpenID Connect (VNeID or any OIDC provider). mozilla-django-oidc reads the OIDC_* names below.
MOTCUA_OIDC_ENABLED = env_bool("MOTCUA_OIDC_ENABLED", False)
MOTCUA_OIDC_PROVIDER = os.environ.get("MOTCUA_OIDC_PROVIDER", "vneid")  # key stored with each linked identity
MOTCUA_OIDC_DISCOVERY_URL = os.environ.get("MOTCUA_OIDC_DISCOVERY_URL", "")
MOTCUA_OIDC_ISSUER = os.environ.get("MOTCUA_OIDC_ISSUER", "")  # checked against the ID token's "iss"
MOTCUA_OIDC_CCCD_CLAIM = os.environ.get("MOTCUA_OIDC_CCCD_CLAIM", "cccd")
OIDC_RP_CLIENT_ID = os.environ.get("MOTCUA_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("MOTCUA_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("MOTCUA_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("MOTCUA_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("MOTCUA_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("MOTCUA_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("MOTCUA_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("MOTCUA_OIDC_SCOPES", "openid profile email phone")
OIDC_USE_PKCE = env_bool("MOTCUA_OIDC_USE_PKCE", True)
OIDC_TIMEOUT = _accounts_int("MOTCUA_OIDC_TIMEOUT", 10, minimum=1)
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:callback"
OIDC_STORE_ID_TOKEN = False
_oidc_token_auth = os.environ.get("MOTCUA_OIDC_TOKEN_AUTH", "basic").strip().lower()
if _oidc_token_auth not in {"basic", "post"}:
    raise ImproperlyConfigured(f"MOTCUA_OIDC_TOKEN_AUTH must be basic or post, got {_oidc_token_auth!r}")
OIDC_TOKEN_USE_BASIC_AUTH = _oidc_token_auth == "basic"
if MOTCUA_OIDC_ENABLED:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured("MOTCUA_OIDC_ENABLED needs MOTCUA_OIDC_CLIENT_ID and MOTCUA_OIDC_CLIENT_SECRET.")
    if not MOTCUA_OIDC_DISCOVERY_URL and not all(
        (OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT, OIDC_OP_JWKS_ENDPOINT)
    ):
        raise ImproperlyConfigured(
            "MOTCUA_OIDC_ENABLED needs MOTCUA_OIDC_DISCOVERY_URL or all four of MOTCUA_OIDC_AUTHORIZATION_ENDPOINT, "
            "MOTCUA_OIDC_TOKEN_ENDPOINT, MOTCUA_OIDC_USERINFO_ENDPOINT and MOTCUA_OIDC_JWKS_ENDPOINT."
        )

# ---------------------------------------------------------------- notifications (e-mail, SMS)
# Outbox of e-mail/SMS to applicants (docs/notifications.md). Demo: e-mail and SMS go to the console, masked.


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None


MOTCUA_NOTIFY_ENABLED = env_bool("MOTCUA_NOTIFY_ENABLED", True)
MOTCUA_NOTIFY_SYNC_THREAD = env_bool("MOTCUA_NOTIFY_SYNC_THREAD", True)  # send from a daemon thread pool
MOTCUA_NOTIFY_THREADS = max(_env_int("MOTCUA_NOTIFY_THREADS", 2), 1)
MOTCUA_NOTIFY_SWEEP_SECONDS = _env_int("MOTCUA_NOTIFY_SWEEP_SECONDS", 60)  # retries from the web process; 0 off
try:
    MOTCUA_NOTIFY_RETRY_MINUTES = [int(m) for m in env_list("MOTCUA_NOTIFY_RETRY_MINUTES", ["1", "5", "30"])]
except ValueError:
    raise ImproperlyConfigured("MOTCUA_NOTIFY_RETRY_MINUTES must be minutes separated by commas, e.g. 1,5,30") from None
MOTCUA_NOTIFY_MAX_ATTEMPTS = max(_env_int("MOTCUA_NOTIFY_MAX_ATTEMPTS", 4), 1)
MOTCUA_NOTIFY_MAX_AGE_HOURS = _env_int("MOTCUA_NOTIFY_MAX_AGE_HOURS", 48)  # older events are history; 0 = no limit
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

MOTCUA_EMAIL_ENABLED = env_bool("MOTCUA_EMAIL_ENABLED", False)
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if MOTCUA_EMAIL_ENABLED
                 else "motcua.integrations.notifications.client.MaskedConsoleEmailBackend")
EMAIL_HOST = os.environ.get("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("MOTCUA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MOTCUA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOTCUA_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("MOTCUA_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _env_int("MOTCUA_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_EMAIL_FROM", "Một cửa điện tử <khong-tra-loi@motcua.local>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("MOTCUA_EMAIL_USE_TLS and MOTCUA_EMAIL_USE_SSL cannot both be on.")

MOTCUA_SMS_ENABLED = env_bool("MOTCUA_SMS_ENABLED", False)
MOTCUA_SMS_URL = os.environ.get("MOTCUA_SMS_URL", "")
MOTCUA_SMS_TOKEN = os.environ.get("MOTCUA_SMS_TOKEN", "")
MOTCUA_SMS_SENDER = os.environ.get("MOTCUA_SMS_SENDER", "")  # brand name registered with the gateway
MOTCUA_SMS_TIMEOUT = _env_int("MOTCUA_SMS_TIMEOUT", 10)
if MOTCUA_SMS_ENABLED and not MOTCUA_SMS_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("MOTCUA_SMS_ENABLED needs MOTCUA_SMS_URL (http:// or https://).")

# ---------------------------------------------------------------- online payment (VNPAY)
# Fees paid online through VNPAY (docs/payments.md). Off by default: the pay button is then hidden with an
# explanation. The terminal code and hash secret come only from the environment (VNPAY's merchant portal).
MOTCUA_VNPAY_ENABLED = env_bool("MOTCUA_VNPAY_ENABLED", False)
MOTCUA_VNPAY_TMN_CODE = os.environ.get("MOTCUA_VNPAY_TMN_CODE", "")
MOTCUA_VNPAY_HASH_SECRET = os.environ.get("MOTCUA_VNPAY_HASH_SECRET", "")
MOTCUA_VNPAY_PAY_URL = os.environ.get("MOTCUA_VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")
# Full return URL; empty = MOTCUA_PUBLIC_URL + /thanh-toan/vnpay/tra-ve/.
MOTCUA_VNPAY_RETURN_URL = os.environ.get("MOTCUA_VNPAY_RETURN_URL", "")
MOTCUA_VNPAY_ORDER_TYPE = os.environ.get("MOTCUA_VNPAY_ORDER_TYPE", "other")  # VNPAY's goods category code
try:
    MOTCUA_VNPAY_EXPIRE_MINUTES = int(os.environ.get("MOTCUA_VNPAY_EXPIRE_MINUTES", "") or 15)
except ValueError:
    raise ImproperlyConfigured("MOTCUA_VNPAY_EXPIRE_MINUTES must be a whole number of minutes.") from None
if MOTCUA_VNPAY_ENABLED and not (MOTCUA_VNPAY_TMN_CODE and MOTCUA_VNPAY_HASH_SECRET):
    raise ImproperlyConfigured("MOTCUA_VNPAY_ENABLED needs MOTCUA_VNPAY_TMN_CODE and MOTCUA_VNPAY_HASH_SECRET.")
if MOTCUA_VNPAY_ENABLED and not MOTCUA_VNPAY_PAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("MOTCUA_VNPAY_PAY_URL must be an http(s):// address.")
if MOTCUA_VNPAY_EXPIRE_MINUTES < 1:
    raise ImproperlyConfigured("MOTCUA_VNPAY_EXPIRE_MINUTES must be at least 1.")

# ---------------------------------------------------------------- monitoring (service index, dashboard)
# Service index (docs/monitoring.md): how long a process keeps the index configuration before reading it again
# (a save through the admin clears the saving process's copy at once).
_index_cache = os.environ.get("MOTCUA_INDEX_CONFIG_CACHE_SECONDS", "").strip() or "30"
if not _index_cache.isdigit():
    raise ImproperlyConfigured(f"MOTCUA_INDEX_CONFIG_CACHE_SECONDS must be a whole number of seconds, got {_index_cache!r}")
MOTCUA_INDEX_CONFIG_CACHE_SECONDS = int(_index_cache)

# ---------------------------------------------------------------- online submission and uploads (portal)
def _env_whole(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number ≥ 1, got {value!r}")
    return int(value)


# Per uploaded file and per dossier (all its files); read by documents.validators.
MOTCUA_UPLOAD_MAX_BYTES = _env_whole("MOTCUA_UPLOAD_MAX_MB", 10) * 1024 * 1024
MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = _env_whole("MOTCUA_UPLOAD_MAX_DOSSIER_MB", 50) * 1024 * 1024
# Papers uploaded in the submission wizard but never submitted are purged after this many hours.
MOTCUA_UPLOAD_DRAFT_MAX_AGE_HOURS = _env_whole("MOTCUA_UPLOAD_DRAFT_MAX_AGE_HOURS", 24)

# ---------------------------------------------------------------- tracking, ratings and petitions (portal)
# Public tracking by code + proof is rate-limited (django-ratelimit, docs/tracking.md). Its counters live in
# the "default" cache: per process unless CACHES names a shared cache (Redis/Memcached) in production.
_RATE = r"^\d+/\d*[smhd]$"


def _env_rate(name: str, default: str) -> str:
    import re

    value = os.environ.get(name, "").strip() or default
    if not re.match(_RATE, value):
        raise ImproperlyConfigured(f"{name} must look like 10/m (count/period: s, m, h, d), got {value!r}")
    return value


MOTCUA_TRACK_RATE = _env_rate("MOTCUA_TRACK_RATE", "10/m")                    # lookups per client IP
MOTCUA_TRACK_RATE_PER_CODE = _env_rate("MOTCUA_TRACK_RATE_PER_CODE", "30/h")  # lookups of one code, all IPs
# Behind a reverse proxy: the request.META key holding the client's single address (e.g. HTTP_X_REAL_IP).
if os.environ.get("MOTCUA_RATELIMIT_IP_META_KEY", "").strip():
    RATELIMIT_IP_META_KEY = os.environ["MOTCUA_RATELIMIT_IP_META_KEY"].strip()
_petition_days = os.environ.get("MOTCUA_PETITION_DAYS", "").strip() or "10"
if not _petition_days.isdigit() or int(_petition_days) < 1:
    raise ImproperlyConfigured(f"MOTCUA_PETITION_DAYS must be a whole number of working days ≥ 1, got {_petition_days!r}")
MOTCUA_PETITION_DAYS = int(_petition_days)  # answer deadline of a petition (phản ánh, kiến nghị), working days

# ---------------------------------------------------------------- Virtual assistant (motcua/assistant)
# Trợ lý ảo (docs/assistant.md). Answers come from the catalogue and, for status questions, the asker's own
# dossier; nothing here is needed for the demo.
# Where an unsure answer sends people (text shown as is; no number is invented for you).
MOTCUA_ASSISTANT_HOTLINE = os.environ.get(
    "MOTCUA_ASSISTANT_HOTLINE", "").strip() or "bộ phận một cửa (Trung tâm Phục vụ hành chính công) gần nhất"
# POST /api/v1/assistant/ask per client address (django-ratelimit, "default" cache); a status question
# carrying a phone number also counts against the public tracking limits (MOTCUA_TRACK_RATE*).
MOTCUA_RATELIMIT_RATES["assistant"] = _env_rate("MOTCUA_RATELIMIT_ASSISTANT", "30/m")
# Replacement data files for the intent cues and the how-tos (default: the files in motcua/assistant/data/).
MOTCUA_ASSISTANT_INTENTS_FILE = os.environ.get("MOTCUA_ASSISTANT_INTENTS_FILE", "").strip()
MOTCUA_ASSISTANT_HOWTO_FILE = os.environ.get("MOTCUA_ASSISTANT_HOWTO_FILE", "").strip()
# Optional wording by a language model behind an OpenAI-compatible endpoint ({URL}/chat/completions), off by
# default. It only gets catalogue facts; a wording with a number not in them is discarded. Key: env only.
MOTCUA_ASSISTANT_LLM_ENABLED = env_bool("MOTCUA_ASSISTANT_LLM_ENABLED", False)
MOTCUA_ASSISTANT_LLM_URL = os.environ.get("MOTCUA_ASSISTANT_LLM_URL", "").strip()
MOTCUA_ASSISTANT_LLM_MODEL = os.environ.get("MOTCUA_ASSISTANT_LLM_MODEL", "").strip()  # the endpoint's model name
MOTCUA_ASSISTANT_LLM_API_KEY = os.environ.get("MOTCUA_ASSISTANT_LLM_API_KEY", "")
try:
    MOTCUA_ASSISTANT_LLM_TIMEOUT = float(os.environ.get("MOTCUA_ASSISTANT_LLM_TIMEOUT", "").strip() or 5)
except ValueError:
    raise ImproperlyConfigured("MOTCUA_ASSISTANT_LLM_TIMEOUT must be a number of seconds") from None
