"""One settings object, from environment variables and .streamlit/secrets.toml."""

import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.i18n import translate
from db.engine import PROJECT_ROOT, database_url, safe_url

SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEMO_KEY_PATH = PROJECT_ROOT / "data" / "demo-cookie-key"
MIN_COOKIE_KEY_LENGTH = 32

# Keys published somewhere (library defaults, our own example file): signing with one of
# them lets anybody forge a login cookie.
MIN_COOKIE_KEY_CHARACTERS = 10  # different characters; a generated key has about 30
KNOWN_PUBLIC_KEYS = frozenset(
    {"some_key", "random_signature_key", "abcdef", "replace-me-with-a-long-random-secret"}
)


class ConfigError(Exception):
    """The app can't start safely; the message key says why and how to fix it."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send (AFRONDING_SMTP_* env vars, or [smtp] in secrets.toml)."""

    host: str
    port: int
    sender: str
    starttls: bool = True
    user: str | None = None
    password: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str
    demo_mode: bool
    cookie_key: str | None
    public_url: str | None = None  # where clients reach the app, when it sits behind a proxy
    # Behind a reverse proxy every visitor comes from the proxy: the client's own address is
    # the last one the proxy added to X-Forwarded-For (only trusted when this is set).
    behind_proxy: bool = False
    cookie_name: str = "afronding_login"
    cookie_expiry_days: float = 14.0
    smtp: SmtpSettings | None = None  # None: no mail server, the coach's own mail program


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "ja", "on"}


def _read_secrets(path: Path) -> Mapping[str, object]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _smtp(environ: Mapping[str, str], table: object) -> SmtpSettings | None:
    """The configured SMTP server, or None when there is none (then: mailto or copy)."""
    secrets = table if isinstance(table, dict) else {}

    def value(name: str) -> str | None:
        found = environ.get(f"AFRONDING_SMTP_{name.upper()}") or secrets.get(name)
        return str(found) if found not in (None, "") else None

    host, sender = value("host"), value("from")
    if not host or not sender:
        return None
    return SmtpSettings(
        host=host,
        port=int(value("port") or 587),
        sender=sender,
        starttls=_truthy(value("starttls") or "true"),
        user=value("user"),
        password=value("password"),
    )


def load_settings(
    environ: Mapping[str, str] = os.environ, secrets_path: Path | None = None
) -> Settings:
    """Settings from env vars (AFRONDING_*, DATABASE_URL) and .streamlit/secrets.toml."""
    demo = _truthy(environ.get("AFRONDING_DEMO"))
    secrets_file = _read_secrets(secrets_path or SECRETS_PATH)
    key = environ.get("AFRONDING_COOKIE_KEY") or secrets_file.get("cookie_key")
    return Settings(
        database_url=database_url(demo=demo, environ=environ),
        demo_mode=demo,
        cookie_key=str(key) if key else None,
        public_url=environ.get("AFRONDING_PUBLIC_URL") or None,
        behind_proxy=_truthy(environ.get("AFRONDING_BEHIND_PROXY")),
        smtp=_smtp(environ, secrets_file.get("smtp")),
    )


def cookie_key(settings: Settings, demo_key_path: Path = DEMO_KEY_PATH) -> str:
    """The key that signs login cookies; raises ConfigError when it is missing or unsafe."""
    key = settings.cookie_key
    if key is None and settings.demo_mode:
        # A demo still gets a private key: one made on this machine, kept across restarts.
        if not demo_key_path.exists():
            demo_key_path.parent.mkdir(parents=True, exist_ok=True)
            demo_key_path.write_text(secrets.token_urlsafe(32))
            demo_key_path.chmod(0o600)
        return demo_key_path.read_text().strip()
    if key is None:
        raise ConfigError("config.cookie_key_missing")
    if key.strip() in KNOWN_PUBLIC_KEYS:
        raise ConfigError("config.cookie_key_public")
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        raise ConfigError("config.cookie_key_short")
    # A key of one repeated character or with spaces is long, but easy to guess or mistyped.
    if len(set(key)) < MIN_COOKIE_KEY_CHARACTERS or any(c.isspace() for c in key):
        raise ConfigError("config.cookie_key_weak")
    return key


def describe_config_error(
    error: ConfigError, settings: Settings, language: str, *, for_visitors: bool = False
) -> str:
    """The error's message in `language`, with the database shown without its password; to
    a visitor of the web page only as its kind (no user, host or name to anyone who asks)."""
    url = safe_url(settings.database_url)
    if for_visitors:
        url = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
            url.split(":", 1)[0].split("+", 1)[0], "?"
        )
    return translate(error.message_key, language, url=url)
