"""`claimbot extract` and `claimbot score` with the LLM backend against a local
OpenAI-compatible stub (the command through `main`; the benchmark as its own process)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.extraction import (
    DEFAULT_MAX_CLAIMS,
    ClaimCandidate,
    extract_claims,
    is_checkworthy,
    score_sentence,
)
from bot.services.llm_extraction import LLMConfig, extract_with_fallback
from tests.llm_stub import LLMStub, Reply
from tests.support.cli import REPO, InProcess

ARTICLE = (
    "The council approved 48 new homes on Tuesday.\n"
    "What a lovely day it was.\n"
    "According to the statistics office, 1,240 homes were built in 2024.\n"
)
LINES = [f"Line {n} has {n} facts." if n % 2 else f"Line number {n}." for n in range(45)]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    return InProcess(monkeypatch, tmp_path)


@pytest.fixture
def stub() -> Iterator[LLMStub]:
    with LLMStub() as server:
        yield server


def cited(claim: ClaimCandidate) -> dict[str, object]:
    """The claim as `extract --json` gives it: ARTICLE is ASCII and needs no cleaning, so
    its characters, its bytes and the extractor's input share their offsets."""
    span = {"start": claim.start, "end": claim.end, "text": ARTICLE[claim.start : claim.end]}
    return {
        **claim.to_dict(),
        "span": {**span, "byte_start": claim.start, "byte_end": claim.end},
    }


def expected_report(claims: list[ClaimCandidate], backend: str, reason: str | None) -> object:
    return {
        "claims": [{**cited(claim), "backend": backend} for claim in claims],
        "truncated": False,
        "capped": False,
        "max_claims": DEFAULT_MAX_CLAIMS,
        "backend": backend,
        "fallback": None if reason is None else {"reason": reason},
    }


def test_extract_uses_the_configured_llm_like_the_bot(cli: InProcess, stub: LLMStub) -> None:
    """Before, `claimbot extract` ignored CLAIMBOT_LLM_BASE_URL: the stub got no request."""
    result = cli("extract", "--json", "-", env=stub.env(), stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    assert len(stub.requests) == 1
    config = LLMConfig(stub.base_url, "stub-model")
    same = asyncio.run(extract_with_fallback(ARTICLE, config, max_claims=DEFAULT_MAX_CLAIMS + 1))
    assert same.backend == "llm"
    assert json.loads(result.stdout) == expected_report(same.claims, "llm", None)
    assert sorted(c["claim"] for c in json.loads(result.stdout)["claims"]) == [
        "According to the statistics office, 1,240 homes were built in 2024.",
        "The council approved 48 new homes on Tuesday.",
    ]


def test_extract_json_says_why_the_llm_fell_back(cli: InProcess, stub: LLMStub) -> None:
    stub.then(Reply(status=500), Reply(status=500), Reply(status=500))
    env = stub.env(CLAIMBOT_LLM_MAX_RETRIES="2")
    result = cli("extract", "--json", "-", env=env, stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    builtin = extract_claims(ARTICLE, max_claims=DEFAULT_MAX_CLAIMS + 1)
    assert json.loads(result.stdout) == expected_report(
        builtin, "builtin", "HTTP 500 after 3 attempts"
    )
    assert len(stub.requests) == 3


def test_extract_table_notes_the_fallback(cli: InProcess, stub: LLMStub) -> None:
    stub.then(Reply("not json at all"))
    result = cli("extract", "-", env=stub.env(), stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "2 check-worthy claim(s) found.",
        "Note: the LLM backend failed (unusable output: reply is not JSON (Expecting value: "
        "line 1 column 1 (char 0))); the built-in extractor answered.",
    ]


def test_backend_builtin_leaves_the_endpoint_alone(cli: InProcess, stub: LLMStub) -> None:
    result = cli(
        "extract",
        "--json",
        "--backend",
        "builtin",
        "-",
        env=stub.env(),
        stdin=ARTICLE,
    )
    assert result.returncode == 0, result.stderr
    builtin = extract_claims(ARTICLE, max_claims=DEFAULT_MAX_CLAIMS + 1)
    assert json.loads(result.stdout) == expected_report(builtin, "builtin", None)
    assert stub.requests == []


@pytest.mark.parametrize("command", ["extract", "score"])
def test_backend_llm_without_settings_is_one_line(cli: InProcess, command: str) -> None:
    result = cli(command, "--backend", "llm", "-", stdin=ARTICLE)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "claimbot: --backend llm needs CLAIMBOT_LLM_BASE_URL and CLAIMBOT_LLM_MODEL (in the "
        "environment or .env; see .env.example)."
    ]


def test_a_malformed_base_url_is_one_line(cli: InProcess) -> None:
    env = {"CLAIMBOT_LLM_BASE_URL": "127.0.0.1:11434", "CLAIMBOT_LLM_MODEL": "m"}
    result = cli("score", "-", env=env, stdin="Hello.\n")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "claimbot: CLAIMBOT_LLM_BASE_URL: Value error, must start with http:// or https://, "
        "e.g. http://127.0.0.1:11434/v1"
    ]


def llm_line(text: str) -> dict[str, object]:
    digit = any(c.isdigit() for c in text)
    return {
        "text": text,
        "score": 0.9 if digit else 0.1,
        "checkworthy": digit,
        "backend": "llm",
        "fallback": None,
    }


