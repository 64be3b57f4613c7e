"""`claimbot factchecks import|stats` and `claimbot match` as an operator runs them: what is
imported and for whom, the one line for each feed refused with nothing imported, and the
JSON lines of `match` in input order."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.hosts import local_fetcher, threaded_host
from tests.support.backends import database_setting, execute_directly
from tests.support.cli import InProcess

GUILD = 4242


def review(url: str, claim: str, **extra: object) -> dict[str, object]:
    return {"@type": "ClaimReview", "url": url, "claimReviewed": claim, **extra}


FEED = {
    "@context": "https://schema.org",
    "@type": "DataFeed",
    "dataFeedElement": [
        {
            "item": [
                review(
                    "https://checks.test/bridges",
                    "Steel bridges melt every June in the capital.",
                    author={"name": "Desk"},
                    datePublished="2024-03-01",
                    reviewRating={
                        "alternateName": "False",
                        "ratingValue": "1",
                        "bestRating": "five",
                    },
                    inLanguage="en",
                ),
                review("javascript:alert(1)", "A claim behind a script link."),
                review("ftp://checks.test/old", "A claim on an ftp server."),
                review("https://checks.test/empty", ""),
                review(
                    "https://checks.test/ferries",
                    "The council bought three electric ferries for the harbour.",
                    author={"name": "Wire"},
                    datePublished="2023-01-05",
                    reviewRating={"alternateName": "True"},
                ),
            ]
        }
    ],
}


def index_line(summary: str) -> tuple[str, str]:
    """The import's counts, and its sentence on the index it saved with the time made `T`."""
    counts, built = summary.split(" Matching index ", 1)
    return counts, re.sub(r" in \d+\.\d s;", " in T s;", "Matching index " + built)


def saved_indexes(database: Path | str) -> list[tuple[object, ...]]:
    """(scope, its version, its saved index's version, the lease holder) of each scope."""
    return execute_directly(
        database,
        "SELECT v.scope, v.version, i.version, v.rebuilder FROM fact_check_versions AS v"
        " LEFT JOIN fact_check_indexes AS i USING (scope) ORDER BY 1",
    )


def rows(database: Path | str) -> list[tuple[object, ...]]:
    return execute_directly(
        database,
        "SELECT scope, url, claim_reviewed, publisher, rating_name, rating_value, best_rating"
        " FROM fact_checks ORDER BY scope, url",
    )


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_location: Path | str
) -> InProcess:
    """`claimbot` in this process, on a migrated library (an SQLite file or a PostgreSQL
    database, DATABASE_URL), with FEED in feed.json."""
    run = InProcess(monkeypatch, tmp_path, database_setting(database_location))
    assert run("migrate").returncode == 0
    (tmp_path / "feed.json").write_text(json.dumps(FEED), encoding="utf-8")
    return run


def library(cli: InProcess) -> Path | str:
    return cli.env.get("DATABASE_URL") or Path(cli.env["DATABASE_PATH"])


def test_import_reports_counts_and_reimport_updates(cli: InProcess, tmp_path: Path) -> None:
    first = cli("factchecks", "import", "feed.json")
    assert (first.returncode, first.stderr) == (0, "")
    assert len(first.stdout.splitlines()) == 1
    assert index_line(first.stdout.strip()) == (
        "Imported 2 fact-check(s) for all servers: 2 new, 0 updated. Skipped 3: url is not "
        "http(s) 2, no claim text 1. Numbers dropped (1): bestRating is not a number 1.",
        "Matching index of 2 fact-check(s) built and saved in T s; running bots load it "
        "within 10 s (CLAIMBOT_LIBRARY_POLL).",
    )
    # Built from the version the import left, its lease ended: bots only load it.
    assert saved_indexes(library(cli)) == [(0, 1, 1, None)]
    changed = json.loads(json.dumps(FEED))
    changed["dataFeedElement"][0]["item"][0]["reviewRating"]["alternateName"] = "Pants on Fire"
    (tmp_path / "feed.json").write_text(json.dumps(changed), encoding="utf-8")
    again = cli("factchecks", "import", "feed.json")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Imported 2 fact-check(s) for all servers: 0 new, 2 updated.")
    assert saved_indexes(library(cli)) == [(0, 2, 2, None)]
    assert rows(library(cli)) == [
        (
            0,
            "https://checks.test/bridges",
            "Steel bridges melt every June in the capital.",
            "Desk",
            "Pants on Fire",
            1.0,
            None,
        ),
        (
            0,
            "https://checks.test/ferries",
            "The council bought three electric ferries for the harbour.",
            "Wire",
            "True",
            None,
            None,
        ),
    ]


