"""bot.documents.claimreview: every shape publishers ship, every quirk real feeds have."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.records import NewFactCheck
from bot.documents.claimreview import (
    MAX_DEPTH,
    ClaimReviewError,
    ImportReport,
    read_fact_checks,
)


def claim_review(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.example/moon",
        "claimReviewed": "The moon is made of cheese.",
        "author": {"@type": "Organization", "name": "Fact Org"},
        "datePublished": "2021-02-03T10:00:00Z",
        "inLanguage": "en",
        "name": "Is the moon cheese?",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "False",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Bob"}},
    }
    base.update(overrides)
    return base


# The fact-check the reader yields for `claim_review()`: the record storage takes.
MOON = NewFactCheck(
    url="https://factcheck.example/moon",
    claim_reviewed="The moon is made of cheese.",
    title="Is the moon cheese?",
    publisher="Fact Org",
    published="2021-02-03",
    rating_name="False",
    rating_value=1.0,
    best_rating=5.0,
    worst_rating=1.0,
    claimant="Bob",
    language="en",
)


def read(source: Any) -> tuple[list[NewFactCheck], ImportReport]:
    report = ImportReport()
    return list(read_fact_checks(source, report)), report


def test_a_single_object() -> None:
    assert read(json.dumps(claim_review())) == ([MOON], ImportReport(kept=1))


def test_an_array_of_claim_reviews() -> None:
    other = claim_review(url="https://factcheck.example/sun", claimReviewed="The sun is cold.")
    found, report = read(json.dumps([claim_review(), other]))
    assert [r.url for r in found] == [
        "https://factcheck.example/moon",
        "https://factcheck.example/sun",
    ]
    assert report.kept == 2


def test_a_graph() -> None:
    page = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, claim_review()]}
    assert read(json.dumps(page)) == ([MOON], ImportReport(kept=1))


def test_a_datafeed_read_from_a_byte_stream() -> None:
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [claim_review()]},
            {"@type": "DataFeedItem", "item": [claim_review(url="https://factcheck.example/2")]},
        ],
    }
    found, report = read(io.BytesIO(json.dumps(feed).encode()))
    assert [r.url for r in found] == [
        "https://factcheck.example/moon",
        "https://factcheck.example/2",
    ]
    assert report == ImportReport(kept=2)


class Trickle(io.RawIOBase):
    """A stream that hands out one byte per read, so every escape straddles a read."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self.data.read(1)


def test_a_stream_read_one_byte_at_a_time_gives_the_same_fact_checks() -> None:
    bad = json.dumps(claim_review(url="https://factcheck.example/bad")).replace(
        "cheese", "che\\u12G4se"
    )
    good = json.dumps(claim_review(claimReviewed="Caf\u00e9 \\u is \\\\ fine"))
    found, report = read(Trickle(f"\ufeff \n[{bad}, {good}]".encode()))
    assert [r.claim_reviewed for r in found] == ["Café \\u is \\\\ fine"]
    assert report.skipped == Counter({"invalid \\u escape": 1})


def test_an_html_page_with_ld_json_blocks() -> None:
    page = (
        '<html><head><script type=\'application/ld+json\'>{"@type": "WebSite"}</script>'
        f'<script type="application/ld+json">\n{json.dumps(claim_review())}\n</script>'
        "</head><body>text</body></html>"
    )
    assert read(page) == ([MOON], ImportReport(kept=1))


def test_a_broken_ld_json_block_is_counted_and_the_others_read() -> None:
    page = (
        '<script type="application/ld+json">{broken</script>'
        f'<script type="application/ld+json">{json.dumps(claim_review())}</script>'
    )
    found, report = read(page)
    assert found == [MOON]
    assert report.skipped == Counter({"ld+json block is not valid JSON": 1})


@pytest.mark.parametrize(
    ("given", "published"),
    [
        ("2021-02-03T10:00:00Z", "2021-02-03"),
        ("2021-02-03", "2021-02-03"),
        ("2021-02-30", None),  # no such day
        ("3 February 2021", None),
        (20210203, None),
    ],
)
def test_the_date_is_stored_as_an_iso_day_or_none(given: Any, published: str | None) -> None:
    [found], _ = read(json.dumps(claim_review(datePublished=given)))
    assert found.published == published


def test_numeric_ratings_sent_as_strings() -> None:
    rating = {"alternateName": "False", "ratingValue": "1", "bestRating": "5", "worstRating": "1"}
    assert read(json.dumps(claim_review(reviewRating=rating))) == ([MOON], ImportReport(kept=1))


def test_a_rating_with_text_where_a_number_goes_is_nulled_and_counted() -> None:
    rating = {"alternateName": "False", "ratingValue": "one", "bestRating": "5", "worstRating": 1}
    found, report = read(json.dumps(claim_review(reviewRating=rating)))
    assert found[0].rating_value is None
    assert found[0].best_rating == 5.0
    assert report.nulled == Counter({"ratingValue is not a number": 1})


