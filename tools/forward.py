"""The forward figure: trained on the earlier debates, scored on the latest ones.

Grouped CV over train + dev could not tell `95127b2^` from `c2dd61f` (F1 0.659 against
0.661), yet held out they differ by 0.055.  The one split that looks like unseen data is
the latest debates (the first repeat's last fold, ids from about 26,500: the 2012 and
2016 debates): a model is trained on the other folds only, its threshold chosen on them,
and scored there once.  This module names that split, reruns a release's whole recipe on
it (`tools.releases`), and puts a block bootstrap on a difference of F1 there: the fold
is one sample of debates, so the resampled unit is a block of ids, not a sentence.

    .venv/bin/python -m tools.forward [--data DIR]   # both releases on the latest debates

Seconds per release on an idle core.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.extraction.scoring import STANCE_FEATURES, STANCE_FILE, StanceVector
from tools import releases
from tools.model_card import describe
from tools.model_selection import (
    BLOCK_IDS,
    FOLDS,
    REPEATS,
    RULES,
    Choice,
    Corpus,
    Example,
    FinalModel,
    Learner,
    NewsFigures,
    OutOfFold,
    Result,
    Scores,
    SelectionData,
    Stance,
    ThresholdRule,
    counts,
    cross_validate,
    example,
    finalise,
    fit_stance,
    grouped_folds,
    hold_news_floor,
    marks_down,
    out_of_fold,
    paired_gain,
    with_stance,
)

BOOTSTRAP_DRAWS = 2000


def latest_split(ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """(earlier rows, latest rows): the first repeat's folds, the last one held."""
    folds = grouped_folds(ids, FOLDS, 0, REPEATS, BLOCK_IDS)
    return [i for fold in folds[:-1] for i in fold], folds[-1]


@dataclass(frozen=True)
class Difference:
    """F1 of `a` minus F1 of `b` on the same rows, with a block-bootstrap interval."""

    gain: float
    low: float
    high: float
    share_above_zero: float


def block_bootstrap(
    a: Sequence[bool],
    b: Sequence[bool],
    labels: Sequence[int],
    blocks: Sequence[int],
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = 7,
) -> Difference:
    """The F1 difference `a - b` and its 90% interval, resampling whole blocks."""
    members: dict[int, list[int]] = {}
    for row, block in enumerate(blocks):
        members.setdefault(block, []).append(row)
    groups = list(members.values())
    rng = random.Random(seed)
    gains = []
    for _ in range(draws):
        rows = [row for _ in groups for row in rng.choice(groups)]
        gains.append(
            Scores.of([a[r] for r in rows], [labels[r] for r in rows]).f1
            - Scores.of([b[r] for r in rows], [labels[r] for r in rows]).f1
        )
    gains.sort()
    gain = Scores.of(a, labels).f1 - Scores.of(b, labels).f1
    above = sum(g > 0 for g in gains) / draws
    return Difference(gain, gains[int(0.05 * draws)], gains[int(0.95 * draws) - 1], above)


@dataclass(frozen=True)
class ReleaseForward:
    """A release's recipe run on the earlier debates: its decisions on the latest ones,
    and the stance weights its recipe fitted there (None: it has none)."""

    decisions: tuple[bool, ...]
    labels: tuple[int, ...]
    stance: StanceVector | None

    @property
    def scores(self) -> Scores:
        return Scores.of(self.decisions, self.labels)


def release_forward(release: releases.Release, data: SelectionData) -> ReleaseForward:
    """The release's recipe (trainer with its chosen hyper-parameters, its threshold
    search, its stance fit) run on the earlier debates, scored on the latest ones."""
    earlier, latest = latest_split([s.id for s in data.sentences])
    with releases.checkout(release.commit) as tree:
        chosen = releases.hyper_parameters(tree)
        releases.retrain(tree, [data.sentences[i] for i in earlier], chosen)
        scores = releases.score(tree, [data.sentences[i].text for i in latest])
        stance_file = tree / "bot" / "extraction" / "data" / STANCE_FILE
        stance = None
        if stance_file.is_file():
            fitted = json.loads(stance_file.read_text("utf-8"))["weights"]
            a, b, c, d, e, f = (float(fitted[name]) for name in STANCE_FEATURES)
            stance = (a, b, c, d, e, f)
    labels = tuple(data.sentences[i].label for i in latest)
    return ReleaseForward(tuple(p >= 0.5 for p in scores), labels, stance)


