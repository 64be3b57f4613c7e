"""Model selection that cannot fool itself: grouped k-fold cross-validation on train + dev.

Every tuned choice of the English check-worthiness scorer is made here, by the mean F1
of out-of-fold predictions over the CheckThat! 2024 English train and dev splits: the
learner's regularisation (epochs and learning rate of AdaGrad, its L2 penalty, the cut
of rare features), the feature families, whether stance terms are fitted and on what,
and the decision threshold.  Dev-test is no input: `select` takes a `SelectionData`,
which refuses any row that is not train or dev, and `score_dev_test` takes the `Choice`
that `select` returns, so dev-test can be scored only after the choice is final
(`tools/train_checkworthy.py` does it once per release).

Folds are grouped by debate as far as the files allow.  They name no debate, but the
sentence ids run debate by debate (the candidates named change in blocks of about a
thousand ids; dev is a random sample of the same debates), though not in date order.
So a group is a block of `BLOCK_IDS` consecutive ids and a fold a contiguous run of
blocks: a debate is split between two folds only where a fold boundary falls inside it,
at most one debate per boundary.  Each repeat rotates the boundaries.

Each stage keeps the simplest setting within one standard error of the best CV F1
(`one_standard_error`): simpler, better-regularised models travel better.  The threshold
of a fold is chosen on the other folds' out-of-fold logits (never its own), as the best
mean F1 over those folds (`fold_threshold`): the out-of-fold logits of the latest debates
run lower (their own balanced cut-off is about 0.5 logit below the others'), and a
cut-off best on the rows pooled serves the earlier debates.  Pure Python, a quarter of
an hour.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from bot.extraction.bilingual import load_bridge
from bot.extraction.lexicon import get_lexicon
from bot.extraction.model import LinearModel, sigmoid, text_features, vocabulary
from bot.extraction.scoring import (
    StanceVector,
    content_terms,
    is_checkworthy,
    is_language,
    model_score,
    stance_features,
)
from bot.extraction.signals import compute_signals
from tools.checkthat import NEWS_DEV, Pair, Sentence, read_dev_test, read_pairs, read_split
from tools.fit_stance import Row
from tools.fit_stance import fit as fit_stance_weights

FOLDS = 5
REPEATS = 2
#: consecutive sentence ids per group: a debate spans about 800 to 1,500 ids
BLOCK_IDS = 500
#: weights below this are not shipped (file size); candidates are scored pruned too
PRUNE = 0.01
SELECTION_SPLITS = frozenset({"train", "dev"})
#: feature families by the prefix of their names (`model.text_features`)
FAMILIES = {"unigrams": ("w:",), "bigrams": ("b:",), "signals": ("s:", "len:")}
ALL_FAMILIES = tuple(FAMILIES)


@dataclass(frozen=True, slots=True)
class Example:
    """A sentence as the selection sees it: model features, the scorer's hand-set terms
    (`scoring.content_terms`), its stance features, its label."""

    features: tuple[str, ...]
    terms: float
    stance: tuple[float, ...]
    label: int


def example(text: str, label: int) -> Example:
    signals = compute_signals(text, get_lexicon("en"))
    features = text_features(text, signals)
    stance = tuple(stance_features(signals).values())
    return Example(tuple(sorted(features)), content_terms(features, signals), stance, label)


@dataclass(frozen=True)
class SelectionData:
    """What selection may read: train and dev sentences, and the news development pairs."""

    sentences: tuple[Sentence, ...]
    news: tuple[Pair, ...] = ()

    def __post_init__(self) -> None:
        foreign = {s.split for s in self.sentences} - SELECTION_SPLITS
        if foreign:
            raise ValueError(f"model selection reads train and dev only, not {sorted(foreign)}")

    @classmethod
    def load(cls, data: Path, news: Path = NEWS_DEV) -> SelectionData:
        rows = read_split(data, "train") + read_split(data, "dev")
        return cls(tuple(sorted(rows, key=lambda s: s.id)), tuple(read_pairs(news)))


def grouped_folds(
    ids: Sequence[int], k: int = FOLDS, repeat: int = 0, repeats: int = 1, block: int = BLOCK_IDS
) -> list[list[int]]:
    """Row indices of `k` folds, each a contiguous run of id blocks (no block in two).

    Folds hold about equal numbers of rows; repeat `r` of `repeats` starts the runs
    `r / repeats` of a fold later, wrapping around.
    """
    sizes = Counter(i // block for i in ids)
    groups = sorted(sizes)
    if len(groups) < k:
        raise ValueError(f"{len(groups)} id blocks cannot make {k} folds")
    shift = round(repeat * len(groups) / (k * repeats))
    order = groups[shift:] + groups[:shift]
    fold_of: dict[int, int] = {}
    seen = 0
    for group in order:
        fold_of[group] = min(k - 1, int((seen + sizes[group] / 2) * k / len(ids)))
        seen += sizes[group]
    folds: list[list[int]] = [[] for _ in range(k)]
    for row, sentence_id in enumerate(ids):
        folds[fold_of[sentence_id // block]].append(row)
    if not all(folds):
        raise ValueError(f"the id blocks are too uneven for {k} folds")
    return folds


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, predicted: Sequence[bool], labels: Sequence[int]) -> Scores:
        tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
        fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
        fn = sum(1 for p, y in zip(predicted, labels, strict=True) if y and not p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        return cls(precision, recall, f1)


def fold_threshold(
    logits: Sequence[float],
    labels: Sequence[int],
    groups: Sequence[Hashable],
    beta: float = 1.0,
) -> float:
    """The logit cut-off with the best mean F1 over the folds the rows come from (`groups`);
    predict above it.  `beta` > 1 weighs recall more (F-beta): a recall-oriented rule.

    Each fold counts alike, so the cut-off cannot serve the folds whose logits run high
    (the earlier debates) at the expense of those whose logits run low (the latest ones):
    a cut-off balanced on one split, or best on the rows pooled, does.
    """
    index = {group: i for i, group in enumerate(dict.fromkeys(groups))}
    fold = [index[g] for g in groups]
    positives = [0] * len(index)
    for label, f in zip(labels, fold, strict=True):
        positives[f] += label
    tp, fp = [0] * len(index), [0] * len(index)
    order = sorted(range(len(logits)), key=logits.__getitem__, reverse=True)
    best: tuple[float, float] | None = None  # (mean F1, cut)
    b2 = beta * beta
    for position, row in enumerate(order):
        tp[fold[row]] += labels[row]
        fp[fold[row]] += 1 - labels[row]
        following = logits[order[position + 1]] if position + 1 < len(order) else None
        if following == logits[row]:
            continue
        mean_f1 = statistics.fmean(
            (1 + b2) * t / (t + f + b2 * p) if t else 0.0
            for t, f, p in zip(tp, fp, positives, strict=True)
        )
        if best is None or mean_f1 > best[0]:
            below = following if following is not None else logits[row] - 1.0
            best = (mean_f1, (logits[row] + below) / 2)
    assert best is not None, "no rows to choose a threshold on"
    return best[1]


@dataclass(frozen=True)
class ThresholdRule:
    """How a threshold is chosen on out-of-fold logits: the best mean F-beta over the folds
    (each fold alike), or over the rows pooled."""

    beta: float = 1.0
    pooled: bool = False

    def describe(self) -> str:
        score = "F1" if self.beta == 1.0 else f"F{self.beta:g}"
        return f"best {score} pooled" if self.pooled else f"best mean {score} over the folds"

    def cut(
        self, logits: Sequence[float], labels: Sequence[int], groups: Sequence[Hashable]
    ) -> float:
        return fold_threshold(
            logits, labels, [0] * len(groups) if self.pooled else groups, self.beta
        )


FOLD_MEAN_F1 = ThresholdRule()
#: the threshold rules the forward selection tries (`tools.forward`)
RULES = (FOLD_MEAN_F1, ThresholdRule(pooled=True), ThresholdRule(1.5), ThresholdRule(1.5, True))


def adagrad(
    data: Sequence[tuple[list[int], int]],
    n_features: int,
    *,
    epochs: int,
    learning_rate: float,
    l2: float,
    penalties: Sequence[float] | None = None,
    seed: int = 13,
) -> tuple[float, list[float]]:
    """Logistic regression on binary sparse rows by AdaGrad; returns (bias, weights).

    The L2 penalty is applied to the features of each row as it is visited, and the few
    epochs stop it early: together they set how far a rare feature's weight may go.
    `penalties` adds a penalty of its own per feature, per visit (`Corpus.fit` makes it
    an L2 penalty on the mean loss).
    """
    extra = penalties if penalties is not None else [0.0] * n_features
    weights = [0.0] * n_features
    grad_sq = [1e-8] * n_features
    bias, bias_sq = 0.0, 1e-8
    order = list(range(len(data)))
    rng = random.Random(seed)
    sqrt, get = math.sqrt, weights.__getitem__
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, label = data[i]
            g = sigmoid(bias + sum(map(get, feats))) - label
            bias_sq += g * g
            bias -= learning_rate * g / sqrt(bias_sq)
            for f in feats:
                gf = g + (l2 + extra[f]) * weights[f]
                grad_sq[f] += gf * gf
                weights[f] -= learning_rate * gf / sqrt(grad_sq[f])
    return bias, weights


@dataclass(frozen=True)
class Learner:
    """How one model is fitted: AdaGrad's settings, the rare-feature cut, the families."""

    epochs: int
    learning_rate: float
    l2: float = 0.0
    min_count: int = 2
    families: tuple[str, ...] = ALL_FAMILIES
    #: L2 penalty on the mean loss, λ/2·|w|²: per visit λ·rows/count, so a rare (topic)
    #: word is held nearer zero than a common one, where `l2` holds every word alike
    mean_l2: float = 0.0

    def describe(self) -> str:
        families = "" if self.families == ALL_FAMILIES else f", {'+'.join(self.families)} only"
        penalty = f"L2 {self.l2:g}" if not self.mean_l2 else f"L2 {self.mean_l2:g} on the mean loss"
        return (
            f"{self.epochs} epochs at {self.learning_rate:g}, {penalty}, "
            f"features seen >= {self.min_count}×{families}"
        )

    def prefixes(self) -> tuple[str, ...]:
        return tuple(p for family in self.families for p in FAMILIES[family])


