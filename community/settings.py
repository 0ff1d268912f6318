"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./ruche.db"
DEV_SECRET = "dev-only-insecure-secret-key"  # noqa: S105 - refused outside dev
_PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "xxx", DEV_SECRET}
ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The environment describes a configuration Ruche refuses to run with."""


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and pick the async drivers."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


@dataclass(frozen=True)
class Smtp:
    """Where mail goes: `smtp://user:pass@host:587?starttls=1` (STARTTLS when asked), or
    `smtps://user:pass@host` (TLS from the start)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    use_tls: bool = False
    start_tls: bool = False


def parse_smtp_url(url: str) -> Smtp:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError("SMTP_URL must look like smtp://user:pass@host:587?starttls=1")
    query = parse_qs(parts.query)
    start_tls = query.get("starttls", ["0"])[0] in ("1", "true", "yes")
    use_tls = parts.scheme == "smtps"
    try:
        port = parts.port or (465 if use_tls else 587 if start_tls else 25)
    except ValueError:
        raise ConfigurationError("SMTP_URL has an invalid port") from None
    return Smtp(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=use_tls,
        start_tls=start_tls and not use_tls,
    )


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str = DEV_SECRET
    env: str = "dev"
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Argon2 parameters: "default" is RFC 9106's low-memory profile; "fast" exists for
    # the test suite only and is refused in production.
    hashing_profile: str = "default"
    # Fault injection for the test suite only: live events are committed but not published
    # right away, as if the process died in between; the dispatcher must deliver them.
    fault_skip_publish: bool = False
    # How much of each channel's history a reconnecting page can catch up on.
    live_keep_events: int = 1000
    live_keep_days: int = 7
    max_body_bytes: int = 256 * 1024
    session_days: int = 30
    join_code_days: int = 120
    # Seconds between two runs of the retention job (community/retention.py).
    retention_every: int = 3600
    # Whom learners write to about their data: an e-mail address of the provider, shown on
    # the privacy page.
    privacy_contact: str = ""
    # Seconds between two looks for archives of personal data to prepare; 0: this process
    # prepares none (another one does).
    export_every: float = 3.0
    # Seconds between two rounds of the mail sender when nothing wakes it; 0: this process
    # sends none (another one does).
    mail_every: float = 30.0
    # Without a mail server, mails stay in the outbox (readable at /admin/outbox).
    smtp: Smtp | None = None
    mail_from: str = "Ruche <ruche@localhost>"
    # Where the site is reached from outside: the links of mails sent by background jobs.
    public_url: str = "http://localhost:8000"
    # Seconds between two looks for e-mail digests due (community/digests.py); 0: none here.
    digest_every: float = 300.0
    # Where uploaded pictures are kept (created when the first one is written).
    media_dir: Path = Path("media")

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=normalise_database_url(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY", DEV_SECRET),
            env=env.get("RUCHE_ENV", "dev"),
            port=int(env.get("PORT", "8000")),
            allowed_hosts=tuple(
                h.strip()
                for h in env.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                if h.strip()
            ),
            hashing_profile=env.get("RUCHE_HASHING", "default"),
            fault_skip_publish=env.get("RUCHE_FAULT_SKIP_PUBLISH") == "1",
            live_keep_events=int(env.get("RUCHE_LIVE_KEEP_EVENTS", "1000")),
            live_keep_days=int(env.get("RUCHE_LIVE_KEEP_DAYS", "7")),
            retention_every=int(env.get("RUCHE_RETENTION_EVERY", "3600")),
            privacy_contact=env.get("RUCHE_PRIVACY_CONTACT", "").strip(),
            export_every=float(env.get("RUCHE_EXPORT_EVERY", "3")),
            mail_every=float(env.get("RUCHE_MAIL_EVERY", "30")),
            smtp=parse_smtp_url(env["SMTP_URL"]) if env.get("SMTP_URL") else None,
            mail_from=env.get("MAIL_FROM") or cls.mail_from,
            public_url=(env.get("PUBLIC_URL") or cls.public_url).rstrip("/"),
            digest_every=float(env.get("RUCHE_DIGEST_EVERY", "300")),
            media_dir=Path(env.get("RUCHE_MEDIA_DIR") or cls.media_dir),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.env not in ("dev", "production"):
            raise ConfigurationError(f"RUCHE_ENV must be 'dev' or 'production', not {self.env!r}")
        if self.production:
            if self.secret_key.strip().lower() in _PLACEHOLDER_SECRETS or len(self.secret_key) < 32:
                raise ConfigurationError(
                    "SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            if self.hashing_profile != "default":
                raise ConfigurationError("RUCHE_HASHING may only be changed in dev")
            if self.fault_skip_publish:
                raise ConfigurationError("RUCHE_FAULT_SKIP_PUBLISH is for tests only")
        if self.hashing_profile not in ("default", "fast"):
            raise ConfigurationError("RUCHE_HASHING must be 'default' or 'fast'")
        if self.retention_every <= 0:
            raise ConfigurationError("RUCHE_RETENTION_EVERY must be a number of seconds above 0")
        if self.privacy_contact and "@" not in self.privacy_contact:
            raise ConfigurationError("RUCHE_PRIVACY_CONTACT must be an e-mail address")
        if not self.allowed_hosts:
            raise ConfigurationError("ALLOWED_HOSTS must name at least one host")