@dataclass(frozen=True)
class ForwardLogits:
    """One learner on the forward split: every model here is blind to the latest debates."""

    earlier: tuple[int, ...]
    latest: tuple[int, ...]
    #: the earlier rows' out-of-fold logits (models fitted on the other earlier folds)
    inner: tuple[float, ...]
    inner_folds: tuple[int, ...]
    #: the latest rows' and the news sentences' logits, model fitted on the earlier rows
    logits: tuple[float, ...]
    news: tuple[float, ...]


def forward_logits(
    corpus: Corpus, ids: Sequence[int], oof: OutOfFold, learner: Learner
) -> ForwardLogits:
    """The forward logits; the model on the earlier rows is the first repeat's last fold's
    (`out_of_fold`), so only the inner folds are fitted here."""
    folds = grouped_folds(ids, FOLDS, 0, REPEATS, BLOCK_IDS)
    assert [list(f) for f in oof.folds[0]] == folds, "out-of-fold logits of other folds"
    latest = folds[-1]
    earlier = [i for fold in folds[:-1] for i in fold]
    inner: dict[int, float] = {}
    inner_fold: dict[int, int] = {}
    for number, fold in enumerate(folds[:-1]):
        held = set(fold)
        model, dense = corpus.fit([i for i in earlier if i not in held], learner)
        for i in fold:
            inner[i], inner_fold[i] = corpus.logit(i, model.bias, dense), number
    return ForwardLogits(
        tuple(earlier),
        tuple(latest),
        tuple(inner[i] for i in earlier),
        tuple(inner_fold[i] for i in earlier),
        tuple(oof.logits[0][i] for i in latest),
        oof.news[0][-1],
    )


def forward_scores(
    logits: ForwardLogits,
    examples: Sequence[Example],
    news: Sequence[Example],
    stance: Stance,
    rule: ThresholdRule,
    offset: float,
    released: StanceVector,
) -> Scores:
    """The latest debates' scores: stance weights fitted (or, for `c2dd61f`'s weights,
    its stance recipe rerun, `released`) and the threshold chosen on the earlier rows."""
    earlier = [examples[i] for i in logits.earlier]
    if stance.source == "released":
        a, b, c, d, e, f = (stance.scale * w for w in released)
        vector: StanceVector = (a, b, c, d, e, f)
    else:
        weights = [1.0] * len(earlier)
        vector = fit_stance(stance, logits.inner, earlier, weights, logits.news, news)
    z = [with_stance(x, ex, vector) for x, ex in zip(logits.inner, earlier, strict=True)]
    cut = rule.cut(z, [ex.label for ex in earlier], logits.inner_folds) + offset
    rows = [examples[i] for i in logits.latest]
    predicted = [
        with_stance(x, ex, vector) > cut for x, ex in zip(logits.logits, rows, strict=True)
    ]
    return Scores.of(predicted, [ex.label for ex in rows])


#: the regularisation the forward selection tries, the simplest first: the learners the
#: last rounds' CV stages chose, and the L2 penalty on the mean loss
LEARNERS = (
    Learner(1, 0.1, l2=0.01),
    Learner(2, 0.05, l2=0.03),
    *(Learner(5, 0.1, mean_l2=x) for x in (1e-3, 3e-4, 1e-4, 3e-5)),
)
STANCES = (
    Stance("none"),
    *(Stance("released", scale=s) for s in (0.25, 0.5, 0.75, 1.0)),
    *(Stance("debates+news", p) for p in (300.0, 30.0)),
)
#: the forward figure's floor (the held-out target's)
MIN_PRECISION = MIN_RECALL = 0.6


@dataclass(frozen=True)
class Candidate:
    result: Result
    news: NewsFigures | None
    model: FinalModel

    def shortfalls(
        self, floor: NewsFigures | None, previous_cv: Sequence[Scores] | None
    ) -> list[str]:
        """Why the candidate may not be chosen (empty: it may)."""
        found = []
        if self.news is not None and not self.news.holds(floor):
            found.append("news floor")
        if self.result.stance.source != "none" and not marks_down(self.model.stance):
            found.append("stance turned up")
        ahead = self.result.forward
        if ahead is None or ahead.precision < MIN_PRECISION or ahead.recall < MIN_RECALL:
            found.append("forward P or R below 0.6")
        if previous_cv is not None:
            gain, error = paired_gain(self.result.folds, previous_cv)
            if gain < -error:
                found.append(f"CV {gain:+.3f} (SE {error:.3f})")
        return found