@dataclass(frozen=True)
class Weights:
    """A fitted model before its threshold is folded into the bias."""

    bias: float
    weights: dict[str, float]

    def logit(self, ex: Example) -> float:
        """The model's logit plus the scorer's hand-set terms, as `scoring.base_logit`."""
        weights = self.weights
        return self.bias + math.fsum(weights.get(f, 0.0) for f in ex.features) + ex.terms


class Corpus:
    """The examples with their features numbered once, so each fold's fit only counts."""

    def __init__(self, examples: Sequence[Example]) -> None:
        self.examples = tuple(examples)
        self.names = tuple(sorted({f for ex in examples for f in ex.features}))
        number = {f: i for i, f in enumerate(self.names)}
        self.rows = tuple(tuple(number[f] for f in ex.features) for ex in examples)

    def fit(self, rows: Sequence[int], learner: Learner) -> tuple[Weights, list[float]]:
        """Fit `learner` on `rows`; the weights rounded and pruned as shipped, by name and
        as a list by feature number."""
        counts = Counter(itertools.chain.from_iterable(self.rows[i] for i in rows))
        prefixes = learner.prefixes()
        kept = bytearray(len(self.names))
        for f, count in counts.items():
            if count >= learner.min_count and self.names[f].startswith(prefixes):
                kept[f] = 1
        data = [([f for f in self.rows[i] if kept[f]], self.examples[i].label) for i in rows]
        penalties = None
        if learner.mean_l2:
            penalties = [0.0] * len(self.names)
            for f, count in counts.items():
                penalties[f] = learner.mean_l2 * len(data) / count
        bias, raw = adagrad(
            data,
            len(self.names),
            epochs=learner.epochs,
            learning_rate=learner.learning_rate,
            l2=learner.l2,
            penalties=penalties,
        )
        dense = [round(w, 4) if abs(w) >= PRUNE else 0.0 for w in raw]
        named = {self.names[f]: w for f, w in enumerate(dense) if w}
        return Weights(bias, named), dense

    def logit(self, row: int, bias: float, dense: Sequence[float]) -> float:
        """`Weights.logit` of one of the corpus's rows, by feature number."""
        return bias + math.fsum(dense[f] for f in self.rows[row]) + self.examples[row].terms


