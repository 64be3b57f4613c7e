"""The `claimbot` command as a user runs it: exit codes and the one line they read."""

from __future__ import annotations

import json
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


EXAMPLE_EN = REPO / "examples" / "article_en_vaccination.txt"


def test_extract_json_on_an_example_article(tmp_path: Path) -> None:
    result = claimbot("extract", "--json", "--max", "4", str(EXAMPLE_EN), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)
    assert 1 <= len(claims) <= 4
    assert set(claims[0]) == {
        "text",
        "score",
        "start",
        "end",
        "attribution",
        "language",
        "reasons",
    }
    assert all(c["language"] == "en" for c in claims)
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True)


def test_extract_table_reads_stdin(tmp_path: Path) -> None:
    text = "According to the city statistics office, 1,240 homes were built in 2024.\n"
    result = claimbot("extract", "-", cwd=tmp_path, stdin=text)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://127.0.0.1/", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("file:///etc/passwd", "http"),
        ("missing.txt", "No such file: missing.txt"),
    ],
)
def test_extract_refuses_bad_sources_in_one_line(tmp_path: Path, source: str, message: str) -> None:
    result = claimbot("extract", source, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_extract_empty_and_binary_input(tmp_path: Path) -> None:
    empty = claimbot("extract", "-", cwd=tmp_path, stdin="   \n")
    assert empty.returncode == 1 and empty.stderr.startswith("claimbot: ")
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    binary = claimbot("extract", "blob.txt", cwd=tmp_path)
    assert binary.returncode == 1 and "binary" in binary.stderr.lower()


def test_extract_reads_a_hostile_markdown_file(tmp_path: Path) -> None:
    # Unclosed autolinks were quadratic: 1.8 MB of them did not finish in 120 s.
    claim = "According to the city statistics office, 1,240 homes were built in 2024."
    (tmp_path / "a.md").write_text(claim + "\n\n" + "<http:" * 300_000, encoding="utf-8")
    result = claimbot("extract", "a.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


def test_extract_over_the_parse_budget_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.parsing
    from bot.cli import CliError, read_input

    monkeypatch.setattr(bot.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    (tmp_path / "a.md").write_text("# Title\n\nWords.", encoding="utf-8")
    with pytest.raises(CliError) as info:
        read_input(str(tmp_path / "a.md"))
    assert str(info.value) == "That document is too complex to read."


def test_score_prints_json_lines(tmp_path: Path) -> None:
    lines = "Unemployment fell to 4.1 percent in March.\nThank you all for coming tonight.\n"
    result = claimbot("score", cwd=tmp_path, stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == lines.strip().splitlines()
    assert [r["checkworthy"] for r in records] == [True, False]
    assert all(0.0 <= r["score"] <= 1.0 for r in records)


def test_export_and_recompute_on_a_database(tmp_path: Path) -> None:
    import asyncio

    from bot.models import NewClaim, NewDocument
    from bot.storage import Database

    db_path = tmp_path / "bot.db"

    async def seed() -> None:
        db = await Database.open(db_path)
        document = NewDocument(guild_id=5, submitter_id=9, kind="manual", content_hash="x")
        _, (claim,), _ = await db.store_submission(
            document,
            [NewClaim(text="Tram fares rose by 10 percent.", normalized="tram fares")],
            source_url=None,
            source_title=None,
        )
        await db.append_vote_events(
            [(5, claim.id, r, "refuted", "reaction", 1.0) for r in (1, 2, 3)]
        )
        await db.close()

    asyncio.run(seed())
    env = {"DATABASE_PATH": str(db_path)}
    recompute = claimbot("recompute", cwd=tmp_path, env=env)
    assert recompute.returncode == 0, recompute.stderr
    assert recompute.stdout.strip() == (
        "Recomputed 1 claim(s) from the event log; 1 status(es) changed."
    )
    exported = claimbot("export", "--format", "json", "--guild", "5", cwd=tmp_path, env=env)
    assert exported.returncode == 0, exported.stderr
    (row,) = json.loads(exported.stdout)
    assert (row["status"], row["votes"]["refuted"]) == ("likely_false", 3)
    out = tmp_path / "claims.csv"
    as_csv = claimbot("export", "--format", "csv", "--output", str(out), cwd=tmp_path, env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("id,created_at,status")
    missing = claimbot("export", cwd=tmp_path, env={"DATABASE_PATH": str(tmp_path / "no.db")})
    assert missing.returncode == 1
    assert (
        missing.stderr.strip()
        == f"claimbot: No database at {tmp_path / 'no.db'} (set DATABASE_PATH)."
    )
