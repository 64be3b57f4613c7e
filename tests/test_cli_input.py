"""One way to read input: `score`, `extract` and `match` (and `factchecks import` where it
applies) give the same line and exit code for the same bad input, and decode the same text
the same way. Before, `score` read binary as text (706 lines of `/bin/ls`, 34 of them
"check-worthy"), `match` refused any file that was not UTF-8, and `extract` detected its
encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import InProcess, Outcome

READERS = (("score",), ("extract",), ("match",))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    run = InProcess(monkeypatch, tmp_path, {"DATABASE_PATH": str(tmp_path / "library.db")})
    assert run("migrate").returncode == 0
    return run


def outcomes(
    cli: InProcess, commands: tuple[tuple[str, ...], ...], source: str, stdin: bytes = b""
) -> dict[str, Outcome]:
    return {" ".join(c): cli(*c, source, stdin=stdin) for c in commands}


def refused(line: str) -> Outcome:
    return Outcome(1, "", f"claimbot: {line}\n")


BINARY = "That file looks binary, not text. Send text, Markdown or HTML."


BAD_INPUTS = [
    ("missing", None, "missing.txt", "No such file: missing.txt", True),
    (
        "directory",
        lambda root: (root / "folder").mkdir(),
        "folder",
        "folder is a directory: give a file, or - for standard input.",
        True,
    ),
    (
        "unreadable",
        lambda root: (root / "plain").write_text("x"),
        "plain/lines.txt",
        "Cannot read plain/lines.txt: Not a directory.",
        True,
    ),
    (
        "a program",
        lambda root: (root / "tool").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256))),
        "tool",
        "That file looks binary (a program), not text. Send text, Markdown or HTML.",
        False,
    ),
    (
        "NUL bytes",
        lambda root: (root / "blob.txt").write_bytes(b"The council met.\x00\x00\n" * 20),
        "blob.txt",
        BINARY,
        False,
    ),
    (
        "control characters",
        lambda root: (root / "junk.txt").write_bytes(bytes(range(1, 9)) * 40 + b"Words.\n"),
        "junk.txt",
        BINARY,
        False,
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "source", "line", "also_import"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_the_same_line_and_code_for_every_reader(
    cli: InProcess,
    tmp_path: Path,
    name: str,
    make: object,
    source: str,
    line: str,
    also_import: bool,
) -> None:
    if callable(make):
        make(tmp_path)
    commands = (*READERS, ("factchecks", "import")) if also_import else READERS
    assert outcomes(cli, commands, source) == {" ".join(c): refused(line) for c in commands}


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"The council met.\x00\n" * 20, BINARY),
        (
            b"\x7fELF" + bytes(200),
            "That file looks binary (a program), not text. Send text, Markdown or HTML.",
        ),
    ],
    ids=["NUL bytes", "a program"],
)
def test_binary_standard_input_is_refused_alike(cli: InProcess, data: bytes, line: str) -> None:
    assert outcomes(cli, READERS, "-", stdin=data) == {" ".join(c): refused(line) for c in READERS}


SENTENCE = "According to the Café Owners' Association, coffee prices rose 12 percent in 2024."


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("through", ["file", "stdin"])
def test_text_in_any_common_encoding_is_read_alike(
    cli: InProcess, tmp_path: Path, encoding: str, through: str
) -> None:
    """A cp1252 or latin-1 file (the usual legacy encodings) reads as the same text in all
    three; before, `match` refused it and `score` replaced its accents with U+FFFD."""
    raw = (SENTENCE + "\r\n").encode(encoding)
    (tmp_path / "prices.txt").write_bytes(raw)
    source, stdin = ("prices.txt", b"") if through == "file" else ("-", raw)
    found = outcomes(cli, READERS, source, stdin=stdin)
    assert {name: (o.returncode, o.stderr) for name, o in found.items()} == {
        name: (0, "") for name in found
    }
    (scored,) = [json.loads(line) for line in found["score"].stdout.splitlines()]
    (matched,) = [json.loads(line) for line in found["match"].stdout.splitlines()]
    (claim,) = json.loads(_as_json(cli, source, stdin))["claims"]
    assert (scored["text"], matched["text"], claim["span"]["text"]) == (SENTENCE,) * 3
    assert "1 check-worthy claim(s) found." in found["extract"].stdout


def _as_json(cli: InProcess, source: str, stdin: bytes) -> str:
    result = cli("extract", "--json", source, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("through", ["file", "stdin"])
def test_input_over_the_limit_is_refused_alike(
    cli: InProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, through: str
) -> None:
    import bot.cli.common

    monkeypatch.setattr(bot.cli.common, "INPUT_MAX_BYTES", 1_000_000)
    raw = b"Tram fares rose 10 percent in 2024.\n" * 30_000  # 1,080,000 bytes
    (tmp_path / "big.txt").write_bytes(raw)
    source, stdin = ("big.txt", b"") if through == "file" else ("-", raw)
    line = "The input is larger than 1 MB, the limit here."
    assert outcomes(cli, READERS, source, stdin=stdin) == {
        " ".join(c): refused(line) for c in READERS
    }


def test_blank_input_is_nothing_to_score_or_match_and_nothing_to_extract(cli: InProcess) -> None:
    found = outcomes(cli, READERS, "-", stdin=b" \n\r\n\t\n")
    assert found == {
        "score": Outcome(0, "", ""),
        "match": Outcome(0, "", ""),
        "extract": refused("That input is empty."),
    }


def test_match_keeps_one_line_out_per_line_in(cli: InProcess) -> None:
    """Lines end at LF, CRLF or CR only: a form feed or U+2028 inside a claim does not
    split it (str.splitlines would)."""
    stdin = "First claim\x0cstill first\r\nsecond\u2028still second\rthird\n\n".encode()
    result = cli("match", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    # split at "\n" alone: the output's JSON keeps U+2028 as it is
    assert [json.loads(line)["text"] for line in result.stdout.split("\n")[:-1]] == [
        "First claim\x0cstill first",
        "second\u2028still second",
        "third",
        "",
    ]
