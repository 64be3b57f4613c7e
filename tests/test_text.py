"""The shared text rules (bot.core.text): one clip, one Jaccard, one word, one number, one fold
and one stopword list per language for every layer."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import (
    WORD,
    clip,
    clip_line,
    fold,
    is_number,
    is_stopword,
    jaccard,
    letter_words,
    numbers,
    stopwords,
    terms,
    tweet_date,
    word_count,
    words,
)
from bot.extraction.lexicon import get_lexicon


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("short", 5) == "short"
    assert clip("one two three", 8) == "one two…"
    assert clip("a\nb", 10) == "a\nb"


def test_clip_line_puts_the_text_on_one_line_first() -> None:
    assert clip_line("  Resolved:\n\tthe  source\nwas wrong ", 100) == (
        "Resolved: the source was wrong"
    )
    assert clip_line("one\ntwo three", 8) == "one two…"


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_clip_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(clip(text, limit)) <= limit
    assert len(clip_line(text, limit)) <= limit


def test_jaccard_of_two_empty_sets_is_zero() -> None:
    """Sharing no words is no sign of a duplicate: the extractor keeps both empty claims."""
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert jaccard(frozenset({"a"}), frozenset()) == 0.0
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset({"a"}), frozenset({"a"})) == 1.0


# -- words, numbers, folding, stopwords: one rule each ------------------------------------------


def test_a_word_is_counted_as_a_reader_counts_it() -> None:
    text = "Aujourd'hui, Sud-Rail et l’Élysée : COVID-19 à 40 % !"
    assert WORD.findall(text) == [
        "Aujourd'hui",
        "Sud-Rail",
        "et",
        "l’Élysée",
        "COVID-19",
        "à",
        "40",
    ]
    assert word_count(text) == 7
    assert word_count("") == word_count(" — ! ") == 0


def test_wordings_are_compared_by_their_folded_letter_and_digit_runs() -> None:
    assert words("Aujourd'hui, l’Élysée : COVID-19") == [
        "aujourd",
        "hui",
        "l",
        "elysee",
        "covid",
        "19",
    ]
    assert letter_words("l'Association 2024 a-t-il") == ["l", "association", "a", "t", "il"]


def test_numbers_are_the_figures_written_in_digits_alone() -> None:
    assert numbers("3.5% of 650 000 in 2019, COVID-19, 5G, 0050 and 0") == {
        "3", "5", "650", "0", "2019", "19", "50",
    }  # fmt: skip
    assert numbers("It cost 0050 euros.") == numbers("It cost 50 euros.") == {"50"}
    assert numbers("covid19 and 5G") == frozenset()
    assert is_number("2019") and not is_number("5G")


def test_fold_drops_case_and_accents_for_good() -> None:
    assert fold("Élysée") == fold("ÉLYSÉE") == fold("elysee") == "elysee"
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("ﬁnal café") == "final cafe"
    assert fold("Plain ASCII") == "plain ascii"


@given(st.text())
def test_fold_is_stable(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_one_stopword_list_per_language_for_extraction_and_matching() -> None:
    """The extractor's lexicon, language detection and the matcher's terms read one list."""
    english = stopwords("en")
    assert {"the", "of", "not", "may", "rt"} <= english and "said" not in english
    assert get_lexicon("en").stopwords == english
    assert get_lexicon("fr").stopwords == stopwords("fr")
    assert "été" in stopwords("fr") and is_stopword("ete", "fr")
    # English stopwords are dropped in every language: claims in any language quote English.
    assert is_stopword("the", "fr") and is_stopword("the", "xx")
    assert stopwords("xx") == get_lexicon("xx").stopwords == frozenset()
    assert terms("The trams of Paris were not running", "fr") == ["tram", "paris", "running"]
    assert terms("Drinking hot water cures it", "en") == ["drink", "hot", "water", "cure"]


def test_a_pasted_tweet_loses_its_links_signature_and_tag_marks() -> None:
    tweet = "Huge #AustralianFires news https://t.co/x — Jane Doe (@jane_doe) January 28, 2021"
    assert words(tweet) == ["huge", "australian", "fires", "news", "jane", "doe", "jane", "doe"]
    assert tweet_date(tweet) == date(2021, 1, 28)


def test_the_tweet_signature_pattern_is_linear_on_a_long_run_of_spaces() -> None:
    # Backtracking into the spaces before the last word took 40 s for these 40,000 spaces.
    text = "- a (@b) January 1, 2021" + " " * 40_000 + "x"
    assert words(text) == ["a", "b", "january", "1", "2021", "x"]
    assert words("-" + " " * 40_000 + "(@b) May 1, 2021") == ["b"]


def test_each_thread_stems_with_its_own_stemmer() -> None:
    """Snowball stemmers keep state between calls: a shared one corrupts stems when the
    fact-check library indexes in a worker thread while the loop's thread stems a query."""
    import threading

    from bot.core.text import _stemmer

    here = _stemmer("english")
    assert _stemmer("english") is here
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(_stemmer("english")))
    worker.start()
    worker.join()
    assert len(seen) == 1 and seen[0] is not here


def test_stems_are_the_same_when_many_threads_stem_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.core.text import stem

    words = [
        f"{root}{ending}"
        for root in ("vaccin", "drink", "ban", "report")
        for ending in ("", "s", "ing", "ed", "ation")
    ]
    expected = [stem.__wrapped__("en", w) for w in words]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(20):
            assert list(pool.map(lambda w: stem.__wrapped__("en", w), words)) == expected
