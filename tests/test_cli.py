"""The `claimbot` command as a user runs it: exit codes and the one line they read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def claimbot(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CLAIMBOT_"))}
    clean.pop("DATABASE_PATH", None)
    clean["PYTHONPATH"] = str(REPO)
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_without_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = claimbot("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "claimbot: DISCORD_TOKEN is not set: put your bot token in the environment or in .env "
        "(see .env.example)."
    ]


def test_run_with_malformed_token_exits_2_without_echoing_it(tmp_path: Path) -> None:
    result = claimbot("run", cwd=tmp_path, env={"DISCORD_TOKEN": "not-a-token-secret"})
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "not-a-token-secret" not in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_creates_then_reports_nothing_to_do(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "data" / "bot.db")}
    first = claimbot("migrate", cwd=tmp_path, env=env)
    second = claimbot("migrate", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied migrations 1")
    assert (tmp_path / "data" / "bot.db").is_file()
    assert second.returncode == 0
    assert second.stdout.startswith("Nothing to do; schema is at version ")


def test_bad_setting_is_reported_by_name(tmp_path: Path) -> None:
    result = claimbot("migrate", cwd=tmp_path, env={"CLAIMBOT_MAX_CLAIMS": "many"})
    assert result.returncode == 2
    assert result.stderr.startswith("claimbot: CLAIMBOT_MAX_CLAIMS: ")


@pytest.mark.parametrize("argv", [["extract"], ["bogus"], ["extract", "x", "--max", "0"]])
def test_usage_errors_exit_2_with_usage(tmp_path: Path, argv: list[str]) -> None:
    result = claimbot(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: claimbot" in result.stderr
