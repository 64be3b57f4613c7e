"""Check-worthiness of one statement: learned model where shipped, cue rules everywhere.

`score_sentence` is what `claimbot score` and the CheckThat! benchmark call.  For
a language with a trained model (English) it is the model's probability, whose
0.5 point is the threshold tuned on the dev set.  French is scored by the same
English model through a bilingual lexicon (`bilingual`).  Both add terms for the
speaker's stance: English the weights learned over the model's logit, French the rule
score's native stance cues.  Other languages get the rule score: a hand-weighted
logistic combination of the language-neutral signals (numbers, dates, named actors and
sources versus questions, hedges, opinions...).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.core.text import LETTER_RUN, stopwords

from .bilingual import load_bridge
from .judgement import ScoreClause, judged, reports_a_judgement
from .language import detect_language
from .lexicon import DATA_PACKAGE, Lexicon, available_languages, get_lexicon
from .model import LinearModel, english_vocabulary, load_bridged_model, load_model, sigmoid
from .signals import Signals, compute_signals

CHECKWORTHY_THRESHOLD = 0.5

# Hand-set weights of the rule score, in logit units.  Positive: verifiable content.
_BIAS = -1.1
_NUMBER = 1.2
_DATE = 0.8
_NAMED_SOURCE = 1.5
_REPORTED_SPEECH = 0.7
_NAMED_ACTOR = 0.6
_MANY_NAMED = 0.4
_UNCONFIRMED = 1.0
_PAST_EVENT = 0.4
_QUOTED_SPEAKER = 1.0
# Negative: what a fact-checker cannot or need not verify.
_QUESTION = -4.0
_QUESTION_START = -0.6
_SPECULATION = -2.4
_OPINION = -1.6
_INTENTION = -1.4
_PREDICTION = -1.3
_CONCESSIVE = -1.2
_INFERENCE = -0.6
_FIRST_PERSON = -0.8
_CONTEXT_START = -0.4
_TOO_SHORT = -1.5
_TOO_LONG = -0.5
SHORT_WORDS = 6
LONG_WORDS = 70
# A short sentence with nothing to check against (no figure, date, name, source or
# past event): "The sky is blue."  Chosen on dev (F1 0.8636 -> 0.8631, dev-test unchanged
# within one sentence); 8 words did better on dev but cost dev-test 0.008.
TRIVIAL_MAX_WORDS = 6
_NO_ANCHOR = -1.0
# A general truth or habit ("usually", "every year") with no figure, name or source.
_GENERIC = -1.0
_NOT_LETTER = re.compile(r"[\W\d_]+")
#: below this share of letters among the visible characters a line is symbols, not prose
MIN_LETTER_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Assessment:
    """A score with the signals behind it."""

    score: float
    signals: Signals


def rule_logit(s: Signals, *, external_source: bool = False) -> float:
    """Hand-weighted evidence for check-worthiness from language-neutral signals."""
    concrete = s.number or s.date
    sourced = s.named_source or s.reported_speech or external_source
    logit = _BIAS
    logit += _NUMBER * s.number + _DATE * s.date
    logit += _NAMED_SOURCE * s.named_source
    logit += _QUOTED_SPEAKER * (external_source and not s.named_source)
    logit += _PAST_EVENT * s.past_event
    logit += _REPORTED_SPEECH * s.reported_speech
    logit += _NAMED_ACTOR * (s.named_entities >= 1) + _MANY_NAMED * (s.named_entities >= 3)
    # The journalistic conditional ("seraient", "reportedly") reports a fact, unconfirmed.
    logit += _UNCONFIRMED * (s.reported_unconfirmed and not s.speculation)
    logit += _QUESTION * s.question + _QUESTION_START * (s.question_word_start and not concrete)
    # A hedge on a sourced, concrete report ("could be deployed from 2025, a source said")
    # still leaves a checkable fact; a bare hedge does not.
    hedge = _SPECULATION * min(s.speculation, 2)
    if concrete and sourced:
        hedge *= 0.4
    logit += hedge
    logit += _OPINION * min(s.opinion, 2)
    logit += _INTENTION * min(s.intention, 1) * (0.5 if concrete and sourced else 1.0)
    logit += _PREDICTION * min(s.prediction, 1) * (0.5 if concrete and sourced else 1.0)
    logit += _CONCESSIVE * s.concessive + _INFERENCE * s.inference
    logit += _FIRST_PERSON * min(s.first_person, 2)
    logit += _CONTEXT_START * s.context_start
    logit += _GENERIC * is_generic(s)
    logit += _TOO_SHORT * (s.words < SHORT_WORDS) + _TOO_LONG * (s.words > LONG_WORDS)
    return logit


def stance_logit(s: Signals) -> float:
    """The rule score's terms for the speaker's stance: hedge, opinion, intention, forecast.

    As in `rule_logit`, a hedge or a plan weighs less on a sourced, concrete report.
    """
    concrete_and_sourced = (s.number or s.date) and (s.named_source or s.reported_speech)
    hedge = _SPECULATION * min(s.speculation, 2) * (0.4 if concrete_and_sourced else 1.0)
    plan = _INTENTION * min(s.intention, 1) + _PREDICTION * min(s.prediction, 1)
    # "X wants ..., as he said in a speech in June": the plan is what X said, a fact.
    plan *= 0.0 if concrete_and_sourced else 1.0
    return hedge + plan + _OPINION * min(s.opinion, 2)


STANCE_FILE = "stance_weights.json"
#: The stance features, in the order `stance_features`, the weights file and the fit use.
STANCE_FEATURES = (
    "speculation",
    "speculation on a sourced fact",
    "intention",
    "prediction",
    "plan on a sourced fact",
    "opinion",
)


def stance_features(s: Signals) -> dict[str, float]:
    """The speaker's stance, one feature per cue class, as `tools/fit_stance.py` fits them.

    A hedge or a plan on a sourced, concrete report ("could be deployed from 2025, a
    source said") is its own feature: there it reports a fact rather than a guess.
    """
    concrete_and_sourced = bool((s.number or s.date) and (s.named_source or s.reported_speech))
    hedge = float(min(s.speculation, 2))
    plan = float(min(s.intention, 1) or min(s.prediction, 1))
    values = (
        0.0 if concrete_and_sourced else hedge,
        hedge if concrete_and_sourced else 0.0,
        0.0 if concrete_and_sourced else float(min(s.intention, 1)),
        0.0 if concrete_and_sourced else float(min(s.prediction, 1)),
        plan if concrete_and_sourced else 0.0,
        float(min(s.opinion, 2)),
    )
    return dict(zip(STANCE_FEATURES, values, strict=True))


@cache
def stance_weights() -> dict[str, float]:
    """The learned weight of each stance feature (`data/stance_weights.json`)."""
    path = resources.files(DATA_PACKAGE).joinpath(STANCE_FILE)
    raw = json.loads(path.read_text("utf-8"))
    return {str(k): float(v) for k, v in raw["weights"].items()}


StanceVector = tuple[float, float, float, float, float, float]


@cache
def _stance_vector() -> StanceVector:
    return stance_vector(stance_weights())


def stance_vector(weights: dict[str, float]) -> StanceVector:
    """Stance weights by name as a vector in `STANCE_FEATURES` order (missing: 0)."""
    a, b, c, d, e, f = (weights.get(name, 0.0) for name in STANCE_FEATURES)
    return a, b, c, d, e, f


def learned_stance_logit(s: Signals, vector: StanceVector | None = None) -> float:
    """The learned stance terms a native model's score adds over its logit: the weighted
    `stance_features`, written out because it runs for every English sentence.  `vector`
    replaces the shipped weights (the selection tools score candidates with it)."""
    speculation, sourced_speculation, intention, prediction, sourced_plan, opinion = (
        _stance_vector() if vector is None else vector
    )
    hedge = min(s.speculation, 2)
    total = opinion * min(s.opinion, 2)
    if (s.number or s.date) and (s.named_source or s.reported_speech):
        plan = min(s.intention, 1) or min(s.prediction, 1)
        return total + sourced_speculation * hedge + sourced_plan * plan
    return (
        total
        + speculation * hedge
        + intention * min(s.intention, 1)
        + prediction * min(s.prediction, 1)
    )


# Signal features that give a fact-checker something to look up.
_ANCHORS = frozenset(
    f"s:{tag}"
    for tag in ("number", "date", "named actor", "named source", "reported speech", "past event")
)


def is_generic(s: Signals) -> bool:
    """A habit or general truth with nothing specific to check ("It is usually colder...")."""
    return s.generic and not (s.number or s.named_entities or s.named_source or s.reported_speech)


def base_logit(model: LinearModel, text: str, signals: Signals) -> float:
    """The learned model's logit with the trivial and generic terms, before the stance."""
    return _read(model, text, signals)[0]


def content_terms(features: set[str], signals: Signals) -> float:
    """The hand-set terms a model's logit gets: nothing to check, a general truth.

    The anchors are read from the model's own features (a bridged model's come partly
    from the mapped English), so a sentence and its translation are judged alike.  The
    selection harness adds the same terms to every candidate it scores.
    """
    terms = 0.0
    if signals.words <= TRIVIAL_MAX_WORDS and features.isdisjoint(_ANCHORS):
        terms += _NO_ANCHOR
    if is_generic(signals):
        terms += _GENERIC
    return terms


def _read(model: LinearModel, text: str, signals: Signals) -> tuple[float, Signals]:
    """`base_logit` and the signals the model read (mapped ones for a bridged model)."""
    features, read = model.read(text, signals)
    return model.logit(features) + content_terms(features, signals), read


def model_score(
    model: LinearModel, text: str, signals: Signals, stance: StanceVector | None = None
) -> float:
    """The learned model's probability plus the speaker's stance (hedge, opinion, plan).

    A native model (English) adds the stance weights learned over its logit on debates
    and news sentences (`tools/fit_stance.py`).  A bridged model (French) keeps the rule
    score's stance terms ("pourrait", "supposent", "sans aucun doute", "veut"; see
    `bridged_stance`): the learned weights are a quarter to a half of them, and with
    them the French example articles let those sentences back among their claims
    (docs/extraction.md).
    """
    logit, read = _read(model, text, signals)
    if model.bridge is None:
        logit += learned_stance_logit(signals, stance)
    else:
        logit += stance_logit(bridged_stance(signals, read))
    return sigmoid(logit)


def bridged_stance(native: Signals, mapped: Signals) -> Signals:
    """The stance a bridged score weighs: the French cues, and two read from the English.

    An opinion cue can be missing from the French list and present in the English one
    ("Franchement" maps to "frankly"), so either counts.  A future in the first person
    is the speaker's promise ("Nous construirons…", "Mon gouvernement rendra…" map to
    "will build", "will make"), so the English intention cue counts there.  Other
    forecasts stay native: English reads every "will" as one, and at the rule's weight
    that would sink a dated schedule ("circuleront à partir du 20 mars").
    """
    own_plan = mapped.intention if native.first_person else 0
    return dataclasses.replace(
        native,
        opinion=max(native.opinion, mapped.opinion),
        intention=max(native.intention, own_plan),
    )


@cache
def _known_words() -> frozenset[str]:
    """Words of the shipped languages: their stopwords, the English model's vocabulary and
    the words each bridge to English knows ("L'usine emploie 180 personnes." is French)."""
    words = {w for code in available_languages() for w in stopwords(code)}
    words.update(english_vocabulary())
    for code in available_languages():
        bridge = load_bridge(code, english_vocabulary())
        if bridge is not None:
            # its words of three letters or more: two-letter ones ("vu", "eu") turn up in
            # random letters too often to say a line is French
            words.update(w for w in bridge.words if len(w) > 2)
    return frozenset(w for w in words if len(w) > 1 and w.isalpha())


_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())  # what str.split() drops