def builtin_line(text: str, reason: str | None) -> dict[str, object]:
    score = score_sentence(text)
    return {
        "text": text,
        "score": round(score, 4),
        "checkworthy": is_checkworthy(score),
        "backend": "builtin",
        "fallback": None if reason is None else {"reason": reason},
    }


def test_score_with_the_llm_in_batches(cli: InProcess, stub: LLMStub) -> None:
    env = stub.env(CLAIMBOT_LLM_BATCH_SIZE="20", CLAIMBOT_LLM_CONCURRENCY="2")
    stdin = "\n".join(LINES[:20]) + "\n\n   \n" + "\n".join(LINES[20:]) + "\n"
    result = cli("score", "--backend", "llm", env=env, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        llm_line(text) for text in LINES
    ]
    assert sorted(stub.batch_sizes()) == [5, 20, 20]


def test_score_falls_back_per_batch_and_says_why(cli: InProcess, stub: LLMStub) -> None:
    stub.then(Reply(json.dumps({"results": "everything is check-worthy"})))
    env = stub.env(CLAIMBOT_LLM_BATCH_SIZE="3", CLAIMBOT_LLM_CONCURRENCY="1")
    stdin = "\n".join(LINES[:6]) + "\n"
    result = cli("score", "--backend", "llm", "-", env=env, stdin=stdin)
    assert result.returncode == 0, result.stderr
    reason = 'unusable output: reply is not an object with a "results" list'
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        *(builtin_line(text, reason) for text in LINES[:3]),
        *(llm_line(text) for text in LINES[3:6]),
    ]
    assert stub.batch_sizes() == [3, 3]


def test_score_stops_asking_at_the_token_cap(cli: InProcess, stub: LLMStub) -> None:
    stub.then(
        Reply(
            json.dumps({"results": [{"id": n, "checkworthy": True, "score": 1} for n in range(3)]}),
            total_tokens=900,
        )
    )
    env = stub.env(
        CLAIMBOT_LLM_BATCH_SIZE="3", CLAIMBOT_LLM_CONCURRENCY="1", CLAIMBOT_LLM_MAX_TOKENS="1000"
    )
    stdin = "\n".join(LINES[:9]) + "\n"
    result = cli("score", "--backend", "llm", "-", env=env, stdin=stdin)
    assert result.returncode == 0, result.stderr
    reason = "the cap of 1000 tokens per run is reached"
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["backend"] for r in records] == ["llm"] * 3 + ["builtin"] * 6
    assert records[3:] == [builtin_line(text, reason) for text in LINES[3:9]]
    assert len(stub.requests) == 1


def test_score_default_is_builtin_without_llm_settings(cli: InProcess) -> None:
    result = cli("score", stdin="\n".join(LINES[:2]) + "\n")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        builtin_line(text, None) for text in LINES[:2]
    ]


# -- the benchmark through the same path ----------------------------------------------


def verdicts_by_digits(texts: list[str], tokens: int) -> Reply:
    results = [
        {"id": n, "checkworthy": any(c.isdigit() for c in text), "score": 0.5}
        for n, text in enumerate(texts)
    ]
    return Reply(json.dumps({"results": results}), total_tokens=tokens)


def test_benchmark_reports_f1_requests_and_tokens(tmp_path: Path, stub: LLMStub) -> None:
    rows = [
        ("1", "Unemployment fell to 4.1 percent in March.", "Yes"),
        ("2", "Thank you all for coming tonight.", "No"),
        ("3", "The plant employs 300 people.", "No"),
        ("4", "The mayor resigned on Friday.", "Yes"),
        ("5", "Crime rose 12 percent last year.", "Yes"),
    ]
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("Sentence_id\tText\tclass_label\n" + "".join("\t".join(r) + "\n" for r in rows))
    texts = [row[1] for row in rows]
    stub.then(
        Reply(status=429, headers={"Retry-After": "0"}),
        verdicts_by_digits(texts[:2], 150),
        verdicts_by_digits(texts[2:4], 140),
        verdicts_by_digits(texts[4:], 60),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "DISCORD_"))}
    env.update(stub.env(CLAIMBOT_LLM_BATCH_SIZE="2", CLAIMBOT_LLM_CONCURRENCY="1"))
    env["PYTHONPATH"] = str(REPO)  # run as docs/llm.md says, `python -m benchmarks.checkworthy`
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.checkworthy", "--backend", "llm", str(tsv)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Predicted positive: rows 1, 3, 5 (a digit); TP 2 (1, 5), FP 1 (3), FN 1 (4).
    assert lines[:3] == [
        "dev.tsv: 5 sentences, 3 check-worthy (backend llm, model stub-model)",
        "  predicted positive 3: TP 2  FP 1  FN 1",
        "  precision 0.667  recall 0.667  F1 0.667",
    ]
    assert lines[3].startswith("  4 requests (1 retried) in ")
    assert lines[3].endswith(" requests/s")
    assert lines[4:] == [
        "  tokens 350 (cap 200000)",
        "  sentences scored by the built-in fallback: 0",
    ]
    assert stub.batch_sizes() == [2, 2, 2, 1]


def test_benchmark_llm_without_settings_says_so(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMBOT_", "DISCORD_"))}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.checkworthy", "--backend", "llm"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "--backend llm needs CLAIMBOT_LLM_BASE_URL and CLAIMBOT_LLM_MODEL (environment or .env)"
    ]