@dataclass(frozen=True)
class OutOfFold:
    """One learner's out-of-fold logits over every repeat."""

    folds: tuple[tuple[tuple[int, ...], ...], ...]  # [repeat][fold] -> row indices
    logits: tuple[tuple[float, ...], ...]  # [repeat][row], from the model without its fold
    news: tuple[tuple[tuple[float, ...], ...], ...]  # [repeat][fold] -> news logits


def out_of_fold(
    corpus: Corpus,
    news: Sequence[Example],
    ids: Sequence[int],
    learner: Learner,
    *,
    k: int = FOLDS,
    repeats: int = REPEATS,
    block: int = BLOCK_IDS,
) -> OutOfFold:
    all_folds, all_logits, all_news = [], [], []
    size = len(corpus.rows)
    for repeat in range(repeats):
        folds = grouped_folds(ids, k, repeat, repeats, block)
        logits = [0.0] * size
        news_logits = []
        for fold in folds:
            held = set(fold)
            model, dense = corpus.fit([i for i in range(size) if i not in held], learner)
            for i in fold:
                logits[i] = corpus.logit(i, model.bias, dense)
            news_logits.append(tuple(model.logit(ex) for ex in news))
        all_folds.append(tuple(tuple(f) for f in folds))
        all_logits.append(tuple(logits))
        all_news.append(tuple(news_logits))
    return OutOfFold(tuple(all_folds), tuple(all_logits), tuple(all_news))


