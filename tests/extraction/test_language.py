"""Language guess from the shipped stopword lists."""

from __future__ import annotations

from bot.extraction import detect_language


def test_french() -> None:
    assert detect_language("Le maire a annoncé que la ligne de tramway sera prolongée.") == "fr"


def test_english() -> None:
    assert detect_language("The mayor said that the tram line would be extended.") == "en"


def test_french_with_typographic_apostrophes() -> None:
    assert detect_language("L’État a versé l’aide aux communes qu’il a choisies.") == "fr"


def test_unsure_inputs_are_undetermined() -> None:
    assert detect_language("") == "und"
    assert detect_language("12345 67890") == "und"
    assert detect_language("Kuala Lumpur Jakarta Manila") == "und"


def test_minimal_spanish_and_german_data_files() -> None:
    assert (
        detect_language("El ayuntamiento aprobó el martes un presupuesto para la ciudad.") == "es"
    )
    assert detect_language("Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen.") == "de"


def test_spanish_claim_uses_its_own_cues() -> None:
    from bot.extraction import extract_claims

    text = "El ayuntamiento aprobó el martes un presupuesto de 48 millones de euros. ¿Por qué?"
    claims = extract_claims(text)
    assert [(c.text, c.language) for c in claims] == [
        ("El ayuntamiento aprobó el martes un presupuesto de 48 millones de euros.", "es")
    ]