def select_forward(
    data: SelectionData,
    released: StanceVector,
    *,
    previous_cv: Sequence[Scores] | None,
    news_floor: NewsFigures | None,
    learners: Sequence[Learner] = LEARNERS,
    stances: Sequence[Stance] = STANCES,
    rules: Sequence[ThresholdRule] = RULES,
    progress: Callable[[str], None] = print,
) -> Choice:
    """The candidate with the best forward F1 whose forward P and R are at least 0.6,
    whose CV F1 is not below `previous_cv`'s by more than one standard error, that holds
    the news floor (the threshold raised as far as it needs) and marks stance down.
    Never sees dev-test; `released` is `c2dd61f`'s stance recipe rerun on the earlier
    debates (its shipped weights saw the latest)."""
    corpus = Corpus([example(s.text, s.label) for s in data.sentences])
    examples = corpus.examples
    news = [example(p.english, p.label) for p in data.news]
    ids = [s.id for s in data.sentences]
    candidates: list[Candidate] = []
    for learner in learners:
        oof = out_of_fold(corpus, news, ids, learner)
        ahead = forward_logits(corpus, ids, oof, learner)
        full, _ = corpus.fit(range(len(examples)), learner)
        for stance in stances:
            for rule in rules:
                balanced = finalise(corpus, news, ids, oof, learner, stance, rule, full)
                final, figures = hold_news_floor(balanced, data.news, news_floor)
                offset = final.threshold - balanced.threshold
                result = cross_validate(examples, news, ids, oof, learner, stance, offset, rule)
                forward = forward_scores(ahead, examples, news, stance, rule, offset, released)
                candidate = Candidate(replace(result, forward=forward), figures, final)
                candidates.append(candidate)
                missing = candidate.shortfalls(news_floor, previous_cv)
                progress(
                    f"  {describe(result)}: forward {_shown(forward)}, CV F1 "
                    f"{result.mean('f1'):.3f} ± {result.sd('f1'):.3f}"
                    + (f"; out: {', '.join(missing)}" if missing else "")
                )
    eligible = [c for c in candidates if not c.shortfalls(news_floor, previous_cv)]
    if not eligible:
        progress("no candidate passes every floor: the best forward F1 of those that hold news")
        eligible = [
            c
            for c in candidates
            if (c.news is None or c.news.holds(news_floor))
            and (c.result.stance.source == "none" or marks_down(c.model.stance))
        ] or candidates
    pick = max(eligible, key=lambda c: c.result.forward.f1 if c.result.forward else 0.0)
    progress(f"  chosen: {describe(pick.result)}")
    same = [
        c
        for c in candidates
        if c.result.learner == pick.result.learner and c.result.rule == pick.result.rule
    ]
    return Choice(
        result=pick.result,
        model=pick.model,
        news_figures=pick.news,
        news_floor=news_floor,
        stages=(
            (
                "learner × stance terms × threshold rule, by the forward figure",
                tuple(c.result for c in candidates),
                pick.result,
            ),
        ),
        stances=tuple((c.result, c.news) for c in same),
        **counts(examples, news),
        folds=FOLDS,
        repeats=REPEATS,
    )


def _shown(scores: Scores) -> str:
    return f"F1 {scores.f1:.3f} (P {scores.precision:.3f}, R {scores.recall:.3f})"


def main() -> int:
    data = releases.selection_data_from_cli(__doc__)
    _, latest = latest_split([s.id for s in data.sentences])
    labels = [data.sentences[i].label for i in latest]
    blocks = [data.sentences[i].id // BLOCK_IDS for i in latest]
    print(f"latest debates: {len(latest)} sentences, {sum(labels)} check-worthy")
    decisions = {}
    for release in releases.RELEASES:
        decisions[release.commit] = release_forward(release, data).decisions
        shown = _shown(Scores.of(decisions[release.commit], labels))
        print(f"{release.commit} ({release.name}): {shown}")
    before, previous = releases.BEFORE_STANCE.commit, releases.PREVIOUS.commit
    diff = block_bootstrap(decisions[before], decisions[previous], labels, blocks)
    print(
        f"{before} - {previous}: F1 {diff.gain:+.3f}, 90% block-bootstrap interval "
        f"[{diff.low:+.3f}, {diff.high:+.3f}], above zero in {diff.share_above_zero:.0%} of draws"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