#: the stance weights of release c2dd61f (fitted on its latest debates and the news pairs)
RELEASED_STANCE: StanceVector = (-0.584, -0.082, -0.344, -0.626, -0.079, -0.358)
#: the stance features a shipped vector must mark down (`marks_down`): not the sourced ones
BARE_STANCE = (0, 2, 3, 5)


@dataclass(frozen=True)
class Stance:
    """Whether stance terms are added over the model's logit, and what they are: fitted on
    the out-of-fold logits of the debates (and the news sentences, weighing as much), or
    the released weights shrunk toward zero by `scale`."""

    source: Literal["none", "debates", "debates+news", "released"]
    penalty: float = 0.0
    scale: float = 1.0

    def describe(self) -> str:
        if self.source == "none":
            return "no stance terms"
        if self.source == "released":
            return f"c2dd61f's stance weights × {self.scale:g}"
        return f"stance terms fitted on {self.source}, L2 penalty {self.penalty:g}"


def marks_down(vector: StanceVector) -> bool:
    """Every bare stance feature (a hedge, a plan, a forecast, an opinion) lowers the score:
    what the terms are for (a fit over a model that already weighs a cue can turn it up)."""
    return all(vector[i] < 0.0 for i in BARE_STANCE)


NO_STANCE: Stance = Stance("none")
ZERO_STANCE: StanceVector = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def fit_stance(
    stance: Stance,
    logits: Sequence[float],
    examples: Sequence[Example],
    weights: Sequence[float],
    news_logits: Sequence[float],
    news: Sequence[Example],
) -> StanceVector:
    """The stance weights over fixed logits (`tools.fit_stance.fit`); zero for none."""
    if stance.source == "none":
        return ZERO_STANCE
    if stance.source == "released":
        a, b, c, d, e, f = (stance.scale * w for w in RELEASED_STANCE)
        return a, b, c, d, e, f
    rows = [
        Row(z, ex.stance, ex.label, w)
        for z, ex, w in zip(logits, examples, weights, strict=True)
        if w
    ]
    if stance.source == "debates+news" and news:
        share = math.fsum(row.weight for row in rows) / len(news)
        rows += [
            Row(z, ex.stance, ex.label, share) for z, ex in zip(news_logits, news, strict=True)
        ]
    a, b, c, d, e, f = fit_stance_weights(rows, len(ZERO_STANCE), stance.penalty)
    return a, b, c, d, e, f


