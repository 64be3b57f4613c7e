"""DATABASE_URL: only a PostgreSQL URL is accepted, and a wrong one is one line that never
repeats the URL (it may hold a password). The backend that uses it is not wired in yet."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from tests.support.cli import claimbot

PASSWORD = "s3cret-pw"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_unset_or_blank_means_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().database_url is None
    monkeypatch.setenv("DATABASE_URL", "  ")
    assert load_settings().database_url is None


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://claimbot:{PASSWORD}@db.internal:5433/claimbot",
        f"postgres://claimbot:{PASSWORD}@localhost/claimbot",
        "postgresql:///claimbot?host=/var/run/postgresql",
    ],
)
def test_a_postgresql_url_is_kept_as_a_secret(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", f" {url}\n")
    settings = load_settings()
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == url
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.model_dump())


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://claimbot:{PASSWORD}@localhost/claimbot",
        f"POSTGRESQL://claimbot:{PASSWORD}@localhost/claimbot",  # libpq reads only lowercase
        f"postgresql+psycopg://claimbot:{PASSWORD}@localhost/claimbot",
        f"host=localhost password={PASSWORD} dbname=claimbot",
        "claimbot.db",
    ],
)
def test_anything_else_is_one_line_without_the_url(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == (
        "DATABASE_URL: Value error, must start with postgresql:// or postgres://, "
        "e.g. postgresql://claimbot:PASSWORD@localhost/claimbot"
    )


def test_the_command_line_exits_2_with_that_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"mysql://claimbot:{PASSWORD}@localhost/claimbot"}
    result = claimbot("extract", "-", cwd=tmp_path, env=env, stdin="Hello.\n")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "claimbot: DATABASE_URL: Value error, must start with postgresql:// or postgres://, "
        "e.g. postgresql://claimbot:PASSWORD@localhost/claimbot"
    ]