def test_import_for_one_server_from_stdin_and_stats(cli: InProcess, tmp_path: Path) -> None:
    feed = json.dumps([review("https://home.test/1", "Only our server sees this claim.")])
    result = cli(
        "factchecks",
        "import",
        "-",
        "--guild",
        str(GUILD),
        stdin=feed,
        env={"CLAIMBOT_LIBRARY_POLL": "0"},
    )
    assert result.returncode == 0, result.stderr
    assert index_line(result.stdout) == (
        f"Imported 1 fact-check(s) for server {GUILD}: 1 new, 0 updated.",
        "Matching index of 1 fact-check(s) built and saved in T s; running bots load it at "
        "their next start (CLAIMBOT_LIBRARY_POLL=0).\n",
    )
    assert cli("factchecks", "import", "feed.json").returncode == 0
    assert [row[:2] for row in rows(library(cli))] == [
        (0, "https://checks.test/bridges"),
        (0, "https://checks.test/ferries"),
        (GUILD, "https://home.test/1"),
    ]
    everyone = cli("factchecks", "stats")
    assert everyone.stdout.splitlines()[:3] == [
        "2 fact-check(s) for all servers.",
        "Top publishers: Desk 1, Wire 1.",
        "Newest fact-check: 2024-03-01; oldest: 2023-01-05.",
    ]
    home = cli("factchecks", "stats", "--guild", str(GUILD))
    assert home.stdout.splitlines()[:2] == [
        f"3 fact-check(s) visible to server {GUILD}.",
        "Top publishers: unknown publisher 1, Desk 1, Wire 1.",
    ]
    assert home.stdout.splitlines()[3].startswith("Last import: ")


BAD_FEEDS = [
    (
        "not json",
        b"Claim: bridges melt.\n",
        "This is not JSON: a ClaimReview feed starts with { or [.",
    ),
    ("no claimreview", b'{"@type": "NewsArticle", "headline": "x"}', "No ClaimReview found in it."),
    ("deeply nested", b"[" * 100_000, "The JSON is nested more than 32 levels deep."),
    (
        "broken midway",
        json.dumps(
            [review(f"https://b.test/{n}", f"Claim number {n}.") for n in range(2_500)]
        ).encode()[:-40],
        "The JSON is broken: parse error: premature EOF.",
    ),
    (
        "only bad urls",
        json.dumps([review("javascript:alert(1)", "x"), review("mailto:a@b.test", "y")]).encode(),
        "Nothing imported for all servers: all 2 ClaimReview(s) were skipped. Skipped 2: url "
        "is not http(s) 2.",
    ),
]


@pytest.mark.parametrize(
    ("feed", "message"), [(f, m) for _, f, m in BAD_FEEDS], ids=[i for i, _, _ in BAD_FEEDS]
)
def test_a_bad_feed_is_one_line_and_imports_nothing(
    cli: InProcess, tmp_path: Path, feed: bytes, message: str
) -> None:
    (tmp_path / "bad.json").write_bytes(feed)
    result = cli("factchecks", "import", "bad.json")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"claimbot: {message}"]
    assert rows(library(cli)) == []


def test_a_2_gb_file_is_refused_before_reading(cli: InProcess, tmp_path: Path) -> None:
    with open(tmp_path / "huge.json", "wb") as sparse:  # sparse: no 2 GB on disk
        sparse.truncate(2 * 1024**3)
    result = cli("factchecks", "import", "huge.json")
    assert (result.returncode, result.stderr) == (
        1,
        "claimbot: The feed is larger than 300 MB, the limit here.\n",
    )
    assert rows(library(cli)) == []


def test_import_needs_a_database_and_a_file(cli: InProcess, tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "none.db"), "DATABASE_URL": ""}
    missing_db = cli("factchecks", "import", "-", env=env, stdin="[]")
    assert missing_db.returncode == 1
    assert missing_db.stderr.startswith(f"claimbot: No database at {tmp_path / 'none.db'}")
    assert cli("migrate", env=env).returncode == 0
    missing = cli("factchecks", "import", "nope.json", env=env)
    assert (missing.returncode, missing.stderr) == (1, "claimbot: No such file: nope.json\n")


@contextmanager
def feed_host(body: bytes, content_type: str = "application/json") -> Iterator[str]:
    with threaded_host(lambda path: (200, content_type, body)) as base:
        yield f"{base}/feed.json"