def with_stance(logit: float, ex: Example, vector: StanceVector) -> float:
    return logit + math.fsum(w * x for w, x in zip(vector, ex.stance, strict=True) if x)


@dataclass(frozen=True)
class Result:
    """Cross-validated scores of one setting, one per fold of every repeat."""

    learner: Learner
    stance: Stance
    folds: tuple[Scores, ...]
    rule: ThresholdRule = FOLD_MEAN_F1
    #: trained on the earlier debates only, scored on the latest (`tools.forward`)
    forward: Scores | None = None

    def mean(self, metric: str) -> float:
        return statistics.fmean(getattr(s, metric) for s in self.folds)

    def sd(self, metric: str) -> float:
        return statistics.stdev(getattr(s, metric) for s in self.folds)

    def latest(self) -> Scores:
        """The first repeat's last fold: the latest debates by id, the most like unseen ones."""
        return self.folds[len(self.folds) // REPEATS - 1] if self.folds else Scores(0, 0, 0)


def cross_validate(
    examples: Sequence[Example],
    news: Sequence[Example],
    ids: Sequence[int],
    oof: OutOfFold,
    learner: Learner,
    stance: Stance = NO_STANCE,
    offset: float = 0.0,
    rule: ThresholdRule = FOLD_MEAN_F1,
) -> Result:
    """Score each fold with stance weights fitted on the other folds and the threshold
    best on their mean F1 (`fold_threshold`), raised by `offset` (`news_threshold`)."""
    labels = [ex.label for ex in examples]
    scores = []
    for folds, logits, news_logits in zip(oof.folds, oof.logits, oof.news, strict=True):
        for number, (fold, fold_news) in enumerate(zip(folds, news_logits, strict=True)):
            held = set(fold)
            tuning = [0.0 if i in held else 1.0 for i in range(len(examples))]
            vector = fit_stance(stance, logits, examples, tuning, fold_news, news)
            z = [with_stance(x, ex, vector) for x, ex in zip(logits, examples, strict=True)]
            tuning_folds = [(f, i) for f, rows in enumerate(folds) if f != number for i in rows]
            cut = rule.cut(
                [z[i] for _, i in tuning_folds],
                [labels[i] for _, i in tuning_folds],
                [f for f, _ in tuning_folds],
            )
            cut += offset
            scores.append(Scores.of([z[i] > cut for i in fold], [labels[i] for i in fold]))
    return Result(learner, stance, tuple(scores), rule)


@dataclass(frozen=True)
class FinalModel:
    """The model fitted on all of train + dev, with its stance weights and threshold."""

    weights: Weights
    stance: StanceVector
    threshold: float

    @property
    def bias(self) -> float:
        """The shipped bias: the threshold folded in, so 0.5 is the chosen cut-off."""
        return round(self.weights.bias - self.threshold, 4)

    def english(self) -> LinearModel:
        return LinearModel("en", self.bias, self.weights.weights)

    def bridged(self, language: str = "fr") -> LinearModel:
        bridge = load_bridge(language, vocabulary(self.weights.weights))
        assert bridge is not None, f"no lexicon for {language}"
        return LinearModel(language, self.bias, self.weights.weights, bridge)

    def score(self, text: str) -> float:
        """`score_sentence(text, "en")` as it will be once this model is shipped."""
        if not is_language(text):
            return 0.0
        signals = compute_signals(text, get_lexicon("en"))
        return model_score(self.english(), text, signals, self.stance)


def finalise(
    corpus: Corpus,
    news: Sequence[Example],
    ids: Sequence[int],
    oof: OutOfFold,
    learner: Learner,
    stance: Stance,
    rule: ThresholdRule = FOLD_MEAN_F1,
    full: Weights | None = None,
) -> FinalModel:
    """Refit on everything (unless `full` is that fit); the stance weights from all
    out-of-fold logits, the threshold by `rule` over every repeat's folds."""
    if full is None:
        full, _ = corpus.fit(range(len(corpus.rows)), learner)
    repeats = len(oof.logits)
    pooled = [x for logits in oof.logits for x in logits]
    pooled_examples = [ex for _ in range(repeats) for ex in corpus.examples]
    weights = [1.0 / repeats] * len(pooled)
    news_logits = [full.logit(ex) for ex in news]
    vector = fit_stance(stance, pooled, pooled_examples, weights, news_logits, news)
    rows = [
        (repeat, fold, i)
        for repeat, folds in enumerate(oof.folds)
        for fold, members in enumerate(folds)
        for i in members
    ]
    threshold = rule.cut(
        [with_stance(oof.logits[r][i], corpus.examples[i], vector) for r, _, i in rows],
        [corpus.examples[i].label for _, _, i in rows],
        [(r, f) for r, f, _ in rows],
    )
    return FinalModel(full, tuple(round(w, 3) for w in vector), threshold)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class NewsFigures:
    """A model on the news development pairs: French/English agreement, English F1."""

    agreement: float
    english_f1: float

    @classmethod
    def of(
        cls, english: Sequence[float], french: Sequence[float], labels: Sequence[int]
    ) -> NewsFigures:
        """From the two languages' scores."""
        en = [is_checkworthy(x) for x in english]
        return cls.decisions(en, [is_checkworthy(x) for x in french], labels)

    @classmethod
    def decisions(
        cls, english: Sequence[bool], french: Sequence[bool], labels: Sequence[int]
    ) -> NewsFigures:
        agree = sum(a == b for a, b in zip(english, french, strict=True)) / len(labels)
        return cls(agree, Scores.of(english, labels).f1)

    def holds(self, floor: NewsFigures | None) -> bool:
        """Gives back neither figure of `floor` (None: no floor)."""
        return floor is None or (
            self.agreement >= floor.agreement and self.english_f1 >= floor.english_f1
        )


def news_figures(model: FinalModel, pairs: Sequence[Pair]) -> NewsFigures:
    """`NewsFigures` of a candidate, scored as it will be once shipped."""
    english, french = model.english(), model.bridged("fr")
    en_lexicon, fr_lexicon = get_lexicon("en"), get_lexicon("fr")
    en_scores = [
        model_score(english, p.english, compute_signals(p.english, en_lexicon), model.stance)
        for p in pairs
    ]
    fr_scores = [
        model_score(french, p.french, compute_signals(p.french, fr_lexicon)) for p in pairs
    ]
    return NewsFigures.of(en_scores, fr_scores, [p.label for p in pairs])


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))


