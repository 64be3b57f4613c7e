"""A fact-check's rating → the evidence stance it lends a claim it matches.

False-like ratings refute, true-like ratings support, anything else (mixture, misleading,
missing context, satire, unproven) is context: a misleading claim is not refuted as stated,
and reviewers should read the fact-check rather than take its rating as settled. Words are compared
folded (case, accents, punctuation), so "FAUX", "faux" and "Faux." are one rating. With no
word we recognise, a numeric ratingValue on its best/worst scale decides: the bottom fifth
refutes, the top fifth supports, the middle is context.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.core.text import fold

__all__ = ["REFUTING_WORDS", "SUPPORTING_WORDS", "Stance", "stance_of"]

Stance = Literal["supports", "refutes", "context"]

REFUTING_WORDS = frozenset(
    {
        # English
        "false", "pants on fire", "pants on fire!", "mostly false", "fake", "incorrect",
        "wrong", "untrue", "not true", "hoax", "fabricated", "fabricated content", "scam",
        "four pinocchios", "baseless", "no evidence", "debunked", "inaccurate", "bogus",
        "mostly untrue", "false claim", "fiction", "fake news", "completely false",
        # French
        "faux", "plutot faux", "fausse", "infox", "intox", "arnaque", "inexact", "c'est faux",
        "totalement faux", "completement faux", "archi faux",
        # Spanish
        "falso", "falsa", "mayormente falso", "principalmente falso", "bulo", "mentira",
        "incorrecto", "inventado",
        # German
        "falsch", "frei erfunden", "groesstenteils falsch", "grossteils falsch", "unwahr",
        "erfunden", "weitgehend falsch",
        # Portuguese
        "maioritariamente falso",
        # Italian
        "bufala", "notizia falsa", "in gran parte falso",
        # Dutch
        "onwaar", "niet waar", "grotendeels onwaar", "onjuist",
        # Polish, Czech, Slovak, Croatian, Romanian, Catalan
        "fałsz", "nieprawda", "nepravda", "netočno", "lažno",
        "fals", "mincinos",
        # Swedish, Danish, Norwegian
        "falskt", "osant", "falsk", "usant", "usandt",
        # Turkish, Indonesian
        "yanlış", "asılsız", "salah", "hoaks", "keliru",
        # Greek, Russian, Ukrainian
        "ψευδές", "ψευδης", "ложь", "неправда", "фейк", "фейк ньюс",
        # Arabic, Hindi
        "زائف", "خطأ", "كاذب", "फर्जी", "गलत", "झूठ",
    }
)  # fmt: skip

SUPPORTING_WORDS = frozenset(
    {
        # English
        "true", "mostly true", "correct", "accurate", "geppetto checkmark", "verified",
        "confirmed", "legit", "real", "mostly correct", "mostly accurate", "correct attribution",
        # French
        "vrai", "plutot vrai", "exact", "c'est vrai", "vraie", "confirme",
        # Spanish
        "verdadero", "verdadera", "cierto", "mayormente verdadero", "mayormente cierto",
        "correcto", "verdad",
        # German
        "richtig", "wahr", "groesstenteils richtig", "weitgehend richtig", "stimmt",
        "zutreffend", "korrekt", "bestaetigt",
        # Portuguese
        "verdadeiro", "verdade", "correto", "verdadeira", "confirmado",
        # Italian
        "vero", "corretto", "vera", "in gran parte vero", "confermato",
        # Dutch
        "waar", "grotendeels waar", "klopt", "juist",
        # Polish, Czech, Slovak, Croatian, Romanian, Catalan
        "prawda", "pravda", "točno", "istinito", "adevarat", "cert",
        # Swedish, Danish, Norwegian
        "sant", "sandt",
        # Turkish, Indonesian
        "doğru", "benar",
        # Greek, Russian, Ukrainian
        "αληθές", "αληθης", "правда", "верно", "достовірно",
        # Arabic, Hindi
        "صحيح", "सच", "सही",
    }
)  # fmt: skip

# "Engañoso" (es), "Irreführend" (de), "Enganoso" (pt), "Trompeur" (fr), "Fuorviante" (it),
# "Misleading", "Mixture", "Half true", "Unproven", "Satire", "Missing context"... are context,
# as is every word not listed above: context is the safe default for a word we do not know.

_SPACES = re.compile(r"[\s_\-]+")
_EDGES = re.compile(r"^[^\w!?']+|[^\w!?']+$")
REFUTING_SHARE = 0.2
SUPPORTING_SHARE = 0.8


def _normal(word: str) -> str:
    # German writes ä, ö, ü as ae, oe, ue without them; fold makes "ß" "ss".
    text = word.replace("ö", "oe").replace("ä", "ae").replace("ü", "ue")
    text = text.replace("Ö", "oe").replace("Ä", "ae").replace("Ü", "ue")
    text = fold(text).replace("’", "'")
    return _EDGES.sub("", _SPACES.sub(" ", text).strip())


_REFUTING = frozenset(_normal(w) for w in REFUTING_WORDS)
_SUPPORTING = frozenset(_normal(w) for w in SUPPORTING_WORDS)


def stance_of(
    rating_name: str | None,
    rating_value: float | None = None,
    best_rating: float | None = None,
    worst_rating: float | None = None,
) -> Stance:
    """The stance of a fact-check from its rating word, else from its number on its scale."""
    if rating_name:
        word = _normal(rating_name)
        if word in _REFUTING:
            return "refutes"
        if word in _SUPPORTING:
            return "supports"
        if word:
            return "context"
    if rating_value is None or best_rating is None:
        return "context"
    worst = 1.0 if worst_rating is None else worst_rating
    if best_rating == worst:
        return "context"
    share = (rating_value - worst) / (best_rating - worst)
    if not 0.0 <= share <= 1.0:
        return "context"
    if share <= REFUTING_SHARE:
        return "refutes"
    if share >= SUPPORTING_SHARE:
        return "supports"
    return "context"
