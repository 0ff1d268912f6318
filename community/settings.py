"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
        if not self.allowed_hosts:
            raise ConfigurationError("ALLOWED_HOSTS must name at least one host")
