"""`claimbot extract` and `claimbot score` as a user runs them: the claims, the spans, the
one line for each refusal. Most tests call `main` in this process (`cli`); the import
tests run the real process, the only way to see what it imports. The input reader shared
with `match` is tested in test_cli_input.py, usage and help in test_cli_usage.py, the
database and `run` in test_cli_database.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.support.cli import REPO, InProcess, Outcome, claimbot


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps its usage to the terminal
    return InProcess(monkeypatch, tmp_path)


# -- extract --------------------------------------------------------------------------------

EXAMPLE_EN = REPO / "examples" / "article_en_vaccination.txt"


def test_extract_json_on_an_example_article(cli: InProcess) -> None:
    result = cli("extract", "--json", "--max", "4", str(EXAMPLE_EN))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"claims", "truncated", "capped", "max_claims", "backend", "fallback"}
    assert (report["truncated"], report["max_claims"]) == (False, 4)
    assert (report["backend"], report["fallback"]) == ("builtin", None)
    claims = report["claims"]
    assert 1 <= len(claims) <= 4
    assert set(claims[0]) == {
        "claim",
        "span",
        "score",
        "speaker",
        "needs_context",
        "context_hint",
        "language",
        "reasons",
        "backend",
    }
    assert all(c["language"] == "en" and c["backend"] == "builtin" for c in claims)
    raw = EXAMPLE_EN.read_bytes()
    given = raw.decode("utf-8")
    for claim in claims:
        span = claim["span"]
        assert set(span) == {"start", "end", "text", "byte_start", "byte_end"}
        assert given[span["start"] : span["end"]] == span["text"]
        assert raw[span["byte_start"] : span["byte_end"]].decode() == span["text"]
    scores = [c["score"] for c in claims]
    assert scores == sorted(scores, reverse=True)


def test_extract_json_cites_the_file_as_given(cli: InProcess, tmp_path: Path) -> None:
    """Before, spans indexed the reader's cleaned text: one character off for a file that
    starts with a space, more after CRLF line ends, and the claim "Outre ..." (edited)
    stood where its span "outre ..." should have."""
    given = (
        " Transports : la région investit\r\n\r\n"
        "  Mais ce n'est pas tout : outre les 40 bus promis, la région a commandé 12\u00a0tramways"
        " en mars 2024.\r\n\r\n\r\n"
    )
    article = tmp_path / "article.txt"
    article.write_bytes(given.encode("utf-8"))
    result = cli("extract", "--json", str(article))
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert (
        claim["claim"] == "Outre les 40 bus promis, la région a commandé 12 tramways en mars 2024."
    )
    assert claim["span"] == {
        "start": 63,
        "end": 134,
        "text": "outre les 40 bus promis, la région a commandé 12\u00a0tramways en mars 2024.",
        "byte_start": 64,
        "byte_end": 138,
    }
    assert given[63:134] == claim["span"]["text"]
    assert article.read_bytes()[64:138].decode() == claim["span"]["text"]


def test_extract_json_of_markdown_gives_the_passage_without_offsets(
    cli: InProcess, tmp_path: Path
) -> None:
    article = tmp_path / "article.md"
    article.write_text("# Budget\n\nLe conseil a voté **48 millions** d'euros en mars 2024.\n")
    result = cli("extract", "--json", str(article))
    assert result.returncode == 0, result.stderr
    (claim,) = json.loads(result.stdout)["claims"]
    assert claim["span"] == {
        "start": None,
        "end": None,
        "text": "Le conseil a voté 48 millions d'euros en mars 2024.",
        "byte_start": None,
        "byte_end": None,
    }


def test_extract_table_reads_stdin(cli: InProcess) -> None:
    text = "According to the city statistics office, 1,240 homes were built in 2024.\n"
    result = cli("extract", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("http://127.0.0.1/", "private or internal network address"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal network address"),
        ("file:///etc/passwd", "http"),
    ],
)
def test_extract_refuses_bad_urls_in_one_line(cli: InProcess, source: str, message: str) -> None:
    result = cli("extract", source)
    assert (result.returncode, result.stdout) == (1, "")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_extract_a_page_declaring_a_charset_that_is_no_text_encoding(
    cli: InProcess, tmp_path: Path
) -> None:
    """`charset=idna` passes codecs.lookup but cannot decode: the page is sniffed instead."""
    page = (
        "<!DOCTYPE html><html><head><meta charset='idna'><title>Prices</title></head><body>"
        "<article><p>According to the Café Owners' Association, coffee prices rose 12 percent"
        " in 2024.</p></article></body></html>"
    )
    (tmp_path / "page.html").write_bytes(page.encode("cp1252"))
    result = cli("extract", "--json", "page.html")
    assert result.returncode == 0, result.stderr
    assert [c["claim"] for c in json.loads(result.stdout)["claims"]] == [
        "According to the Café Owners' Association, coffee prices rose 12 percent in 2024."
    ]


def test_extract_of_blank_input_is_one_line(cli: InProcess) -> None:
    assert cli("extract", "-", stdin="   \n") == Outcome(1, "", "claimbot: That input is empty.\n")


def test_extract_reads_a_hostile_markdown_file(cli: InProcess, tmp_path: Path) -> None:
    # Unclosed autolinks were quadratic: 1.8 MB of them did not finish in 120 s.
    claim = "According to the city statistics office, 1,240 homes were built in 2024."
    (tmp_path / "a.md").write_text(claim + "\n\n" + "<http:" * 300_000, encoding="utf-8")
    result = cli("extract", "a.md")
    assert result.returncode == 0, result.stderr
    assert "1 check-worthy claim(s) found." in result.stdout
    assert "city statistics office" in result.stdout


def test_extract_over_the_parse_budget_is_one_clear_line(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.services.parsing

    monkeypatch.setattr(bot.services.parsing, "PARSE_BUDGET_SECONDS", -1.0)
    (tmp_path / "a.md").write_text("# Title\n\nWords.", encoding="utf-8")
    result = cli("extract", "a.md")
    assert (result.returncode, result.stderr) == (
        1,
        "claimbot: That document is too complex to read.\n",
    )


@pytest.mark.parametrize(
    ("args", "env", "count", "capped", "max_claims"),
    [
        ((), {}, 8, False, 40),
        ((), {"CLAIMBOT_MAX_CLAIMS": "3"}, 3, True, 3),
        (("--max", "4"), {"CLAIMBOT_MAX_CLAIMS": "2"}, 4, True, 4),
        (("--max", "8"), {}, 8, False, 8),
    ],
)
def test_extract_json_says_when_the_claim_cap_was_reached(
    cli: InProcess,
    args: tuple[str, ...],
    env: dict[str, str],
    count: int,
    capped: bool,
    max_claims: int,
) -> None:
    result = cli("extract", "--json", *args, str(EXAMPLE_EN), env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (len(report["claims"]), report["capped"], report["max_claims"]) == (
        count,
        capped,
        max_claims,
    )
    assert report["truncated"] is False


def test_extract_says_when_the_input_was_cut(cli: InProcess) -> None:
    article = EXAMPLE_EN.read_text(encoding="utf-8")
    long_input = "\n\n".join([article] * (250_000 // len(article) + 1))
    as_json = cli("extract", "--json", "-", stdin=long_input)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["truncated"] is True
    table = cli("extract", "--max", "2", "-", stdin=long_input)
    assert table.stdout.splitlines()[-3:] == [
        "2 check-worthy claim(s) found.",
        "Note: the input was long and only its beginning was read.",
        "Note: more claims qualified; only the best 2 are shown (--max).",
    ]


# -- score ----------------------------------------------------------------------------------


def test_score_prints_json_lines(cli: InProcess) -> None:
    lines = "Unemployment fell to 4.1 percent in March.\r\n\nThank you all for coming tonight.\n"
    result = cli("score", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == [
        "Unemployment fell to 4.1 percent in March.",
        "Thank you all for coming tonight.",
    ]
    assert [r["checkworthy"] for r in records] == [True, False]
    assert all(0.0 <= r["score"] <= 1.0 for r in records)


def test_score_of_a_program_is_one_line(cli: InProcess) -> None:
    """Before, `claimbot score /bin/ls` printed 706 lines, 34 of them "check-worthy"."""
    program = Path(sys.executable).resolve()
    result = cli("score", str(program))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "claimbot: That file looks binary (a program), not text. Send text, Markdown or HTML.\n"
    )


# -- what only a process shows: imports ----------------------------------------------------

# What the offline commands must not pay for at start-up: the Discord client, the HTTP
# clients, the database layer, the HTML extractor and (for JSON) the table renderer.
HEAVY_FOR_OFFLINE = ("discord", "aiohttp", "httpx", "bot.storage", "sqlite3", "trafilatura", "lxml")


def imported_modules(*args: str, cwd: Path, stdin: str = "") -> set[str]:
    """The modules `python -X importtime -m bot ARGS` imported (its stderr lists each)."""
    result = claimbot(*args, cwd=cwd, stdin=stdin, python_options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_score_imports_neither_discord_nor_http_clients(tmp_path: Path) -> None:
    """Before, `claimbot score` imported httpx (through the LLM client) even for the
    built-in model: start-up paid for it on every run."""
    lines = tmp_path / "lines.txt"
    lines.write_text("The council approved 48 new homes on Tuesday.\nHello there.\n")
    modules = imported_modules("score", str(lines), cwd=tmp_path)
    assert "bot.extraction.scoring" in modules
    assert heavy(modules, (*HEAVY_FOR_OFFLINE, "rich", "bot.services.llm_extraction")) == []


@pytest.mark.slow
def test_extract_json_of_plain_text_imports_neither_discord_nor_http_clients(
    tmp_path: Path,
) -> None:
    article = tmp_path / "article.txt"
    article.write_text("According to the statistics office, 1,240 homes were built in 2024.\n")
    modules = imported_modules("extract", "--json", str(article), cwd=tmp_path)
    assert "bot.extraction.pipeline" in modules
    assert heavy(modules, (*HEAVY_FOR_OFFLINE, "rich", "bot.services.llm_extraction")) == []
    from_stdin = imported_modules("extract", "-", cwd=tmp_path, stdin=article.read_text())
    assert heavy(from_stdin, HEAVY_FOR_OFFLINE) == []
