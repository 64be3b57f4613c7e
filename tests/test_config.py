"""Settings: environment parsing and the token checks `claimbot run` relies on."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.extraction import DEFAULT_MAX_CLAIMS

SUBMIT_LIMITS = (
    "CLAIMBOT_ADD_BURST",
    "CLAIMBOT_ADD_INTERVAL",
    "CLAIMBOT_SUBMIT_BURST",
    "CLAIMBOT_SUBMIT_INTERVAL",
)
WELL_FORMED_TOKEN = "MTA4NzY1NDMyMTAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    for name in (
        "DISCORD_TOKEN",
        "DATABASE_PATH",
        "CLAIMBOT_GUILD_ID",
        "LOG_LEVEL",
        "CLAIMBOT_MAX_CLAIMS",
        *SUBMIT_LIMITS,
        "CLAIMBOT_SUBMIT_COOLDOWN",
        "CLAIMBOT_HEALTH_PORT",
        "CLAIMBOT_HEALTH_HOST",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.database_path == Path("claimbot.db")
    assert settings.guild_id is None
    assert settings.log_level == "INFO"
    assert settings.max_claims_per_submission == DEFAULT_MAX_CLAIMS == 40


def test_reads_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DISCORD_TOKEN={WELL_FORMED_TOKEN}\nCLAIMBOT_GUILD_ID=123\nLOG_LEVEL=debug\n"
    )
    settings = load_settings()
    assert settings.require_token() == WELL_FORMED_TOKEN
    assert settings.guild_id == 123
    assert settings.log_level == "DEBUG"


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(ConfigError, match=r"^DISCORD_TOKEN is not set"):
        load_settings().require_token()


@pytest.mark.parametrize("token", ["abc", "one.two", "has spaces.in it.oh no no no no no no"])
def test_malformed_token_is_refused_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    with pytest.raises(ConfigError) as caught:
        load_settings().require_token()
    assert "does not look like a bot token" in str(caught.value)
    assert token not in str(caught.value)


def test_bot_prefix_is_tolerated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", f"Bot {WELL_FORMED_TOKEN}")
    assert load_settings().require_token() == WELL_FORMED_TOKEN


def test_token_never_appears_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", WELL_FORMED_TOKEN)
    assert WELL_FORMED_TOKEN not in repr(load_settings())


def test_invalid_number_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_MAX_CLAIMS", "lots")
    with pytest.raises(ConfigError, match=r"^CLAIMBOT_MAX_CLAIMS: "):
        load_settings()


def test_blank_guild_id_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_GUILD_ID", "")
    assert load_settings().guild_id is None


def test_notice_window_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMBOT_NOTICE_WINDOW", raising=False)
    assert load_settings().notice_window_seconds == 60.0
    monkeypatch.setenv("CLAIMBOT_NOTICE_WINDOW", "0")
    assert load_settings().notice_window_seconds == 0.0
    for value in ("-1", "3601"):
        monkeypatch.setenv("CLAIMBOT_NOTICE_WINDOW", value)
        with pytest.raises(ConfigError, match=r"^CLAIMBOT_NOTICE_WINDOW: "):
            load_settings()


def submit_limits() -> tuple[int, float, int, float]:
    settings = load_settings()
    return (
        settings.add_burst,
        settings.add_interval_seconds,
        settings.article_burst,
        settings.article_interval_seconds,
    )


def test_submissions_default_to_a_burst_of_5_adds_and_2_articles() -> None:
    assert submit_limits() == (5, 6.0, 2, 30.0)


def test_submission_limits_are_read_from_their_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in zip(SUBMIT_LIMITS, ("8", "2.5", "3", "0"), strict=True):
        monkeypatch.setenv(name, value)
    assert submit_limits() == (8, 2.5, 3, 0.0)


def test_the_old_cooldown_still_means_one_submission_per_n_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLAIMBOT_SUBMIT_COOLDOWN", "45")
    assert submit_limits() == (1, 45.0, 1, 45.0)
    monkeypatch.setenv("CLAIMBOT_SUBMIT_COOLDOWN", "0")
    assert submit_limits() == (1, 0.0, 1, 0.0)  # no limit, as before
    monkeypatch.setenv("CLAIMBOT_SUBMIT_COOLDOWN", "")
    assert submit_limits() == (5, 6.0, 2, 30.0)


def test_the_new_limits_win_over_the_old_cooldown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_SUBMIT_COOLDOWN", "45")
    monkeypatch.setenv("CLAIMBOT_ADD_BURST", "4")
    assert submit_limits() == (4, 6.0, 2, 30.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLAIMBOT_ADD_BURST", "0"),
        ("CLAIMBOT_ADD_INTERVAL", "-1"),
        ("CLAIMBOT_SUBMIT_BURST", "many"),
        ("CLAIMBOT_SUBMIT_INTERVAL", "3601"),
    ],
)
def test_a_bad_submission_limit_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=rf"^{name}: "):
        load_settings()


def test_health_pages_are_off_and_on_loopback_by_default() -> None:
    settings = load_settings()
    assert (settings.health_port, settings.health_host) == (0, "127.0.0.1")


def test_health_settings_blank_mean_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMBOT_HEALTH_PORT", "")
    monkeypatch.setenv("CLAIMBOT_HEALTH_HOST", "  ")
    settings = load_settings()
    assert (settings.health_port, settings.health_host) == (0, "127.0.0.1")
    monkeypatch.setenv("CLAIMBOT_HEALTH_PORT", " 9108 ")
    monkeypatch.setenv("CLAIMBOT_HEALTH_HOST", "0.0.0.0")
    settings = load_settings()
    assert (settings.health_port, settings.health_host) == (9108, "0.0.0.0")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("65536", "CLAIMBOT_HEALTH_PORT: Input should be less than or equal to 65535"),
        ("-1", "CLAIMBOT_HEALTH_PORT: Input should be greater than or equal to 0"),
        (
            "http",
            "CLAIMBOT_HEALTH_PORT: Input should be a valid integer, "
            "unable to parse string as an integer",
        ),
    ],
)
def test_a_bad_health_port_is_one_line(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("CLAIMBOT_HEALTH_PORT", value)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value) == message