def test_import_by_url_goes_through_the_safe_fetcher(
    cli: InProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.cli.factchecks

    monkeypatch.setattr(bot.cli.factchecks, "feed_fetcher", local_fetcher)
    with feed_host(json.dumps(FEED).encode()) as url:
        imported = cli("factchecks", "import", url, "--guild", str(GUILD))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(
        f"Imported 2 fact-check(s) for server {GUILD}: 2 new, 0 updated."
    )
    assert [row[:2] for row in rows(library(cli))] == [
        (GUILD, "https://checks.test/bridges"),
        (GUILD, "https://checks.test/ferries"),
    ]
    with feed_host(b"\x89PNG....", "image/png") as url:
        image = cli("factchecks", "import", url)
    assert (image.returncode, image.stderr) == (
        1,
        "claimbot: That link points to image/png content, which I can't read.\n",
    )
    private = cli("factchecks", "import", "http://intranet.test/feed.json")
    assert private.returncode == 1
    assert private.stderr.startswith("claimbot: ")
    assert len(private.stderr.splitlines()) == 1
    assert len(rows(library(cli))) == 2


def test_match_writes_one_json_line_per_input_line_in_order(cli: InProcess, tmp_path: Path) -> None:
    assert cli("factchecks", "import", "feed.json").returncode == 0
    home = json.dumps([review("https://home.test/1", "Steel bridges melt every June in Paris.")])
    cli("factchecks", "import", "-", "--guild", str(GUILD), stdin=home)
    claims = (
        "The council bought three electric ferries for the harbour\n"
        "\n"
        "Steel bridges melt every June in the capital\n"
    )
    result = cli("match", "--top", "1", stdin=claims)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == claims.splitlines()
    assert lines[1]["matches"] == []
    first = lines[0]["matches"]
    assert len(first) == 1 and set(first[0]) == {
        "url", "claim_reviewed", "publisher", "rating", "date", "score"
    }  # fmt: skip
    assert {k: v for k, v in first[0].items() if k != "score"} == {
        "url": "https://checks.test/ferries",
        "claim_reviewed": "The council bought three electric ferries for the harbour.",
        "publisher": "Wire",
        "rating": "True",
        "date": "2023-01-05",
    }
    assert 0.0 < first[0]["score"] <= 1.0
    assert [m["url"] for m in lines[2]["matches"]] == ["https://checks.test/bridges"]
    (tmp_path / "claims.txt").write_text("Steel bridges melt every June in Paris\n")
    scoped = cli("match", "--guild", str(GUILD), "claims.txt")
    urls = [m["url"] for m in json.loads(scoped.stdout)["matches"]]
    assert {"https://home.test/1", "https://checks.test/bridges"} <= set(urls)
    unscoped = cli("match", "claims.txt")
    assert "https://home.test/1" not in unscoped.stdout


def test_the_import_service_refuses_an_endless_stream_with_nothing_written(
    tmp_path: Path,
) -> None:
    """A stream with no end (a 2 GB pipe) is cut at the cap, its reviews never written."""
    from bot.core.errors import UserFacingError
    from bot.services.factcheck_import import FactCheckImporter
    from bot.services.factcheck_library import FactCheckLibrary
    from bot.storage import Database
    from bot.storage.factchecks import LibraryVersion

    class Endless:
        def __init__(self) -> None:
            self.served = 0
            self.started = False

        def read(self, size: int = -1) -> bytes:
            chunk = b"" if self.started else b"["
            self.started = True
            item = json.dumps(review(f"https://e.test/{self.served}", "An endless claim.")) + ","
            self.served += 1
            return chunk + item.encode() * max(1, size // len(item))

    async def scenario() -> tuple[str, int, int, list[LibraryVersion]]:
        db = await Database.open(tmp_path / "s.db")
        library = FactCheckLibrary(db)
        importer = FactCheckImporter(db, library, fetcher=local_fetcher())
        try:
            with pytest.raises(UserFacingError) as refused:
                await importer.import_stream(0, Endless(), imported_by=None, max_bytes=3_000_000)  # type: ignore[arg-type]
            stored = (await db.library_stats(None)).fact_checks
            # Refused before the first write: no version, no lease taken, nothing built.
            versions = list(await db.fact_check_library_versions())
            return refused.value.message, stored, library.builds, versions
        finally:
            await importer.close()
            await db.close()

    assert asyncio.run(scenario()) == ("The feed is larger than 3 MB, the limit here.", 0, 0, [])


def test_the_progress_bar_shows_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from bot.cli.common import import_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    with import_progress(1_000) as progress:
        assert progress is None
    assert piped.getvalue() == ""

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with import_progress(1_000) as progress:
        assert progress is not None
        progress(500, 1_234)
    shown = terminal.getvalue()
    assert "importing" in shown and "1,234 fact-checks" in shown and "0.5/1.0 kB" in shown
