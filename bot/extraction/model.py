"""The learned check-worthiness model: logistic regression over sparse text features.

Weights are trained offline by `tools/train_checkworthy.py` and shipped as
`data/checkworthy_<lang>.json` (feature -> weight, pruned).  Inference is a dict
lookup per feature, so it runs in pure Python at tens of thousands of sentences
per second.  The bias already includes the decision threshold tuned on the dev
set, so a probability of 0.5 is the tuned cut-off.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .bilingual import Bridge, has_bridge, load_bridge
from .lexicon import DATA_PACKAGE, get_lexicon, normalize_for_matching
from .signals import Signals, compute_signals

FEATURE_VERSION = 3
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|[%$€£?!]")
_LENGTH_BUCKETS = (4, 8, 12, 20, 30, 45)
# "len:N" with N the number of buckets the word count exceeds.
_LENGTH_FEATURES = tuple(f"len:{n}" for n in range(len(_LENGTH_BUCKETS) + 1))
_PUNCTUATION = frozenset("?!")
BRIDGE_TARGET = "en"
# Languages without a model of their own that the English model scores through their
# lexicon (see `bilingual`); others get the rule score.
BRIDGED_LANGUAGES: frozenset[str] = frozenset({"fr"})


def _token_shape(token: str) -> str:
    if token[0].isdigit():
        digits = sum(c.isdigit() for c in token)
        if digits == 4 and token.isdigit() and token[:2] in ("19", "20"):
            return "<year>"
        return "<num>" if digits < 4 else "<bignum>"
    return token


def _signal_features(signals: Signals, words: int) -> list[str]:
    feats = [f"s:{tag}" for tag in signals.tags()]
    if signals.question_word_start:
        feats.append("s:question start")
    feats.append(_LENGTH_FEATURES[bisect.bisect_left(_LENGTH_BUCKETS, words)])
    if signals.named_entities >= 3:
        feats.append("s:many named")
    return feats


def text_features(text: str, signals: Signals) -> set[str]:
    """Binary features: word unigrams and bigrams (numbers folded), plus signal tags."""
    tokens = _TOKEN.findall(normalize_for_matching(text).lower())
    return token_features(tokens, signals, signals.words)


def token_features(tokens: list[str], signals: Signals, words: int) -> set[str]:
    """`text_features` of an already tokenized sentence of `words` words."""
    shaped = [_token_shape(t) if t[0].isdigit() else t for t in tokens]
    feats = {"w:" + t for t in shaped}
    padded = ["<s>", *shaped, "</s>"]
    feats.update(f"b:{a} {b}" for a, b in itertools.pairwise(padded))
    feats.update(_signal_features(signals, words))
    return feats


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Sparse logistic regression: ``sigmoid(bias + sum(weights[f] for f in features))``."""

    language: str
    bias: float
    weights: dict[str, float]
    # Set when this is the English model reading another language through a lexicon.
    bridge: Bridge | None = None

    def features(self, text: str, signals: Signals) -> set[str]:
        """The model's features of `text`, mapped to English first when bridged."""
        return self.read(text, signals)[0]

    def read(self, text: str, signals: Signals) -> tuple[set[str], Signals]:
        """The features of `text` and the signals they hold: for a bridged model, the
        word cues as read from the mapped English (`_bridged_signals`)."""
        if self.bridge is None:
            return text_features(text, signals), signals
        tokens = self.bridge.translate_text(text)
        # Length is counted in mapped words: French spends more words on the same claim.
        words = sum(1 for t in tokens if t not in _PUNCTUATION)
        mapped = _bridged_signals(signals, tokens)
        return token_features(tokens, mapped, words), mapped

    def logit(self, features: set[str]) -> float:
        # `fsum` is exact whatever the order, and a set's order follows the per-process
        # hash seed: with `sum`, two runs could differ in the last bits of a score.
        weights = self.weights
        return self.bias + math.fsum(map(weights.__getitem__, features & weights.keys()))

    def probability(self, features: set[str]) -> float:
        return sigmoid(self.logit(features))


def _bridged_signals(native: Signals, tokens: list[str]) -> Signals:
    """Word-cue signals read from the mapped English, as the model learned them.

    Tense, intention and reporting cues are where the two languages' cue lists differ
    most ("a doublé" is a past event to the English model as "doubled"); structural
    facts (numbers, dates, capitalised names, the question mark) stay native.  A native
    hedge (the French conditional) is kept even when the mapping lost it.
    """
    english = compute_signals(" ".join(tokens), get_lexicon(BRIDGE_TARGET))
    return dataclasses.replace(
        english,
        words=native.words,
        number=native.number or english.number,
        date=native.date or english.date,
        named_entities=native.named_entities,
        question=native.question,
        question_word_start=native.question_word_start,
        context_start=native.context_start,
        speculation=max(native.speculation, english.speculation),
        generic=native.generic or english.generic,
    )


def sigmoid(x: float) -> float:
    """Logistic function, safe for large magnitudes."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_filename(language: str) -> str:
    return f"checkworthy_{language}.json"


@cache
def load_model(language: str) -> LinearModel | None:
    """The shipped model for `language`, or None when there is none (or it is stale).

    A language listed in `BRIDGED_LANGUAGES` gets the English model reading its
    sentences through its lexicon (see `load_bridged_model`).
    """
    if language in BRIDGED_LANGUAGES:
        return load_bridged_model(language)
    path = resources.files(DATA_PACKAGE).joinpath(model_filename(language))
    if not path.is_file():
        return None
    raw = json.loads(path.read_text("utf-8"))
    if raw.get("feature_version") != FEATURE_VERSION:
        return None
    weights = {str(k): float(v) for k, v in raw["weights"].items()}
    return LinearModel(language=language, bias=float(raw["bias"]), weights=weights)


def vocabulary(weights: dict[str, float]) -> frozenset[str]:
    """Every word the model has a unigram or bigram weight for."""
    words: set[str] = set()
    for feature in weights:
        if feature.startswith(("w:", "b:")):
            words.update(feature[2:].split(" "))
    return frozenset(words)


@cache
def english_vocabulary() -> frozenset[str]:
    """The English model's `vocabulary`, computed once: the French lexicon's cognate rules
    and `scoring.is_language` both read it.  Empty without an English model."""
    english = load_model(BRIDGE_TARGET)
    return vocabulary(english.weights) if english is not None else frozenset()


@cache
def load_bridged_model(language: str) -> LinearModel | None:
    """The English model reading `language` through its lexicon, or None without one."""
    if language == BRIDGE_TARGET or not has_bridge(language):
        return None
    english = load_model(BRIDGE_TARGET)
    if english is None:
        return None
    bridge = load_bridge(language, english_vocabulary())
    if bridge is None:
        return None
    return LinearModel(language, english.bias, english.weights, bridge)
