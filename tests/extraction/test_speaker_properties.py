"""Property tests: the speaker rules never crash on sentences made of the words they read.

The rules index word lists, runs of capitalised words and comma-separated parts; these
sentences are built from exactly those pieces (titles, articles, pronouns, tags, brackets,
quotes, possessives, figures) so that every branch meets empty and one-word cases.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extraction import ExtractionError, extract_claims
from bot.extraction.attribution import find_attribution
from bot.extraction.lexicon import get_lexicon
from bot.extraction.speaker import speaker_name
from bot.extraction.subjects import leading_speaker, only_person

PIECES = st.sampled_from(
    [
        "Le", "La", "Les", "le", "la", "l'", "The", "the", "a", "un", "Dr", "Mayor", "Mr",
        "Jean", "Dupont", "Marie", "Okafor's", "Ofcom's", "Water", "Department", "of", "de",
        "des", "and", "et", "maire", "président", "porte-parole", "spokesman", "for", "from",
        "said", "told", "says", "a", "déclaré", "a-t-il", "précisé", "dit-elle", "selon",
        "according", "to", "lui", "elle", "il", "she", "he", "it", "its", "son", "ses", "qui",
        "which", "whose", "que", "qu'", "report", "rapport", "étude", "figures", "published",
        "publiée", "by", "par", "at", "in", ",", ",", ".", ":", ";", "«", "»", '"', "(",
        ")", "(ARS)", "(divers", "droite)", "41", "£640,000", "2024", "six", "semaines",
        "estime", "à", "found", "that", "was", "been", "admitted", "se", "n'avoir", "—",
        "Councillor", "Board", "member", "chief", "executive", "Tourism", "\n",
    ]
)  # fmt: skip
SENTENCES = st.lists(PIECES, min_size=1, max_size=30).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(SENTENCES, st.none() | SENTENCES, st.sampled_from(["en", "fr"]))
def test_speaker_rules_never_crash(sentence: str, previous: str | None, language: str) -> None:
    lexicon = get_lexicon(language)
    found = find_attribution(sentence, lexicon, previous)
    assert found is None or (found.speaker and found.speaker.strip() == found.speaker)
    name = speaker_name(sentence, lexicon)
    assert name is None or name.strip() == name
    for result in (leading_speaker(sentence, lexicon), only_person(sentence, lexicon)):
        assert result is None or (isinstance(result[0], str) and result[0])


@settings(max_examples=150, deadline=None)
@given(st.lists(SENTENCES, min_size=1, max_size=6).map(" ".join))
def test_extraction_of_such_sentences_never_crashes(text: str) -> None:
    try:
        claims = extract_claims(text)
    except ExtractionError:
        return
    assert all(c.speaker is None or c.speaker.strip() == c.speaker for c in claims)
