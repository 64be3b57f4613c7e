"""The learned check-worthiness model: logistic regression over sparse text features.

Weights are trained offline by `benchmarks/train_checkworthy.py` and shipped as
`data/checkworthy_<lang>.json` (feature -> weight, pruned).  Inference is a dict
lookup per feature, so it runs in pure Python at tens of thousands of sentences
per second.  The bias already includes the decision threshold tuned on the dev
set, so a probability of 0.5 is the tuned cut-off.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .lexicon import DATA_PACKAGE, normalize_for_matching
from .signals import Signals

FEATURE_VERSION = 3
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|[%$€£?!]")
_LENGTH_BUCKETS = (4, 8, 12, 20, 30, 45)


def _token_shape(token: str) -> str:
    if token[0].isdigit():
        digits = sum(c.isdigit() for c in token)
        if digits == 4 and token.isdigit() and token[:2] in ("19", "20"):
            return "<year>"
        return "<num>" if digits < 4 else "<bignum>"
    return token


def _signal_features(signals: Signals) -> list[str]:
    feats = [f"s:{tag}" for tag in signals.tags()]
    if signals.question_word_start:
        feats.append("s:question start")
    bucket = sum(1 for b in _LENGTH_BUCKETS if signals.words > b)
    feats.append(f"len:{bucket}")
    if signals.named_entities >= 3:
        feats.append("s:many named")
    return feats


def text_features(text: str, signals: Signals) -> set[str]:
    """Binary features: word unigrams and bigrams (numbers folded), plus signal tags."""
    tokens = [_token_shape(t) for t in _TOKEN.findall(normalize_for_matching(text).lower())]
    feats = {"w:" + t for t in tokens}
    padded = ["<s>", *tokens, "</s>"]
    feats.update(f"b:{a} {b}" for a, b in itertools.pairwise(padded))
    feats.update(_signal_features(signals))
    return feats


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Sparse logistic regression: ``sigmoid(bias + sum(weights[f] for f in features))``."""

    language: str
    bias: float
    weights: dict[str, float]

    def logit(self, features: set[str]) -> float:
        weights = self.weights
        return self.bias + sum(map(weights.__getitem__, features & weights.keys()))

    def probability(self, features: set[str]) -> float:
        return sigmoid(self.logit(features))


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
    """The shipped model for `language`, or None when there is none (or it is stale)."""
    path = resources.files(DATA_PACKAGE).joinpath(model_filename(language))
    if not path.is_file():
        return None
    raw = json.loads(path.read_text("utf-8"))
    if raw.get("feature_version") != FEATURE_VERSION:
        return None
    weights = {str(k): float(v) for k, v in raw["weights"].items()}
    return LinearModel(language=language, bias=float(raw["bias"]), weights=weights)