def is_language(text: str) -> bool:
    """Mostly letters, with words of a shipped language: not binary junk.

    Random bytes decoded with replacement characters score like short sentences with
    names and numbers under both scorers; they hold no statement at all.
    """
    known = _known_words()
    # One two-letter word ("il", "le", "of") turns up in random letters by chance; a
    # statement has two known words, or a longer one (no known word has a single letter).
    found = 0
    for match in LETTER_RUN.finditer(text.lower()):
        word = match.group()
        if word in known:
            if found or len(word) > 2:
                break
            found = 1
    else:
        return False
    if text.isascii():  # the same counts as below, one C pass each
        raw = text.encode("ascii")
        letters = len(raw.translate(None, _ASCII_NOT_LETTERS))
        visible = len(raw.translate(None, _ASCII_SPACES))
    else:
        letters = len(_NOT_LETTER.sub("", text))
        visible = len("".join(text.split()))
    return letters >= MIN_LETTER_SHARE * visible


def _score(text: str, signals: Signals, lexicon: Lexicon, *, external_source: bool) -> float:
    model = load_model(lexicon.language)
    if model is not None:
        score = model_score(model, text, signals)
        if external_source:
            score = max(score, sigmoid(rule_logit(signals, external_source=True)))
        return score
    return sigmoid(rule_logit(signals, external_source=external_source))


