"""Masthead's one settings module. Every knob is an environment variable (12-factor).

The defaults run a whole newsroom on one laptop (SQLite, in-process cache and event bus,
file email); pointing ``DATABASE_URL``, ``REDIS_URL`` and ``EMAIL_URL`` at real services
scales it out. ``docs/configuration.md`` lists every variable.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DATA_DIR = Path(env.str("MASTHEAD_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A key generated once and kept in the data dir, so local runs need no setup."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written whole and private (mkstemp: mode 600) before it gets its name; the link
        # fails if another worker starting at the same moment got there first, and then
        # every worker reads that one key.
        fd, draft = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(64))
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            os.unlink(draft)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="The Harbour Light")
SITE_TAGLINE = env.str("SITE_TAGLINE", default="Independent reporting, free to read")
SITE_LANGUAGE = env.str("SITE_LANGUAGE", default="en")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "ninja",
    "allauth",
    "allauth.account",
    "masthead.core",
    # After masthead.core, whose `db_worker` (recovering lost tasks) overrides this app's.
    "django_tasks_db",
    "masthead.accounts",
    "masthead.newsroom",
    "masthead.live",
    "masthead.comments",
    "masthead.membership",
    "masthead.community",
    "masthead.moderation",
    "masthead.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "masthead.core.middleware.RejectNulBytesMiddleware",  # %00 in a URL: 400, not a database error
]

ROOT_URLCONF = "masthead.urls"
ASGI_APPLICATION = "masthead.asgi.application"

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
                "django.template.context_processors.csp",
                "masthead.core.context_processors.site",
            ],
        },
    }
]

# --- Database: SQLite (WAL) in the data dir unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'masthead.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
elif env.bool("DATABASE_POOL", default=False):
    # psycopg's pool: each process keeps a few warm connections (docs/operations.md); what
    # to run under uvicorn, where Django's persistent connections are per request thread and
    # pile up (CONN_MAX_AGE exhausted max_connections under load: docs/reliability.md).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=2),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        # How long a request waits for a connection: psycopg's 30 s would hold every
        # request (and /readyz) that long while the database is down.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
    }
    # Each connection is checked as it leaves the pool: after a database restart, a dead one
    # is replaced instead of failing a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else this process's memory.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="masthead")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, answering as an empty cache while Redis is down (core/cache.py).
            "BACKEND": "masthead.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # A Redis that hangs must not hang every request with it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "masthead",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Anonymous pages are cached this long at most; any change to an article bumps its version
# sooner (masthead.core.pagecache).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# ASGI servers also keep those pages in each worker's memory this long (masthead.core.edgecache):
# a worker sees its own changes at once, others' within this many seconds. 0: off.
EDGE_CACHE_SECONDS = env.float("EDGE_CACHE_SECONDS", default=1.0)
# Each worker remembers readers' badges this long (masthead.core.badges): a change of role,
# byline or membership shows at once; one that only time makes (a lapse) within this. 0: off.
BADGE_CACHE_SECONDS = env.int("BADGE_CACHE_SECONDS", default=60)
# ...and a checked personal access token (masthead.accounts.tokens): revoking it, or any change
# to its reader or their email addresses, is seen at once. 0: check every call.
TOKEN_CACHE_SECONDS = env.int("TOKEN_CACHE_SECONDS", default=60)

# --- Live events: in this process's memory, or Redis (a stream per article: replay log and
# live channel in one) as soon as REDIS_URL is set, so every process hears every event.
LIVE_EVENT_BUS = env.str(
    "LIVE_EVENT_BUS",
    default="masthead.live.redis_bus.RedisBus" if REDIS_URL else "masthead.live.bus.InProcessBus",
)
LIVE_MAX_CONNECTIONS = env.int("LIVE_MAX_CONNECTIONS", default=5000)  # open streams per process
LIVE_MAX_CONNECTIONS_PER_CLIENT = env.int("LIVE_MAX_CONNECTIONS_PER_CLIENT", default=20)  # per address
LIVE_HEARTBEAT_SECONDS = env.float("LIVE_HEARTBEAT_SECONDS", default=15.0)
LIVE_REPLAY_SECONDS = env.int("LIVE_REPLAY_SECONDS", default=3600)  # what Last-Event-ID can recover
LIVE_STREAM_MAX_SECONDS = env.int("LIVE_STREAM_MAX_SECONDS", default=1800)  # then the client reconnects
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=10)  # pages that cannot hold a stream
LIVE_RETRY_MS = env.int("LIVE_RETRY_MS", default=3000)  # EventSource's wait before reconnecting
LIVE_REDIS_MAX_CONNECTIONS = env.int("LIVE_REDIS_MAX_CONNECTIONS", default=20)  # per process, for streams

# --- Background tasks: Django's tasks API with the database backend; `masthead db_worker`.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A RUNNING task claimed longer ago than this is put back in the queue (its worker is taken
# for dead; a dead worker on the same machine is noticed at once): core/tasks_recovery.py.
TASKS_STALE_AFTER_SECONDS = env.int("TASKS_STALE_AFTER_SECONDS", default=1800)

# --- Email: a file per message under the data dir unless EMAIL_URL names an SMTP server
# (smtp://user:pass@host:587/?tls=True, smtps://…, consolemail://).
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    # django-environ reads only ?email_use_tls=/?email_use_ssl= and keeps any other query
    # item, as text, in OPTIONS: accept ?tls=True / ?ssl=True too, and "False" as false.
    _query = {k.lower(): str(v) for k, v in (_email.get("OPTIONS") or {}).items()}

    def _email_flag(name: str) -> bool:
        values = (_email.get(f"EMAIL_USE_{name.upper()}"), _query.get(name))
        return any(str(v).strip().lower() in {"1", "true", "yes", "on"} for v in values)

    _smtp_options = {
        "host": _email.get("EMAIL_HOST"),
        "port": _email.get("EMAIL_PORT"),
        "username": _email.get("EMAIL_HOST_USER") or None,
        "password": _email.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": _email_flag("tls"),
        "use_ssl": _email_flag("ssl"),
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }
    _backend = _email["EMAIL_BACKEND"]
    MAILERS = {
        "default": {
            "BACKEND": _backend,
            "OPTIONS": _smtp_options if _backend.endswith("smtp.EmailBackend") else {},
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@masthead.localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Accounts.
AUTH_USER_MODEL = "accounts.Reader"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# django-allauth: sign-in by username or email; a reader may sign in before confirming
# their address but cannot take part until they do (accounts.selectors.reader_can_post).
ACCOUNT_ADAPTER = "masthead.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "masthead.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_CHANGE_EMAIL = True  # a new address replaces the old only once confirmed
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the reader when their password or email changed
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners follow links; confirming takes a click
ACCOUNT_SIGNUP_REDIRECT_URL = "account_email_verification_sent"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_USER_DISPLAY = "masthead.accounts.selectors.reader_display_name"
# Never tell anyone whether an address has an account. "strict" keeps sign-up silent too:
# signing up with a taken address behaves like any sign-up, and the address's owner gets
# a "you already have an account" mail instead of a confirmation link.
ACCOUNT_PREVENT_ENUMERATION = "strict"
# Throttling (allauth, counted in the cache, so shared across processes with Redis).
# login_failed: per client address and per account ("key" = the username or email typed).
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
    "delete_account": env.str("RATE_LIMIT_DELETE_ACCOUNT", default="5/15m/user"),
}
# Client addresses: believe X-Forwarded-For only from this many proxies of our own (0 =
# nobody: use the connection's address), or a header such a proxy sets (X-Real-IP,
# CF-Connecting-IP). Getting this wrong lets clients choose their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None

# --- Static and media files: WhiteNoise serves static; media from the data dir.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise looks for it at start, before any collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MANIFEST_STRICT = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Security. With DEBUG=0 everything `check --deploy` asks for is on; each switch can be
# turned off on its own for a plain-HTTP run on 127.0.0.1.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Reader revenue: donations and Premium membership (docs/configuration.md, docs/operations.md).
# Stripe when STRIPE_SECRET_KEY is set; otherwise the demo provider, a local test-mode checkout
# that takes no money and drives the same webhook-processing code.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com").rstrip("/")
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="stripe" if STRIPE_SECRET_KEY else "demo")
# Price ids of the Premium plans; empty = use the ones `masthead sync_prices` created and stored.
STRIPE_PRICE_PREMIUM_MONTHLY = env.str("STRIPE_PRICE_PREMIUM_MONTHLY", default="")
STRIPE_PRICE_PREMIUM_YEARLY = env.str("STRIPE_PRICE_PREMIUM_YEARLY", default="")
SUPPORT_CURRENCY = env.str("SUPPORT_CURRENCY", default="GBP").upper()
SUPPORT_CURRENCIES = [c.upper() for c in env.list("SUPPORT_CURRENCIES", default=[SUPPORT_CURRENCY])]
# Amounts in minor units (pence, cents) of the currency given.
DONATION_MIN_MINOR = env.int("DONATION_MIN_MINOR", default=200)
DONATION_MAX_MINOR = env.int("DONATION_MAX_MINOR", default=100_000)
DONATION_SUGGESTED_MINOR = env.list("DONATION_SUGGESTED_MINOR", cast=int, default=[500, 1000, 2500, 5000])
PREMIUM_MONTHLY_MINOR = env.int("PREMIUM_MONTHLY_MINOR", default=500)
PREMIUM_YEARLY_MINOR = env.int("PREMIUM_YEARLY_MINOR", default=5000)
# A member whose renewal failed keeps Premium this many days while they fix their card.
PREMIUM_GRACE_DAYS = env.int("PREMIUM_GRACE_DAYS", default=7)

# --- API.
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Comments (docs/configuration.md, "Comments"). Rates are "count/period": 5/m, 100/h, 10/5m.
COMMENT_RATE_LIMIT = env.str("MASTHEAD_COMMENT_RATE_LIMIT", default="5/m")
COMMENT_REACTION_RATE_LIMIT = env.str("MASTHEAD_COMMENT_REACTION_RATE_LIMIT", default="120/m")
COMMENT_REPORT_RATE_LIMIT = env.str("MASTHEAD_COMMENT_REPORT_RATE_LIMIT", default="20/h")
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=3000)
COMMENT_EDIT_WINDOW_SECONDS = env.int("COMMENT_EDIT_WINDOW_SECONDS", default=300)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=14)  # 0: never close by age
COMMENT_REACTION_LABEL = env.str("COMMENT_REACTION_LABEL", default="Respect")
# The moderation pipeline every new or edited comment is assessed by (comments/moderation.py):
# the moderation app's rules and scorer (docs/moderation.md). PassThrough publishes everything.
COMMENT_MODERATION_PIPELINE = env.str(
    "COMMENT_MODERATION_PIPELINE", default="masthead.moderation.pipeline.CommentsPipeline"
)

# --- Community: follows, ignores, notifications (docs/configuration.md, "Community").
# Each kind's channel for readers who never chose one (off, in_app, email_now, email_daily),
# e.g. "reaction=off,followed_reader_commented=email_daily"; kinds left out keep the built-in
# default (community/kinds.py).
COMMUNITY_NOTIFICATION_DEFAULTS = env.dict("COMMUNITY_NOTIFICATION_DEFAULTS", default={})
COMMUNITY_FANOUT_BATCH_SIZE = env.int("COMMUNITY_FANOUT_BATCH_SIZE", default=1000)  # followers per task
COMMUNITY_MAX_MENTIONS = env.int("COMMUNITY_MAX_MENTIONS", default=10)  # @names notified per comment
COMMUNITY_REACTION_BATCH_SECONDS = env.int("COMMUNITY_REACTION_BATCH_SECONDS", default=60)
COMMUNITY_REACTION_VERB = env.str("COMMUNITY_REACTION_VERB", default="respected")  # "12 readers respected…"
COMMUNITY_FOLLOW_RATE_LIMIT = env.str("COMMUNITY_FOLLOW_RATE_LIMIT", default="60/h")
COMMUNITY_UNREAD_POLL_SECONDS = env.int("COMMUNITY_UNREAD_POLL_SECONDS", default=30)  # the bell's poll
COMMUNITY_UNREAD_CACHE_SECONDS = env.int("COMMUNITY_UNREAD_CACHE_SECONDS", default=60)

# --- Moderation (docs/moderation.md; docs/configuration.md, "Moderation"). Word lists,
# thresholds and modes are moderators' settings, kept in the database; these pick the parts.
# Toxicity scorer: local (alt-profanity-check, in-process, no network), perspective, none,
# or the dotted path of a class of your own (masthead.moderation.scorers).
MODERATION_SCORER = env.str("MODERATION_SCORER", default="local")
# The rules every comment goes through, in order (masthead.moderation.rules.RULES).
MODERATION_RULES = env.list(
    "MODERATION_RULES",
    default=[
        "banned_words",
        "suspect_words",
        "links",
        "new_readers",
        "repeats",
        "rejection_rate",
        "toxicity",
    ],
)
# Where the pipeline learns a reader's past: the dotted path of a function
# (author, *, since, exclude_comment_id) -> ReaderHistory; empty: only what the draft carries.
MODERATION_READER_HISTORY = env.str(
    "MODERATION_READER_HISTORY", default="masthead.comments.selectors.reader_moderation_history"
)
PERSPECTIVE_API_KEY = env.str("PERSPECTIVE_API_KEY", default="")
PERSPECTIVE_URL = env.str(
    "PERSPECTIVE_URL", default="https://commentanalyzer.googleapis.com/v1alpha1/comments:analyze"
)
PERSPECTIVE_TIMEOUT = env.float("PERSPECTIVE_TIMEOUT", default=2.0)  # seconds per network operation
PERSPECTIVE_BACKOFF_SECONDS = env.float("PERSPECTIVE_BACKOFF_SECONDS", default=30.0)  # after a failure
PERSPECTIVE_LANGUAGES = env.list("PERSPECTIVE_LANGUAGES", default=["en"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
