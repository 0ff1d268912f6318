"""Settings come from the environment; unsafe production settings are refused."""

from __future__ import annotations

import pytest

from community.settings import ConfigurationError, Settings, normalise_database_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///./x.db", "sqlite+aiosqlite:///./x.db"),
        ("sqlite+aiosqlite:///./x.db", "sqlite+aiosqlite:///./x.db"),
    ],
)
def test_database_urls_are_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_defaults_are_the_embedded_setup():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///./ruche.db"
    assert settings.redis_url is None
    assert settings.env == "dev"
    assert settings.port == 8000


def test_environment_is_read():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://db/ruche",
            "REDIS_URL": "redis://r:6379/0",
            "PORT": "9000",
            "ALLOWED_HOSTS": "ruche.example.fr, www.ruche.example.fr",
        }
    )
    assert settings.database_url == "postgresql+asyncpg://db/ruche"
    assert settings.redis_url == "redis://r:6379/0"
    assert settings.port == 9000
    assert settings.allowed_hosts == ("ruche.example.fr", "www.ruche.example.fr")


@pytest.mark.parametrize("secret", [None, "", "changeme", "secret", "short-but-random"])
def test_production_refuses_a_missing_or_placeholder_secret(secret):
    env = {"RUCHE_ENV": "production"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings.from_env(env)


def test_production_accepts_a_real_secret_and_refuses_fast_hashing():
    secret = "k" * 48
    assert Settings.from_env({"RUCHE_ENV": "production", "SECRET_KEY": secret}).production
    with pytest.raises(ConfigurationError, match="RUCHE_HASHING"):
        Settings.from_env(
            {"RUCHE_ENV": "production", "SECRET_KEY": secret, "RUCHE_HASHING": "fast"}
        )


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigurationError):
        Settings.from_env({"RUCHE_ENV": "staging"})