def test_an_invalid_u_escape_skips_only_its_record() -> None:
    good = json.dumps(claim_review())
    bad = json.dumps(claim_review(url="https://factcheck.example/bad")).replace(
        "cheese", "che\\u12G4se"
    )
    found, report = read(f"[{bad}, {good}]")
    assert found == [MOON]
    assert report.skipped == Counter({"invalid \\u escape": 1})


def test_an_escaped_backslash_before_u_is_text_not_an_escape() -> None:
    found, _ = read(json.dumps(claim_review(claimReviewed="C:\\users is a folder")))
    assert found[0].claim_reviewed == "C:\\users is a folder"


def test_a_missing_language_is_detected_from_the_claim() -> None:
    french = claim_review(claimReviewed="La lune est faite de fromage et elle est dans le ciel.")
    del french["inLanguage"]
    found, _ = read(json.dumps(french))
    assert found[0].language == "fr"


def test_a_language_tag_with_region_is_cut_to_its_language() -> None:
    found, _ = read(json.dumps(claim_review(inLanguage="fr-FR")))
    assert found[0].language == "fr"


def test_an_empty_claim_reviewed_falls_back_to_the_item_name() -> None:
    item = {"@type": "Claim", "name": "The moon is made of cheese.", "author": "Bob"}
    found, _ = read(json.dumps(claim_review(claimReviewed="", itemReviewed=item)))
    assert found == [MOON]


def test_an_empty_claim_and_item_skips_the_record() -> None:
    found, report = read(
        json.dumps([claim_review(claimReviewed="", itemReviewed={}), claim_review()])
    )
    assert found == [MOON]
    assert report.skipped == Counter({"no claim text": 1})


def test_an_empty_item_reviewed_leaves_no_claimant() -> None:
    found, _ = read(json.dumps(claim_review(itemReviewed={})))
    assert found[0].claimant is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://factcheck.example/x", "data:text/html,x", "/relative"]
)
def test_a_url_that_is_not_http_skips_the_record(url: str) -> None:
    found, report = read(json.dumps([claim_review(url=url), claim_review()]))
    assert found == [MOON]
    assert report.skipped == Counter({"url is not http(s)": 1})


def test_publisher_is_used_when_there_is_no_author() -> None:
    data = claim_review(publisher={"@type": "Organization", "name": "Pub"})
    del data["author"]
    assert read(json.dumps(data))[0][0].publisher == "Pub"


def test_rating_words_in_other_languages_are_kept_as_written() -> None:
    found, _ = read(json.dumps(claim_review(reviewRating={"alternateName": "Plutôt faux"})))
    assert (found[0].rating_name, found[0].rating_value) == ("Plutôt faux", None)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("hello", "This is not JSON: a ClaimReview feed starts with { or [."),
        ("", "This is not JSON: a ClaimReview feed starts with { or [."),
        ('{"@type": "WebPage"}', "No ClaimReview found in it."),
        ("[1, 2, 3]", "No ClaimReview found in it."),
        ("<html><body>no data</body></html>", "No ClaimReview found in it."),
    ],
)
def test_refusals_have_one_line_messages(source: str, message: str) -> None:
    with pytest.raises(ClaimReviewError) as raised:
        read(source)
    assert raised.value.message == message


def test_broken_json_is_refused_after_the_fact_checks_before_it() -> None:
    report = ImportReport()
    reader = read_fact_checks(f"[{json.dumps(claim_review())}, {{", report)
    assert next(reader) == MOON
    with pytest.raises(ClaimReviewError) as raised:
        next(reader)
    assert raised.value.message.startswith("The JSON is broken: ")
    assert "\n" not in raised.value.message


def test_deep_nesting_is_refused() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    with pytest.raises(ClaimReviewError) as raised:
        read(deep)
    assert raised.value.message == f"The JSON is nested more than {MAX_DEPTH} levels deep."


@pytest.mark.slow
def test_a_large_feed_is_read_in_constant_memory() -> None:
    """20,000 ClaimReviews (~9 MB of JSON): the reader's peak allocation stays far below the
    feed, because each finished fact-check and its DataFeedItem are dropped once yielded."""
    item = json.dumps({"@type": "DataFeedItem", "item": [claim_review()]})
    raw = ('{"@type": "DataFeed", "dataFeedElement": [' + ",".join([item] * 20_000) + "]}").encode()
    stream = io.BytesIO(raw)
    report = ImportReport()
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_fact_checks(stream, report))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, report.kept) == (20_000, 20_000)
    assert len(raw) > 8_000_000
    assert peak < 1_000_000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False,
    allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["@type", "url", "claimReviewed", "reviewRating", "itemReviewed",
                         "author", "inLanguage", "ratingValue", "name", "@graph", "item"]),
        children | st.just("ClaimReview") | st.just("https://x.example/"),
        max_size=6,
    ),
    max_leaves=30,
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_yields_fact_checks_or_the_documented_error(value: Any) -> None:
    report = ImportReport()
    try:
        found = list(read_fact_checks(json.dumps(value), report))
    except ClaimReviewError as error:
        assert "\n" not in error.message
        return
    assert all(isinstance(r, NewFactCheck) and r.url.startswith("https://") for r in found)
    assert report.kept == len(found)
