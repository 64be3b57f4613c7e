"""The forward figure: models blind to the latest debates, a threshold chosen before them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tools import checkthat, forward, model_selection
from tools.checkthat import DEV_FILE, TRAIN_FILE
from tools.model_selection import (
    RELEASED_STANCE,
    Corpus,
    Learner,
    Scores,
    SelectionData,
    Stance,
    ThresholdRule,
    example,
    fold_threshold,
    out_of_fold,
)

from .test_model_selection import _data_dir, _reads


def test_a_recall_oriented_rule_cuts_lower() -> None:
    logits = [5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
    labels = [1, 1, 0, 1, 0, 0]
    groups = ["a"] * 6
    # F1: the top four (2·3/7 = 0.857) beat the top two (0.8): the cut at 1.5
    assert fold_threshold(logits, labels, groups) == 1.5
    # F1 and F1.5 agree here; a lone positive far down pulls F1.5 lower
    logits2 = [*logits, -1.0, -2.0]
    labels2 = [*labels, 0, 1]
    assert fold_threshold(logits2, labels2, ["a"] * 8) == 1.5
    assert fold_threshold(logits2, labels2, ["a"] * 8, beta=3.0) == -2.5
    pooled = ThresholdRule(3.0, pooled=True)
    assert pooled.cut(logits2, labels2, ["a", "b"] * 4) == -2.5
    assert pooled.describe() == "best F3 pooled"
    assert ThresholdRule().describe() == "best mean F1 over the folds"


def test_the_block_bootstrap_resamples_blocks_and_keeps_the_sign() -> None:
    labels = [1, 0] * 20
    a = [bool(y) for y in labels]  # every decision right
    b = [bool(y) if i % 4 else not y for i, y in enumerate(labels)]  # a quarter wrong
    blocks = [i // 8 for i in range(40)]
    diff = forward.block_bootstrap(a, b, labels, blocks, draws=200)
    assert diff.gain == pytest.approx(1.0 - Scores.of(b, labels).f1)
    assert 0.0 < diff.low <= diff.gain <= diff.high
    assert diff.share_above_zero == 1.0


def test_forward_models_never_see_the_latest_debates(tmp_path: Path) -> None:
    data = SelectionData.load(_data_dir(tmp_path))
    ids = [s.id for s in data.sentences]
    earlier, latest = forward.latest_split(ids)
    assert max(ids[i] for i in earlier) < min(ids[i] for i in latest)
    learner = Learner(2, 0.1)

    def logits(flip: bool) -> forward.ForwardLogits:
        rows = [
            replace(s, label=1 - s.label) if flip and i in set(latest) else s
            for i, s in enumerate(data.sentences)
        ]
        corpus = Corpus([example(s.text, s.label) for s in rows])
        oof = out_of_fold(corpus, [], ids, learner)
        return forward.forward_logits(corpus, ids, oof, learner)

    plain, flipped = logits(False), logits(True)
    # the latest rows' labels change neither the models nor the threshold's logits
    assert (plain.inner, plain.logits, plain.inner_folds) == (
        flipped.inner,
        flipped.logits,
        flipped.inner_folds,
    )
    assert set(plain.earlier) == set(earlier) and plain.latest == tuple(latest)


def test_forward_selection_never_reads_dev_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    _reads(monkeypatch, reads)
    data = SelectionData.load(_data_dir(tmp_path))
    choice = forward.select_forward(
        data,
        RELEASED_STANCE,
        previous_cv=None,
        news_floor=None,
        learners=(Learner(2, 0.1),),
        stances=(model_selection.NO_STANCE, Stance("released", scale=0.5)),
        rules=(model_selection.FOLD_MEAN_F1, ThresholdRule(1.5)),
        progress=lambda _: None,
    )
    assert reads == [TRAIN_FILE, DEV_FILE]
    assert choice.result.forward is not None and choice.result.forward.f1 > 0.9
    assert len(choice.stages[0][1]) == 4  # every learner × stance × rule, listed
    assert checkthat.DEV_TEST_FILE not in reads