def news_threshold(model: FinalModel, pairs: Sequence[Pair], floor: NewsFigures) -> float | None:
    """The lowest threshold from `model`'s up at which its news figures hold `floor`
    (None if none does): recall is recovered only as far as news quality allows."""
    unshifted = replace(model, threshold=0.0)
    english, french = unshifted.english(), unshifted.bridged("fr")
    en_lexicon, fr_lexicon = get_lexicon("en"), get_lexicon("fr")
    en = [
        _logit(
            model_score(english, p.english, compute_signals(p.english, en_lexicon), model.stance)
        )
        for p in pairs
    ]
    fr = [
        _logit(model_score(french, p.french, compute_signals(p.french, fr_lexicon))) for p in pairs
    ]
    labels = [p.label for p in pairs]
    above = sorted({z for z in en + fr if z > model.threshold})
    cuts = [model.threshold, *((a + b) / 2 for a, b in itertools.pairwise(above))]
    for cut in cuts:
        figures = NewsFigures.decisions([z >= cut for z in en], [z >= cut for z in fr], labels)
        if figures.holds(floor):
            return cut
    return None


def hold_news_floor(
    model: FinalModel, pairs: Sequence[Pair], floor: NewsFigures | None
) -> tuple[FinalModel, NewsFigures | None]:
    """`model` with its threshold raised as far as `floor` needs (`news_threshold`; kept
    where no cut-off holds it), and its news figures (None without pairs)."""
    figures = news_figures(model, pairs) if pairs else None
    if figures is not None and floor is not None and not figures.holds(floor):
        raised = news_threshold(model, pairs, floor)
        if raised is not None:
            model = replace(model, threshold=raised)
            figures = news_figures(model, pairs)
    return model, figures


