"""Sentence segmentation on French and English news typography."""

from __future__ import annotations

from bot.extraction import split_sentences


def sentences(text: str, language: str | None = None) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text, language)]


def test_french_numbers_with_spaces_and_decimal_commas_stay_whole() -> None:
    text = (
        "Le billet coûte 1,90 euro. Plus de 650 000 voyageurs et 12\u202f500 élèves sont concernés."
    )
    assert sentences(text, "fr") == [
        "Le billet coûte 1,90 euro.",
        "Plus de 650 000 voyageurs et 12\u202f500 élèves sont concernés.",
    ]


def test_decimal_point_and_percent_do_not_split() -> None:
    text = "Inflation rose 3.5% in May. Prices fell 0.2 points in June."
    assert sentences(text, "en") == [
        "Inflation rose 3.5% in May.",
        "Prices fell 0.2 points in June.",
    ]


def test_french_abbreviations_do_not_end_sentences() -> None:
    text = (
        "M. Durand et Mme Leroy ont signé. Le coût, env. 300 euros, p. ex. pour un vélo, "
        "reste stable."
    )
    assert sentences(text, "fr") == [
        "M. Durand et Mme Leroy ont signé.",
        "Le coût, env. 300 euros, p. ex. pour un vélo, reste stable.",
    ]


def test_english_titles_and_initialisms() -> None:
    text = "Dr. Smith met Mr. J. Brown in the U.S. Senate. The meeting lasted an hour."
    assert sentences(text, "en") == [
        "Dr. Smith met Mr. J. Brown in the U.S. Senate.",
        "The meeting lasted an hour.",
    ]


def test_initialism_at_sentence_end_splits_before_function_word() -> None:
    text = "The firm moved to the U.S. The move cost $4 million."
    assert sentences(text, "en") == ["The firm moved to the U.S.", "The move cost $4 million."]


def test_guillemets_with_several_sentences_split_inside_the_quote() -> None:
    text = "«Nous avons fini. Le chantier est livré.» Jeanne Roy, architecte."
    assert sentences(text, "fr") == [
        "«Nous avons fini.",
        "Le chantier est livré.»",
        "Jeanne Roy, architecte.",
    ]


def test_closing_quote_after_full_stop_belongs_to_the_sentence() -> None:
    text = "He said: “We are ready.” Then he left the room."
    assert sentences(text, "en") == ["He said: “We are ready.”", "Then he left the room."]


def test_lines_without_end_punctuation_are_their_own_units() -> None:
    text = "A heading without a full stop\nThe body starts here. It goes on.\nAnother heading"
    assert sentences(text, "en") == [
        "A heading without a full stop",
        "The body starts here.",
        "It goes on.",
        "Another heading",
    ]


def test_ellipsis_question_and_exclamation_marks_end_sentences() -> None:
    text = "Was it planned? Nobody knows… The mayor laughed! Fine."
    assert sentences(text, "en") == [
        "Was it planned?",
        "Nobody knows…",
        "The mayor laughed!",
        "Fine.",
    ]


def test_lowercase_after_period_is_not_a_new_sentence() -> None:
    assert sentences("Il a vu etc. et puis rien.", "fr") == ["Il a vu etc. et puis rien."]


def test_spanish_and_german_still_split_on_end_punctuation() -> None:
    assert sentences("El tren llegó tarde. ¿Por qué? Nadie lo sabe.") == [
        "El tren llegó tarde.",
        "¿Por qué?",
        "Nadie lo sabe.",
    ]
    assert sentences("Der Zug kam spät an. Die Bahn nannte keinen Grund!") == [
        "Der Zug kam spät an.",
        "Die Bahn nannte keinen Grund!",
    ]


def test_spans_are_trimmed_and_ordered() -> None:
    text = "  First one.   Second one.  \n\n  Third one.  "
    spans = split_sentences(text, "en")
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one.", "Third one."]
    assert spans == sorted(spans)


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t \n") == []
