"""Reported judgements: an opinion reported as someone's view is not a fact.

"Les opposants estiment que la réforme est injuste", "Critics consider the plan too
expensive", "Residents feel that the city has abandoned them": the verb frames a
judgement, and reporting it faithfully does not make it something to check.  Such a
sentence is check-worthy only when the clause it frames is itself a fact: a figure or a
date, and check-worthy on its own ("L'Insee estime que 40 % des ménages ont réduit…",
"Many parents believe the school closed two classes in 2024").  Otherwise the sentence
gets `REPORTED_JUDGEMENT`, a strong opinion term.

Three frames, their cues in `data/<lang>.json`:

* a verb of judgement after its subject (`judgement_verbs`: estimer, juger, considérer,
  trouver, penser / consider, deem, feel, find, believe).  A finding is not a judgement:
  "The study found that…", "Le tribunal a jugé que…" (a document or a body that finds,
  `speaker.is_finder`), so both readings of "find" are decided by who finds.  The
  first person ("I think", "nous estimons") is left to the opinion cues: the speaker's
  own view, which the learned stance weights already weigh;
* "Pour X, …" / "For X, …" (`judgement_frame_starts`), the holder of a view, like a verb
  of judgement: "Pour le syndicat, la direction a supprimé 40 postes depuis 2020" stays;
* "Selon X, c'est…", "According to X, it is…" (`according_to`) when the clause is a
  view: it opens on an opinion
  (`opinion_openers`), holds an opinion cue or a word of judgement, or guesses
  ("Selon le Guardian, la Russie pourrait aider…": the Guardian's guess, not a fact);
* a quotation with its speaker ("'This is a disgrace,' said X", «C'est un scandale», a
  déclaré X) when the quotation is a view in the same sense.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

from .attribution import holder
from .lexicon import Lexicon, normalize_for_matching, tokenize
from .model import sigmoid
from .names import SEGMENT, has_verb, is_finder, is_pronoun
from .signals import Signals
from .speaker import speaker_name

#: Logit added to a sentence that reports a judgement: about the rule score's two opinion
#: cues (2 x -1.6), so that a frame scored 0.9 on its words ends near 0.25.
REPORTED_JUDGEMENT = -3.0
#: probabilities are kept this far from 0 and 1 to take their logit
_EPSILON = 1e-9
#: the check-worthiness a framed clause needs on its own (the scorer's threshold)
FACTUAL_CLAUSE_SCORE = 0.5
MAX_SUBJECT_WORDS = 12

# «quote», a déclaré X / "quote," said X: the quotation, when the sentence opens on it.
_OPENING_QUOTE = re.compile(r"^\s*(?:«([^«»]+)»|“([^“”]+)”|\"([^\"]+)\")\s*,?\s*")
_DIGIT = re.compile(r"\d")

ScoreClause = Callable[[str], tuple[float, Signals]]


@dataclass(frozen=True, slots=True)
class Frame:
    """What frames a judgement, and the clause it frames."""

    kind: str  # "verb", "holder", "according to", "quote"
    clause: str


def _verb_frame(text: str, norm: str, lexicon: Lexicon) -> Frame | None:
    verb = lexicon.judgement_verbs.search(norm)
    if verb is None or verb.start() == 0:
        return None
    before = text[: verb.start()]
    parts = [p.strip() for p in SEGMENT.split(before) if p.strip()]
    subject = parts[-1] if parts else ""  # "Le maire, Thierry Lambert, juge…": the name
    words = subject.split()
    if not words or len(words) > MAX_SUBJECT_WORDS or has_verb(before, lexicon):
        return None  # "The quake was felt…", "Le musée se trouve…": not a judgement
    reflexive = words[-1].lower() in lexicon.reflexive_pronouns
    if reflexive or lexicon.appositive_start.match(subject.lower()):
        return None
    if not (is_pronoun(subject, lexicon) or speaker_name(subject, lexicon) is not None):
        return None
    if not lexicon.first_person.phrases.isdisjoint(tokenize(subject)):
        return None  # "I think…", "nous estimons…": the speaker's own view, an opinion cue
    if is_finder(subject, lexicon):
        return None  # "The study found that…": a finding
    after = norm[verb.end() :]
    complementizer = lexicon.complementizer_start.match(after)
    skip = 0
    if complementizer is not None and len(complementizer.group().split()) <= 1:
        skip = complementizer.end()  # "that", "que", "qu'": not "the plan that…"
    clause = text[verb.end() + skip :].lstrip(" ,:")
    return Frame("verb", clause) if clause.strip() else None


def _according_frame(text: str, norm: str, lexicon: Lexicon) -> Frame | None:
    """ "Selon les opposants, c'est …"; "Pour beaucoup, la fermeture n'est que …" (a
    holder's view whatever its clause, as after a verb of judgement)."""
    if holder(text, lexicon) is not None:
        start = lexicon.judgement_frame_start.match(norm)
        kind = "holder"
    else:
        start = lexicon.according_to.match(norm)
        kind = "according to"
    if start is None or "," not in norm[start.end() :]:
        return None
    comma = norm.index(",", start.end())
    return Frame(kind, text[comma + 1 :].lstrip())


def framed_judgement(text: str, lexicon: Lexicon, *, quoted: bool = False) -> Frame | None:
    """The frame of a reported judgement in `text`, if it has one (`quoted`: the text is a
    quotation whose speaker is named)."""
    norm = normalize_for_matching(text)
    if quoted:
        return Frame("quote", text)
    opening = _OPENING_QUOTE.match(norm)
    if opening is not None and lexicon.quote_tag_verbs.match(norm, opening.end()):
        inner = next(g for g in opening.groups() if g is not None)
        return Frame("quote", inner)
    return _verb_frame(text, norm, lexicon) or _according_frame(text, norm, lexicon)


def _a_view(clause: str, signals: Signals, lexicon: Lexicon) -> bool:
    """A view rather than a statement: an opinion (it opens on "c'est"/"it is", or holds an
    opinion cue or a word of judgement) or a guess ("pourrait", "might")."""
    norm = normalize_for_matching(clause).lstrip(' «“"')
    return (
        lexicon.opinion_opener.match(norm) is not None
        or signals.opinion > 0
        or signals.speculation > 0
        or lexicon.opinion_adjective.search(norm) is not None
    )


def reports_a_judgement(
    text: str, lexicon: Lexicon, score_clause: ScoreClause, *, quoted: bool = False
) -> bool:
    """True when `text` reports someone's judgement rather than a fact (module docstring).

    `score_clause` is the scorer without this rule: the framed clause is judged on its own.
    """
    frame = framed_judgement(text, lexicon, quoted=quoted)
    if frame is None:
        return False
    score, signals = score_clause(frame.clause)
    if frame.kind in ("according to", "quote") and not _a_view(frame.clause, signals, lexicon):
        return False  # "Selon l'Insee, le chômage a reculé…": a speaker, not a judgement
    return not _factual(frame.clause, score, signals, lexicon)


def _factual(clause: str, score: float, signals: Signals, lexicon: Lexicon) -> bool:
    """A fact on its own: a figure or a date, check-worthy without its frame, and not a bare
    characterisation ("la fusion n'est qu'un début", "the merger is only the beginning":
    a copula with no figure)."""
    if not (signals.number or signals.date) or score < FACTUAL_CLAUSE_SCORE:
        return False
    if _DIGIT.search(clause) is not None:
        return True
    tokens = tokenize(clause)
    if any(
        w in lexicon.number_words.phrases and unit in lexicon.counted_units
        for w, unit in pairwise(tokens)
    ):
        return True  # "la troisième fermeture en six semaines": "six semaines" is a figure
    words = set(tokens)
    return words.isdisjoint(lexicon.copulas & lexicon.clause_verb_words)


def judged(score: float) -> float:
    """`score` with the `REPORTED_JUDGEMENT` term added to its logit."""
    p = min(max(score, _EPSILON), 1.0 - _EPSILON)
    return sigmoid(math.log(p / (1.0 - p)) + REPORTED_JUDGEMENT)
