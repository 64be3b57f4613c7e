"""bot.matching.index: an index saved as bytes loads back into the same index, and a saved
index that does not fit is refused rather than misread."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.text import terms
from bot.matching import ClaimIndex, LibraryClaim
from bot.matching.index import CANDIDATES, MAX_POSTINGS, QUERY_TERMS
from bot.matching.matcher import rerank

LIBRARY = [
    LibraryClaim("a", "A shark swam on a flooded highway in Houston.", "en", "Shark on I-45?"),
    LibraryClaim("b", "The moon landing was filmed in a studio."),
    LibraryClaim("c", "Sharks were found in a Houston swimming pool."),
    LibraryClaim("d", "Le vaccin modifie l'ADN des personnes vaccinées.", "fr", "Vaccin et ADN"),
]


def saved(index: ClaimIndex) -> tuple[str, dict[str, bytes]]:
    return index.header(), dict(index.parts())


def test_a_loaded_index_finds_and_scores_what_the_built_one_does() -> None:
    built = ClaimIndex.build(LIBRARY)
    loaded = ClaimIndex.load(*saved(built))
    for query, language in [("shark Houston highway", "en"), ("le vaccin change l'ADN", "fr")]:
        candidates = built.candidates(query, language)
        assert loaded.candidates(query, language) == candidates
        documents = [LIBRARY[doc] for doc, _ in candidates]
        assert rerank(loaded, query, language, candidates, documents) == rerank(
            built, query, language, candidates, documents
        )
    assert [doc for doc, _ in built.candidates("shark Houston highway")] == [0, 2]
    assert len(loaded) == 4


def test_parts_that_do_not_fit_together_are_refused() -> None:
    header, parts = saved(ClaimIndex.build(LIBRARY))
    with pytest.raises(ValueError, match="another format"):
        ClaimIndex.load(header.replace("claim-index", "other"), dict(parts))
    with pytest.raises(ValueError, match="another format"):
        ClaimIndex.load(header, {k: v for k, v in parts.items() if k != "docs"})
    with pytest.raises(ValueError, match="do not fit"):
        ClaimIndex.load(header, {**parts, "docs": parts["docs"][:-4]})


def test_a_common_term_keeps_only_its_highest_weighted_postings() -> None:
    # Short claims weigh a term more than long ones (BM25 length normalisation).
    long_tail = " ".join(f"filler{i}" for i in range(20))
    claims = [LibraryClaim(str(i), f"ozone {long_tail}") for i in range(MAX_POSTINGS + 5)]
    claims += [LibraryClaim("short", "ozone hole")]
    index = ClaimIndex.build(claims)
    found = index.candidates("ozone", limit=MAX_POSTINGS + 10)
    assert len(found) == MAX_POSTINGS
    assert found[0][0] == len(claims) - 1
    assert len(index.candidates("hole")) == 1


def test_an_empty_library_has_no_candidates_and_saves() -> None:
    index = ClaimIndex.build([])
    assert index.candidates("anything") == []
    assert len(ClaimIndex.load(*saved(index))) == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8),
    st.text(max_size=60),
)
def test_any_library_round_trips_through_bytes(texts: list[str], query: str) -> None:
    claims = [LibraryClaim(str(i), text) for i, text in enumerate(texts)]
    built = ClaimIndex.build(claims)
    loaded = ClaimIndex.load(*saved(built))
    candidates = built.candidates(query, "en", CANDIDATES)
    assert loaded.candidates(query, "en", CANDIDATES) == candidates
    assert all(0 <= doc < len(claims) for doc, _ in candidates)


@pytest.mark.parametrize(
    ("query", "language"),
    [("Shark on the flooded Houston highway in 2017", "en"), ("Le vaccin change l'ADN", "fr")],
)
def test_features_from_the_indexed_terms_equal_those_read_from_the_text(
    query: str, language: str
) -> None:
    index = ClaimIndex.build(LIBRARY)
    candidates = index.candidates(query, language)
    documents = [LIBRARY[doc] for doc, _ in candidates]
    indexed = index.features(query, language, candidates, documents)
    read = index.features(query, language, candidates, documents, changed=[True] * len(documents))
    assert len(indexed) == len(candidates) > 0
    assert indexed == [pytest.approx(row) for row in read]


def _full_scores(index: ClaimIndex, query: str) -> dict[int, float]:
    """Every document's score from every query term's (pruned) postings: the reference."""
    scores: dict[int, float] = {}
    for token in set(terms(query)):
        position = index._term(token)
        if position < 0:
            continue
        start, end = index.offsets[position], index.offsets[position + 1]
        for doc, impact in zip(index.docs[start:end], index.impacts[start:end], strict=True):
            scores[doc] = scores.get(doc, 0.0) + impact
    return scores


def test_a_long_query_finds_candidates_by_its_rarest_terms_and_scores_them_by_all() -> None:
    words = [f"word{i}" for i in range(QUERY_TERMS + 10)]
    # word_i is in i + 1 claims: the first words are the rarest.
    claims = [
        LibraryClaim(str(n), " ".join(w for i, w in enumerate(words) if n <= i))
        for n in range(len(words))
    ]
    claims.append(LibraryClaim("common only", " ".join(words[QUERY_TERMS:])))
    index = ClaimIndex.build(claims)
    query = " ".join(words)
    found = index.candidates(query, limit=len(claims))
    reference = _full_scores(index, query)
    # Claims with only the commonest words are not found by the rarest ones ...
    assert sorted(doc for doc, _ in found) == list(range(QUERY_TERMS))
    # ... and every candidate's score counts all the query's terms, best first.
    assert dict(found) == pytest.approx({doc: reference[doc] for doc, _ in found})
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ferry", "bridge", "tax", "mayor", "port", "rail", "school"]),
        min_size=1,
        max_size=6,
    )
)
def test_a_short_query_scores_exactly_as_a_full_scan(query_words: list[str]) -> None:
    index = ClaimIndex.build(
        [
            LibraryClaim(str(i), text)
            for i, text in enumerate(
                ["ferry tax", "bridge mayor", "port rail school", "tax tax mayor", "school ferry"]
            )
        ]
    )
    query = " ".join(query_words)
    reference = _full_scores(index, query)
    found = dict(index.candidates(query, limit=10))
    assert found == pytest.approx(reference)