def _clause_score(lexicon: Lexicon) -> ScoreClause:
    def score(clause: str) -> tuple[float, Signals]:
        signals = compute_signals(clause, lexicon)
        return _score(clause, signals, lexicon, external_source=False), signals

    return score


def assess(text: str, lexicon: Lexicon, *, external_source: bool = False) -> Assessment:
    """Score one statement with its signals (`external_source`: a quote's speaker tag).

    A reported judgement ("critics consider…", a quoted opinion) whose framed clause is
    not itself a fact gets a strong opinion term (`judgement.REPORTED_JUDGEMENT`).
    """
    signals = compute_signals(text, lexicon)
    if not is_language(text):
        return Assessment(0.0, signals)
    score = _score(text, signals, lexicon, external_source=external_source)
    if reports_a_judgement(text, lexicon, _clause_score(lexicon), quoted=external_source):
        score = judged(score)
        signals = dataclasses.replace(signals, reported_judgement=True)
    return Assessment(score, signals)


def score_sentence(text: str, language: str | None = None) -> float:
    """Check-worthiness of one sentence in [0, 1]; see `is_checkworthy` for the cut-off."""
    lexicon = get_lexicon(language or detect_language(text))
    return assess(text, lexicon).score


def bridged_score(text: str, language: str) -> float | None:
    """`text` scored by the English model through `language`'s lexicon (None without one).

    Available whether or not the bridge is yet `language`'s production scorer, so the
    parallel EN/FR gates and benchmark measure it either way.
    """
    model = load_bridged_model(language)
    if model is None:
        return None
    return model_score(model, text, compute_signals(text, get_lexicon(language)))


def is_checkworthy(score: float) -> bool:
    """The threshold `claimbot score` uses: the dev-tuned point for English."""
    return score >= CHECKWORTHY_THRESHOLD
