"""A fact-check's rating is never shown without its date; a review far from the claim in
time says so; outside names are escaped."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.factcheck_render import (
    FAR_APART_DAYS,
    describe_fact_check,
    rating_with_date,
    render_fact_check_matches,
    render_import_result,
    render_library_stats,
    time_apart,
)
from bot.core.records import FactCheckImportResult, FactCheckRecord, LibraryStats

RECORD = FactCheckRecord(
    id=1,
    scope=0,
    url="https://checks.test/bridges",
    claim_reviewed="Bridges melt in June.",
    title="Do bridges melt?",
    publisher="Desk",
    published="2024-03-01",
    rating_name="False",
    rating_value=None,
    best_rating=None,
    worst_rating=None,
    claimant=None,
    language="en",
    imported_at=0.0,
    imported_by=None,
)


def test_the_rating_shows_with_its_date() -> None:
    assert rating_with_date(RECORD) == "**False** (2024-03-01)"
    undated = dataclasses.replace(RECORD, published=None, rating_name=None)
    assert rating_with_date(undated) == "no rating (undated)"
    numeric = dataclasses.replace(RECORD, rating_name=None, rating_value=2.0, best_rating=5.0)
    assert rating_with_date(numeric) == "**2/5** (2024-03-01)"


def test_a_description_names_publisher_rating_date_link_and_wording() -> None:
    assert describe_fact_check(RECORD, date(2024, 5, 1)) == (
        "Desk: **False** (2024-03-01)\n"
        "[Do bridges melt?](https://checks.test/bridges): “Bridges melt in June.”"
    )


def test_a_review_far_from_the_claim_says_so() -> None:
    text = describe_fact_check(RECORD, date(2027, 3, 2))
    assert text.splitlines()[0] == (
        "Desk: **False** (2024-03-01) ⚠ checked 3 years before this claim"
    )
    assert time_apart(date(2024, 3, 1), date(2025, 6, 1)) == "checked over a year before this claim"
    assert time_apart(date(2024, 3, 1), date(2021, 1, 1)) == "checked 3 years after this claim"
    assert time_apart(date(2024, 3, 1), date(2025, 2, 28)) is None
    assert time_apart(None, date(2025, 2, 28)) is None
    assert time_apart(date(2024, 3, 1), None) is None


def test_outside_names_cannot_format_or_link() -> None:
    hostile = dataclasses.replace(
        RECORD,
        publisher="**Bold** [x](https://evil.test)",
        rating_name="__False__ @everyone",
        claim_reviewed="`code` > quote",
        title=None,
    )
    lines = describe_fact_check(hostile, None).splitlines()
    assert lines[0] == (
        r"\*\*Bold\*\* \[x\]\(https\://evil.test\): **\_\_False\_\_ @everyone** (2024-03-01)"
    )
    assert lines[1] == (
        r"[https\://checks.test/bridges](https://checks.test/bridges): “\`code\` \> quote”"
    )


@given(st.integers(min_value=-5000, max_value=5000))
def test_far_apart_exactly_when_more_than_a_year(days: int) -> None:
    published = date(2020, 1, 1)
    note = time_apart(published, published + timedelta(days=days))
    assert (note is not None) == (abs(days) > FAR_APART_DAYS)
    if note is not None:
        assert note.endswith("before this claim" if days > 0 else "after this claim")


def test_an_import_reply_counts_and_says_why_records_were_skipped() -> None:
    result = FactCheckImportResult(
        scope=0,
        read=1_200,
        added=1_000,
        updated=200,
        skipped={"no url": 3, "url is not http(s)": 1},
        nulled={"ratingValue is not a number": 2},
    )
    assert render_import_result(result, "for this server") == (
        "Imported 1,200 fact-check(s) for this server: 1,000 new, 200 updated.\n"
        "Skipped 4: no url 3, url is not http(s) 1.\n"
        "Numbers dropped (2): ratingValue is not a number 2."
    )
    nothing = FactCheckImportResult(0, 0, 0, 0, {"no claim text": 2}, {})
    assert render_import_result(nothing, "for all servers") == (
        "Nothing imported for all servers: all 2 ClaimReview(s) were skipped.\n"
        "Skipped 2: no claim text 2."
    )


def test_library_stats_escape_publishers() -> None:
    stats = LibraryStats(
        fact_checks=3,
        publishers=[("*Desk*", 2), ("", 1)],
        newest="2024-03-01",
        oldest=None,
        last_import=1_700_000_000.5,
    )
    assert render_library_stats(stats, "here") == (
        "**3 fact-check(s)** here.\n"
        r"Top publishers: \*Desk\* 2, unknown publisher 1." + "\n"
        "Newest fact-check: 2024-03-01; oldest: undated.\n"
        "Last import: <t:1700000000:R>."
    )
    empty = LibraryStats(0, [], None, None, None)
    assert render_library_stats(empty, "here") == (
        "No fact-checks here yet: a moderator imports a feed with `/factchecks import`."
    )


def test_search_results_keep_whole_entries_within_a_message() -> None:
    assert render_fact_check_matches("bridges", [], None) == "No fact-check found for “bridges”."
    long = dataclasses.replace(RECORD, claim_reviewed="word " * 400)
    text = render_fact_check_matches("bridges", [(long, 0.91)] * 5, None)
    assert len(text) <= 2000
    entries = text.split("\n**")
    assert entries[0] == "Fact-checks closest to “bridges”:"
    assert [e.split(" · ")[0] for e in entries[1:]] == [
        "1.** score 0.91",
        "2.** score 0.91",
        "3.** score 0.91",
        "4.** score 0.91",
    ]
    assert all(e.endswith("”") for e in entries[1:])
