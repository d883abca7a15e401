"""Configuration: defaults, then environment variables, then test overrides."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Each variable: (default, meaning). The README's configuration table mirrors this.
ENVIRONMENT = {
    "SECRET_KEY": (
        None,
        "Signs sessions and links. Unset: a random key kept in instance/secret_key.",
    ),
    "DATABASE_URL": (None, "peewee URL, e.g. postgresql+pool://…. Unset: SQLite in instance/."),
    "REDIS_URL": (None, "Redis/Valkey for jobs and rate limits. Unset: an embedded Valkey."),
    "SMTP_URL": (
        None,
        "smtp://user:pass@host:port, smtps:// or smtp+starttls://. Unset: .eml files.",
    ),
    "MAIL_FROM": ("Learning Community <noreply@localhost>", "Sender of every email."),
    "DEFAULT_LOCALE": (
        "en",
        "Language (en or pl) for people who chose none and whose browser asks for neither.",
    ),
    "BASE_URL": ("http://127.0.0.1:5000", "Public address, used in links inside emails."),
    "SECURE_COOKIES": (
        "0",
        "1 in production (HTTPS): cookies get the Secure flag and responses send HSTS.",
    ),
    "PROXY_FIX": ("0", "1 behind a reverse proxy that sets X-Forwarded-* headers."),
    "DEV_OUTBOX": ("1", "1 shows the mail outbox page (development)."),
    "INVITATION_DAYS": ("7", "Days an invitation link stays valid."),
    "RESET_MINUTES": ("60", "Minutes a password-reset link stays valid."),
    "MAIL_RETRY_DELAYS": (
        "60,300,1800,7200",
        "Seconds to wait before each new try of an email the SMTP server refused for now.",
    ),
    "REPORT_MIN_GROUP": (
        "5",
        "Reports show no numbers for a group with fewer people than this.",
    ),
    "POLL_MIN_VOTERS": (
        "3",
        "An anonymous poll shows its results once at least this many people have answered.",
    ),
    "EXPORT_DAYS": ("7", "Days an export's download link works."),
    "RETENTION_MONTHS": (
        "24",
        "Months raw activity entries are kept; a nightly job deletes older ones.",
    ),
    "INSIGHTS_CACHE_SECONDS": (
        "300",
        "Seconds the HR report and L&D analytics reuse their figures (0: compute every time).",
    ),
    "SESSION_IDLE_MINUTES": ("30", "Minutes without activity after which a session ends."),
    "SESSION_MAX_HOURS": ("12", "Hours after signing in at which a session ends, active or not."),
    "SIGNIN_LIMIT": ("10 per minute", "Sign-in attempts per address and per account."),
    "RESET_LIMIT": ("5 per hour", "Password-reset requests per address and per account."),
    "INVITE_LIMIT": ("30 per hour", "Invitation requests (each a list of people) per inviter."),
    "API_RATE_LIMIT": ("600 per minute", "Requests per API token."),
    "WEBHOOK_PRIVATE_ADDRESSES": (
        "0",
        "1 lets webhooks go to loopback, link-local and private addresses (and plain http).",
    ),
    "WEBHOOK_RETRY_DELAYS": (
        "60,300,1800,7200,21600,43200",
        "Seconds to wait before each new try of a webhook delivery that failed.",
    ),
    "WEBHOOK_DISABLE_AFTER": (
        "5",
        "Deliveries failing in a row, every try spent, after which a subscription is turned off.",
    ),
    "SLACK_API_URL": (
        "https://slack.com/api/",
        "Slack's Web API (tests point it at a local recorder).",
    ),
    "CHAT_RETRY_DELAYS": (
        "30,120,600,1800,7200",
        "Seconds to wait before each new try of a Slack or Teams message that failed.",
    ),
    "OIDC_ISSUER": (
        "",
        "The company's OpenID Connect provider (its issuer URL); set, people may sign in with it.",
    ),
    "OIDC_CLIENT_ID": ("", "This app's client id at the OpenID Connect provider."),
    "OIDC_CLIENT_SECRET": ("", "This app's client secret at the OpenID Connect provider."),
    "OIDC_NAME": ("your company account", "The provider's name on the button: Sign in with …"),
    "SAML_IDP_METADATA": (
        "",
        "The company's SAML 2.0 identity provider: its metadata's URL or file; set, people may "
        "sign in with it.",
    ),
    "SAML_NAME": ("your company account", "The SAML provider's name on its button."),
    "SSO_ONLY": (
        "0",
        "1: no passwords; everyone signs in through the provider but the break-glass admin.",
    ),
    "SSO_BREAK_GLASS": (
        "",
        "With SSO_ONLY, the one address that may still sign in with a password. Unset: admins.",
    ),
}


def _flag(value):
    return str(value).lower() in {"1", "true", "yes", "on"}


def load(overrides=None):
    """Return the configuration: defaults, then the environment, then `overrides`."""
    env = {name: os.environ.get(name, default) for name, (default, _) in ENVIRONMENT.items()}
    config = {
        "SECRET_KEY": env["SECRET_KEY"],
        "DATABASE_URL": env["DATABASE_URL"] or f"sqlite:///{INSTANCE / 'learning.sqlite3'}",
        "REDIS_URL": env["REDIS_URL"],
        "SMTP_URL": env["SMTP_URL"],
        "MAIL_FROM": env["MAIL_FROM"],
        "DEFAULT_LOCALE": env["DEFAULT_LOCALE"],
        "OUTBOX_DIR": str(INSTANCE / "outbox"),
        "BASE_URL": env["BASE_URL"],
        "DEV_OUTBOX": _flag(env["DEV_OUTBOX"]),
        "PROXY_FIX": _flag(env["PROXY_FIX"]),
        "INVITATION_MAX_AGE": int(env["INVITATION_DAYS"]) * 86400,
        "RESET_MAX_AGE": int(env["RESET_MINUTES"]) * 60,
        "MAIL_RETRY_DELAYS": [int(s) for s in env["MAIL_RETRY_DELAYS"].split(",") if s.strip()],
        "REPORT_MIN_GROUP": int(env["REPORT_MIN_GROUP"]),
        "POLL_MIN_VOTERS": int(env["POLL_MIN_VOTERS"]),
        "EXPORT_DAYS": int(env["EXPORT_DAYS"]),
        "RETENTION_MONTHS": int(env["RETENTION_MONTHS"]),
        "INSIGHTS_CACHE_SECONDS": int(env["INSIGHTS_CACHE_SECONDS"]),
        "EXPORTS_DIR": str(INSTANCE / "exports"),
        "SIGNIN_LIMIT": env["SIGNIN_LIMIT"],
        "RESET_LIMIT": env["RESET_LIMIT"],
        "INVITE_LIMIT": env["INVITE_LIMIT"],
        "API_RATE_LIMIT": env["API_RATE_LIMIT"],
        "WEBHOOK_PRIVATE_ADDRESSES": _flag(env["WEBHOOK_PRIVATE_ADDRESSES"]),
        "WEBHOOK_RETRY_DELAYS": [
            int(s) for s in env["WEBHOOK_RETRY_DELAYS"].split(",") if s.strip()
        ],
        "WEBHOOK_DISABLE_AFTER": int(env["WEBHOOK_DISABLE_AFTER"]),
        "SLACK_API_URL": env["SLACK_API_URL"],
        "CHAT_RETRY_DELAYS": [int(s) for s in env["CHAT_RETRY_DELAYS"].split(",") if s.strip()],
        "OIDC_ISSUER": env["OIDC_ISSUER"].rstrip("/"),
        "OIDC_CLIENT_ID": env["OIDC_CLIENT_ID"],
        "OIDC_CLIENT_SECRET": env["OIDC_CLIENT_SECRET"],
        "OIDC_NAME": env["OIDC_NAME"],
        "SAML_IDP_METADATA": env["SAML_IDP_METADATA"],
        "SAML_NAME": env["SAML_NAME"],
        "SSO_ONLY": _flag(env["SSO_ONLY"]),
        "SSO_BREAK_GLASS": env["SSO_BREAK_GLASS"].strip().lower(),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env["SECURE_COOKIES"]),
        "SESSION_IDLE": int(env["SESSION_IDLE_MINUTES"]) * 60,
        "SESSION_MAX_AGE": int(env["SESSION_MAX_HOURS"]) * 3600,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(env["SESSION_MAX_HOURS"])),
        # Sign-in never sets flask-login's remember cookie (sessions have time limits); if one
        # arrives anyway it is at least as well guarded as the session.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag(env["SECURE_COOKIES"]),
        # No request body beyond this is read at all (imports take 5 MB files).
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        # Tokens live as long as the session, so a page left open for hours still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_HEADERS_ENABLED": True,
        # A Redis outage must neither hang sign-in nor lift its limits (SECURITY.md): Redis gets
        # half a second, then each process counts in memory until Redis answers again.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_KEY_PREFIX": "learning",
        "QUEUES": ("notices", "mail", "digests", "exports", "webhooks", "default"),
    }
    config.update(overrides or {})
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret()
    return config


def _instance_secret():
    """A random key created once per instance folder, so restarts keep sessions valid."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