@dataclass(frozen=True)
class Stage:
    """One step of the search: variants of the best learner so far, each cross-validated."""

    name: str
    variants: Callable[[Learner], list[Learner]]


@dataclass(frozen=True)
class Choice:
    """What `select` chose, with every candidate's figures (for the model card)."""

    result: Result
    model: FinalModel
    news_figures: NewsFigures | None
    news_floor: NewsFigures | None
    stages: tuple[tuple[str, tuple[Result, ...], Result], ...]  # candidates, the chosen
    stances: tuple[tuple[Result, NewsFigures | None], ...]
    sentences: int
    positives: int
    news: int
    folds: int
    repeats: int

    @property
    def learner(self) -> Learner:
        return self.result.learner

    @property
    def stance(self) -> Stance:
        return self.result.stance


# Each stage lists its variants from the simplest (least fitted) to the most complex.
STAGES = (
    Stage(
        "early stopping (epochs × learning rate)",
        lambda _: [
            Learner(e, rate)
            for e, rate in sorted(
                ((e, rate) for rate in (0.05, 0.1, 0.2) for e in (1, 2, 3)),
                key=lambda er: (er[0] * er[1], er[0]),
            )
        ],
    ),
    Stage("L2 penalty", lambda b: [replace(b, l2=x) for x in (0.03, 0.01, 0.003, 0.0)]),
    Stage(
        "L2 on the mean loss, 5 epochs at 0.1 (the early-stopped learner last)",
        lambda b: [
            *(
                replace(b, epochs=5, learning_rate=0.1, l2=0.0, mean_l2=x)
                for x in (1e-3, 3e-4, 1e-4, 3e-5, 1e-5)
            ),
            b,
        ],
    ),
    Stage("rare-feature cut", lambda b: [replace(b, min_count=m) for m in (5, 3, 2, 1)]),
    Stage(
        "feature families",
        lambda b: [
            replace(b, families=f)
            # The signal tags stay: the French bridge and the stance terms read them, and
            # without them no stance setting kept the news pairs' agreement (fourth run).
            for f in (("unigrams", "signals"), ALL_FAMILIES)
        ],
    ),
)
STANCES = (
    NO_STANCE,
    *(Stance("released", scale=s) for s in (0.25, 0.5, 0.75, 1.0)),
    *(Stance("debates", p) for p in (100.0, 10.0, 1.0)),
    *(Stance("debates+news", p) for p in (300.0, 100.0, 30.0, 10.0)),
)


def paired_gain(new: Sequence[Scores], old: Sequence[Scores]) -> tuple[float, float]:
    """Mean F1 gain of `new` over `old` on the same folds, and its standard error."""
    gaps = [a.f1 - b.f1 for a, b in zip(new, old, strict=True)]
    error = statistics.stdev(gaps) / math.sqrt(len(gaps)) if len(gaps) > 1 else 0.0
    return statistics.fmean(gaps), error


def beats(new: Sequence[Scores], old: Sequence[Scores]) -> bool:
    """`new` is better than `old` by more than one standard error on the same folds."""
    gain, error = paired_gain(new, old)
    return gain > error


def one_standard_error(results: Sequence[Result]) -> Result:
    """The first listed (the simplest) result that the best does not `beat`: more
    fitting must pay for itself."""
    best = max(results, key=lambda r: r.mean("f1"))
    return next((r for r in results if not beats(best.folds, r.folds)), best)


