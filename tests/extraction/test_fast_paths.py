"""The scoring shortcuts read exactly what the plain readings they replace would read.

Each fast path (one scan for all cue lists, ASCII shortcuts, searches from the first
digit) is compared with the straightforward computation, written out here as the oracle.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.text import WORD
from bot.extraction.cue_index import SIGNAL_CUES
from bot.extraction.lexicon import (
    _MATCH_FOLDS,
    Lexicon,
    _alternation,
    available_languages,
    get_lexicon,
    load_raw,
    ngrams,
    normalize_for_matching,
    tokenize,
)
from bot.extraction.scoring import _known_words, is_language
from bot.extraction.signals import (
    _CLOSERS,
    _DIGIT,
    _LEADING,
    _NUMERIC_DATE,
    _QUANTITY,
    _YEAR,
    Signals,
    compute_signals,
)

LANGUAGES = ("en", "fr", "und")
FOLD_TABLE = {ord(typographic): plain for typographic, plain in _MATCH_FOLDS}


def _cue_phrases(language: str) -> set[str]:
    lexicon = get_lexicon(language)
    return {phrase for name in SIGNAL_CUES for phrase in getattr(lexicon, name).phrases}


CUE_PHRASES = sorted(_cue_phrases("en") | _cue_phrases("fr"))
CUE_WORDS = sorted({word for phrase in CUE_PHRASES for word in phrase.split()})
OTHER_WORDS = ["Paris", "Le", "The", "x", "2024", "12/05/2023", "650 000", "3.5", "l'Insee"]
ODD_CHARACTERS = ["’", "'", "«", "»", "\u00a0", "\u202f", "\x1c", "²", "½", "ǅ", "?", "-", "."]
PIECES = st.sampled_from(CUE_PHRASES + CUE_WORDS + OTHER_WORDS + ODD_CHARACTERS)
SENTENCES = st.one_of(
    st.lists(PIECES, max_size=30).map(" ".join),
    st.lists(PIECES, max_size=30).map("".join),
    st.text(max_size=200),
)


def _ngram_counts(tokens: list[str], lexicon: Lexicon) -> list[int]:
    grams = ngrams(tokens, lexicon.max_phrase_words)
    return [len(getattr(lexicon, name).phrases & grams) for name in SIGNAL_CUES]


def test_cue_index_counts_phrases_of_every_length_once() -> None:
    english = get_lexicon("en")
    tokens = tokenize("According to the report, according to the mayor, we will build it.")
    counts = dict(zip(SIGNAL_CUES, english.cues.phrase_counts(tokens), strict=True))
    assert counts["according"] == 1  # the same phrase twice counts once
    assert counts["intention"] == _ngram_counts(tokens, english)[SIGNAL_CUES.index("intention")]
    assert english.cues.phrase_counts([]) == [0] * len(SIGNAL_CUES)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from([*CUE_PHRASES, *CUE_WORDS, "x", "y"]), max_size=30))
def test_cue_index_counts_what_the_ngram_intersection_counts(
    language: str, words: list[str]
) -> None:
    lexicon = get_lexicon(language)
    tokens = tokenize(" ".join(words))
    assert lexicon.cues.phrase_counts(tokens) == _ngram_counts(tokens, lexicon)


def _plain_signals(text: str, lexicon: Lexicon) -> Signals:
    """`compute_signals` without shortcuts: every cue list against every n-gram."""
    norm = text.translate(FOLD_TABLE)
    body = norm.strip(_LEADING).rstrip()
    tokens = tokenize(norm)
    grams = ngrams(tokens, lexicon.max_phrase_words)

    def count(name: str) -> int:
        return int(getattr(lexicon, name).count(grams, tokens, norm))

    has_digit = _DIGIT.search(norm) is not None
    words = WORD.findall(body)[1:]
    return Signals(
        words=len(tokens),
        number=(has_digit and _QUANTITY.search(norm) is not None) or count("number_words") > 0,
        date=count("months") > 0
        or count("date_words") > 0
        or (has_digit and (_YEAR.search(norm) or _NUMERIC_DATE.search(norm)) is not None),
        named_entities=sum(1 for w in words if w[0].isupper() or w[1:2].isupper()),
        reported_speech=count("reporting") > 0,
        named_source=count("according") > 0,
        reported_unconfirmed=count("reported_unconfirmed") > 0,
        question=body.rstrip(_CLOSERS).endswith("?"),
        question_word_start=lexicon.question_start.match(body) is not None,
        speculation=count("speculation"),
        opinion=count("opinion"),
        intention=count("intention"),
        prediction=count("prediction"),
        concessive=count("concessive") > 0,
        inference=count("inference") > 0,
        first_person=count("first_person"),
        context_start=lexicon.context_start.match(body) is not None
        and lexicon.impersonal_start.match(body) is None,
        past_event=count("past_event") > 0,
        generic=count("generic") > 0,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=200, deadline=None)
@given(text=SENTENCES)
def test_compute_signals_reads_what_the_plain_reading_reads(language: str, text: str) -> None:
    lexicon = get_lexicon(language)
    assert compute_signals(text, lexicon) == _plain_signals(text, lexicon)


def test_signals_of_a_sentence_with_figures_and_names() -> None:
    signals = compute_signals(
        "Le 12/05/2023, selon l’Insee, le chômage a reculé à 7,1 % en France.", get_lexicon("fr")
    )
    assert (signals.number, signals.date, signals.named_source) == (True, True, True)
    assert signals.named_entities == 1  # France ("l'Insee" starts lower-case)
    assert compute_signals("nothing here is capitalised", get_lexicon("en")).named_entities == 0


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*ODD_CHARACTERS, "a", "é", " ", "\u2018"])))
def test_normalize_for_matching_folds_like_the_translation_table(text: str) -> None:
    assert normalize_for_matching(text) == text.translate(FOLD_TABLE)


def _plain_is_language(text: str) -> bool:
    known = _known_words()
    found = [w for w in re.findall(r"[^\W\d_]{2,}", text.lower()) if w in known]
    if len(found) < 2 and not any(len(w) > 2 for w in found):
        return False
    letters = len(re.sub(r"[\W\d_]+", "", text))
    return letters >= 0.5 * len("".join(text.split()))


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(alphabet=st.characters(max_codepoint=127), max_size=120),
        st.lists(PIECES, max_size=20).map(" ".join),
        st.text(max_size=120),
    )
)
def test_is_language_decides_like_the_plain_counts(text: str) -> None:
    assert is_language(text) == _plain_is_language(text)


def test_is_language_on_examples() -> None:
    assert is_language("The mayor said it.")
    assert not is_language("of")  # one two-letter word turns up by chance
    assert not is_language("the \x1c\x1d\x1e\x1f 123 456 789 !!")  # mostly symbols
    # str.split() drops the ASCII separators \x1c-\x1f: they are not visible characters.
    assert is_language("the cat" + "\x1c\x1d\x1e\x1f" * 2)


def _guard_per_entry(entries: list[str]) -> re.Pattern[str]:
    """The word-list regex with each entry carrying its own guards, in the same order."""
    words = sorted(
        (e for e in entries if e and e[0] not in "-" and not e.startswith("re:")),
        key=len,
        reverse=True,
    )
    parts = [
        (r"(?<![\w'’])" if w[0].isalnum() else "")
        + re.escape(w).replace("\\ ", r"\s+").replace("'", "['’]")
        + (r"(?![\w-])" if w[-1].isalnum() else "")
        for w in words
    ]
    return re.compile(f"(?:{'|'.join(parts) or '(?!x)x'})", re.IGNORECASE)


WORD_LISTS = sorted(
    (code, key)
    for code in available_languages()
    for key, entries in load_raw(code).items()
    if all(isinstance(e, str) for e in entries)
)
LIST_ENTRIES = sorted(
    {e for code, key in WORD_LISTS for e in load_raw(code)[key] if "re:" not in e}
)
LIST_TEXT = st.lists(
    st.sampled_from([*LIST_ENTRIES, "x", "l'", "’", "-", ",", "  ", "\n", "Paris"]), max_size=12
).map(" ".join)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(text=st.one_of(LIST_TEXT, LIST_TEXT.map(lambda t: t.replace(" ", ""))))
def test_word_list_regexes_match_like_one_guard_per_entry(text: str) -> None:
    for code, key in WORD_LISTS:
        entries = load_raw(code)[key]
        shared = re.compile(f"(?:{_alternation(entries)})", re.IGNORECASE)
        spans = [m.span() for m in shared.finditer(text)]
        assert spans == [m.span() for m in _guard_per_entry(entries).finditer(text)], (code, key)