def select(
    data: SelectionData,
    *,
    stages: Sequence[Stage] = STAGES,
    stances: Sequence[Stance] = STANCES,
    k: int = FOLDS,
    repeats: int = REPEATS,
    block: int = BLOCK_IDS,
    news_floor: NewsFigures | None = None,
    progress: Callable[[str], None] = print,
) -> Choice:
    """Choose the learner stage by stage, then the stance terms, each by CV mean F1 with
    the one-standard-error rule, and the threshold on the latest debates' out-of-fold
    logits, raised where needed so that the news figures hold `news_floor` (a stance
    setting that cannot is left out).  Never sees dev-test."""
    corpus = Corpus([example(s.text, s.label) for s in data.sentences])
    examples = corpus.examples
    news = [example(p.english, p.label) for p in data.news]
    ids = [s.id for s in data.sentences]
    progress(f"{len(examples)} sentences, {k} folds × {repeats} repeats")
    results: dict[Learner, tuple[Result, OutOfFold | None]] = {}
    chosen: tuple[Result, OutOfFold | None] | None = None
    stage_results = []
    for stage in stages:
        progress(f"{stage.name}:")
        candidates: list[tuple[Result, OutOfFold | None]] = []
        for learner in stage.variants(chosen[0].learner if chosen else Learner(2, 0.1)):
            if learner not in results:
                oof = out_of_fold(corpus, news, ids, learner, k=k, repeats=repeats, block=block)
                result = cross_validate(examples, news, ids, oof, learner)
                progress(f"  {learner.describe()}: {_figures(result)}")
                results[learner] = (result, oof)
            candidates.append(results[learner])
        pick = one_standard_error([r for r, _ in candidates])
        chosen = next(c for c in candidates if c[0] is pick)
        progress(f"  chosen: {pick.learner.describe()}")
        stage_results.append((stage.name, tuple(r for r, _ in candidates), pick))
        # Only the chosen learner's out-of-fold logits are kept: the stance fits need them.
        results = {r.learner: (r, o if r is pick else None) for r, o in results.values()}
    assert chosen is not None, "no learner to choose from"
    best, kept = chosen
    assert kept is not None
    progress("stance terms:")
    stance_results: list[tuple[Result, NewsFigures | None, FinalModel]] = []
    for stance in stances:
        balanced = finalise(corpus, news, ids, kept, best.learner, stance)
        final, figures = hold_news_floor(balanced, data.news, news_floor)
        offset = final.threshold - balanced.threshold
        result = cross_validate(examples, news, ids, kept, best.learner, stance, offset)
        shown = "" if not offset else f"; threshold raised {offset:+.3f} for the news floor"
        if figures is not None:
            shown += (
                f"; news: agreement {figures.agreement:.3f}, English F1 {figures.english_f1:.3f}"
            )
        progress(f"  {stance.describe()}: {_figures(result)}{shown}")
        stance_results.append((result, figures, final))
    eligible = [
        r
        for r in stance_results
        if (r[1] is None or r[1].holds(news_floor))
        and (r[0].stance.source == "none" or marks_down(r[2].stance))
    ]
    if not eligible:
        progress("no stance setting keeps the news figures of the floor: the best agreement")
        top = max(f.agreement for _, f, _ in stance_results if f is not None)
        eligible = [r for r in stance_results if r[1] is not None and r[1].agreement == top]
    pick = one_standard_error([r for r, _, _ in eligible])
    _, figures, final = next(r for r in eligible if r[0] is pick)
    progress(f"  chosen: {pick.stance.describe()}")
    return Choice(
        result=pick,
        model=final,
        news_figures=figures,
        news_floor=news_floor,
        stages=tuple(stage_results),
        stances=tuple((r, f) for r, f, _ in stance_results),
        **counts(examples, news),
        folds=k,
        repeats=repeats,
    )


def counts(examples: Sequence[Example], news: Sequence[Example]) -> dict[str, int]:
    """A `Choice`'s counts of the data it was chosen on."""
    return {
        "sentences": len(examples),
        "positives": sum(ex.label for ex in examples),
        "news": len(news),
    }


def _figures(result: Result) -> str:
    return ", ".join(
        f"{name} {result.mean(m):.3f} ± {result.sd(m):.3f}"
        for name, m in (("P", "precision"), ("R", "recall"), ("F1", "f1"))
    )


def score_dev_test(choice: Choice, data: Path) -> Scores:
    """Dev-test scores of the chosen model: reachable only with a final `Choice`."""
    rows = read_dev_test(data)
    predicted = [is_checkworthy(choice.model.score(s.text)) for s in rows]
    return Scores.of(predicted, [s.label for s in rows])
