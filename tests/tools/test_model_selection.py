"""The selection harness: grouped folds, a threshold fair to every fold, and no dev-test before
the end."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from tools import checkthat, forward, model_selection, train_checkworthy
from tools.checkthat import DEV_FILE, DEV_TEST_FILE, TRAIN_FILE, Sentence, write_split
from tools.model_selection import (
    Learner,
    Result,
    Scores,
    SelectionData,
    Stage,
    Stance,
    adagrad,
    fit_stance,
    fold_threshold,
    grouped_folds,
    marks_down,
    one_standard_error,
    select,
)

BLOCK = 500


def _blocks(ids: list[int], fold: list[int]) -> set[int]:
    return {ids[i] // BLOCK for i in fold}


@pytest.mark.parametrize("repeat", [0, 1, 2])
def test_folds_cover_every_row_once_and_never_split_a_block(repeat: int) -> None:
    rng = random.Random(repeat)
    ids = sorted(rng.sample(range(40_000), 3_000))
    folds = grouped_folds(ids, k=5, repeat=repeat, repeats=3, block=BLOCK)
    assert sorted(i for fold in folds for i in fold) == list(range(len(ids)))
    blocks = [_blocks(ids, fold) for fold in folds]
    for a in range(5):
        for b in range(a + 1, 5):
            assert not blocks[a] & blocks[b], (a, b)
    # Each fold is one run of consecutive blocks (a run may wrap from the last to the first).
    order = sorted({i // BLOCK for i in ids})
    for fold_blocks in blocks:
        positions = sorted(order.index(b) for b in fold_blocks)
        gaps = sum(1 for x, y in itertools.pairwise(positions) if y != x + 1)
        assert gaps <= 1
        if gaps == 1:
            assert positions[0] == 0 and positions[-1] == len(order) - 1
    sizes = [len(fold) for fold in folds]
    assert max(sizes) - min(sizes) < len(ids) / 5 * 0.35


def test_repeats_move_the_fold_boundaries() -> None:
    ids = list(range(0, 50_000, 7))
    first = grouped_folds(ids, k=5, repeat=0, repeats=2, block=BLOCK)
    second = grouped_folds(ids, k=5, repeat=1, repeats=2, block=BLOCK)
    assert first[0][0] == 0
    assert [set(f) for f in first] != [set(f) for f in second]


def test_fewer_blocks_than_folds_is_refused() -> None:
    with pytest.raises(ValueError, match="3 id blocks cannot make 5 folds"):
        grouped_folds([1, 600, 1200], k=5, block=BLOCK)


def test_the_threshold_counts_every_fold_alike() -> None:
    # Fold "a" runs high, fold "b" low. Pooled, the best F1 (0.8) cuts at 4.5, which finds
    # nothing in "b"; the best mean F1 (0.75: "a" 0.5, "b" 1.0) cuts at 0.5.
    logits = [6.0, 5.0, 4.0, 3.0, 2.0, 1.5, 1.0, 0.0]
    labels = [1, 1, 0, 0, 0, 0, 1, 0]
    folds = ["a"] * 6 + ["b"] * 2
    assert fold_threshold(logits, labels, folds) == 0.5
    assert fold_threshold(logits, labels, ["all"] * 8) == 4.5  # one fold: the pooled best


def test_the_mean_loss_penalty_holds_a_rare_feature_nearer_zero() -> None:
    # Feature 0 marks every check-worthy row (20 of 40), feature 1 one of them only.
    data = [([0, 1] if i == 0 else [0], 1) for i in range(20)] + [([], 0)] * 20
    _, free = adagrad(data, 2, epochs=5, learning_rate=0.1, l2=0.0)
    penalties = [0.05 * 40 / 20, 0.05 * 40 / 1]  # as `Corpus.fit`: λ · rows / count
    _, held = adagrad(data, 2, epochs=5, learning_rate=0.1, l2=0.0, penalties=penalties)
    assert held[0] / free[0] > held[1] / free[1] > 0.0


def test_released_stance_weights_shrink_toward_zero_and_must_mark_stance_down() -> None:
    half = fit_stance(Stance("released", scale=0.5), [], [], [], [], [])
    assert half == tuple(w / 2 for w in model_selection.RELEASED_STANCE)
    assert marks_down(half)
    assert not marks_down((-0.3, 0.0, -0.1, -0.5, 0.0, 0.15))  # an opinion turned up
    assert marks_down((-0.3, 0.2, -0.1, -0.5, 0.1, -0.15))  # sourced ones may go up


def _result(name: str, f1s: list[float]) -> Result:
    folds = tuple(Scores(f, f, f) for f in f1s)
    return Result(Learner(1, float(len(name))), model_selection.NO_STANCE, folds)


def test_a_more_fitted_setting_must_beat_the_simpler_by_a_standard_error() -> None:
    simple = _result("s", [0.70, 0.60, 0.65, 0.68])
    # better on every fold, by 0.01: the paired gaps have no spread, so it counts
    steady = _result("st", [0.71, 0.61, 0.66, 0.69])
    assert one_standard_error([simple, steady]) is steady
    # better on average by 0.0025 but mostly worse: within one standard error
    noisy = _result("noisy", [0.75, 0.58, 0.63, 0.68])
    assert one_standard_error([simple, noisy]) is simple
    assert one_standard_error([noisy, simple]) is noisy  # listed first: the simpler


def test_selection_data_refuses_dev_test_rows() -> None:
    rows = (Sentence(1, "Crime fell 5 percent.", 1, "train"), Sentence(2, "Hi.", 0, "dev-test"))
    with pytest.raises(ValueError, match="train and dev only"):
        SelectionData(rows)


_FACTS = (
    "Unemployment fell to {n} percent in {year}.",
    "The state spent {n} million dollars on roads in {year}.",
    "Crime rose by {n} percent after the law passed in {year}.",
    "We lost {n} thousand jobs in manufacturing since {year}.",
)
_OTHER = (
    "I want to thank everyone for being here tonight number {n}.",
    "Let me answer the question, Jim.",
    "I believe in the future of this great country.",
    "We have to work together to move forward.",
)


def _sentences(split: str, start: int, count: int, step: int) -> list[Sentence]:
    rng = random.Random(start)
    rows = []
    for i in range(count):
        label = i % 3 == 0
        template = rng.choice(_FACTS if label else _OTHER)
        text = template.format(n=rng.randint(2, 90), year=rng.randint(1990, 2016))
        rows.append(Sentence(start + i * step, text, int(label), split))
    return rows


def _data_dir(tmp_path: Path) -> Path:
    write_split(tmp_path / TRAIN_FILE, _sentences("train", 0, 240, 110))
    write_split(tmp_path / DEV_FILE, _sentences("dev", 55, 60, 430))
    write_split(tmp_path / DEV_TEST_FILE, _sentences("dev-test", 40_000, 30, 100))
    return tmp_path


def _reads(monkeypatch: pytest.MonkeyPatch, log: list[str]) -> None:
    original = checkthat.read_rows

    def spy(path: Path) -> list[tuple[int, str, int]]:
        log.append(path.name)
        return original(path)

    monkeypatch.setattr(checkthat, "read_rows", spy)


def test_selection_never_reads_dev_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    _reads(monkeypatch, reads)
    data = SelectionData.load(_data_dir(tmp_path))
    choice = select(
        data,
        stages=(Stage("early stopping", lambda _: [Learner(2, 0.1), Learner(1, 0.1)]),),
        stances=(model_selection.NO_STANCE,),
        progress=lambda _: None,
    )
    assert reads == [TRAIN_FILE, DEV_FILE]
    assert {s.split for s in data.sentences} == {"train", "dev"}
    assert len(choice.result.folds) == 10  # 5 folds × 2 repeats
    assert choice.result.mean("f1") > 0.9  # the facts carry figures, the rest none


def test_the_trainer_reads_dev_test_once_after_the_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []
    _reads(monkeypatch, events)
    chosen = forward.select_forward

    def select_and_log(*args: object, **kwargs: object) -> model_selection.Choice:
        choice = chosen(*args, **kwargs)  # type: ignore[arg-type]
        events.append("chosen")
        return choice

    monkeypatch.setattr(train_checkworthy, "select_forward", select_and_log)
    (tmp_path / "data").mkdir()
    data, out = _data_dir(tmp_path / "data"), tmp_path / "out"
    argv = ["train", "--data", str(data), "--out", str(out), "--quick", "--no-releases"]
    monkeypatch.setattr("sys.argv", argv)
    assert train_checkworthy.main() == 0
    assert events == [TRAIN_FILE, DEV_FILE, "chosen", DEV_TEST_FILE]
    model = json.loads((out / "checkworthy_en.json").read_text("utf-8"))
    selection = model["selection"]
    assert selection["folds"] == 5 and selection["repeats"] == 2
    assert "dev-test scored once" in selection["procedure"]
    card = (out / "checkworthy_en.card.md").read_text("utf-8")
    cv = selection["cv"]["f1"]
    assert f"{cv['mean']:.3f} ± {cv['sd']:.3f}" in card
    assert "forward F1 (P, R)" in card
    assert "dev-test: P " in capsys.readouterr().out


def _shipped() -> model_selection.FinalModel:
    raw = json.loads(
        (
            Path(model_selection.__file__).parents[1]
            / "bot"
            / "extraction"
            / "data"
            / "checkworthy_en.json"
        ).read_text("utf-8")
    )
    stance = json.loads(
        (
            Path(model_selection.__file__).parents[1]
            / "bot"
            / "extraction"
            / "data"
            / "stance_weights.json"
        ).read_text("utf-8")
    )
    weights = model_selection.Weights(
        float(raw["bias"]), {k: float(v) for k, v in raw["weights"].items()}
    )
    vector = tuple(float(v) for v in stance["weights"].values())
    return model_selection.FinalModel(weights, vector, 0.0)  # type: ignore[arg-type]


def test_the_threshold_rises_only_as_far_as_the_news_floor_needs() -> None:
    pairs = checkthat.read_pairs()[:60]
    model = replace(_shipped(), threshold=-1.5)  # a cut-off far below the shipped one
    low = model_selection.news_figures(model, pairs)
    shipped = model_selection.news_figures(replace(model, threshold=0.0), pairs)
    assert not low.holds(shipped)
    cut = model_selection.news_threshold(model, pairs, shipped)
    # the lowest cut-off that holds it: at most the interval between two logits around 0
    assert cut is not None and -1.5 < cut < 0.1
    assert model_selection.news_figures(replace(model, threshold=cut), pairs).holds(shipped)
    # the floor held already: no rise; a floor no cut-off reaches: None
    assert model_selection.news_threshold(model, pairs, low) == -1.5
    unreachable = model_selection.NewsFigures(agreement=1.01, english_f1=0.0)
    assert model_selection.news_threshold(model, pairs, unreachable) is None


def _choice(f1s: list[float], forward: Scores, news: tuple[float, float]) -> model_selection.Choice:
    result = Result(
        Learner(1, 0.1),
        model_selection.NO_STANCE,
        tuple(Scores(0.6, 0.7, f) for f in f1s),
        forward=forward,
    )
    model = model_selection.FinalModel(
        model_selection.Weights(0.0, {}), model_selection.ZERO_STANCE, 0.0
    )
    return model_selection.Choice(
        result=result,
        model=model,
        news_figures=model_selection.NewsFigures(*news),
        news_floor=model_selection.NewsFigures(0.955, 0.945),
        stages=(),
        stances=(),
        sentences=10,
        positives=3,
        news=4,
        folds=2,
        repeats=1,
    )


def test_a_candidate_ships_only_if_it_beats_forward_keeps_cv_and_holds_the_news_floor() -> None:
    previous = [Scores(0.6, 0.7, f) for f in (0.60, 0.62, 0.64, 0.66)]
    before = Scores(0.68, 0.579, 0.625)  # the previous release, forward
    ahead = Scores(0.64, 0.66, 0.65)
    level = [0.61, 0.61, 0.65, 0.65]  # CV: the same mean, within one standard error
    ships, why = train_checkworthy.ship_decision(
        _choice(level, ahead, (0.96, 0.95)), previous, None, before
    )
    assert ships
    assert why.startswith("Its forward F1 is 0.650 against 0.625 (P 0.640, R 0.660)")
    ships, why = train_checkworthy.ship_decision(
        _choice(level, Scores(0.70, 0.58, 0.634), (0.96, 0.95)), previous, None, before
    )
    assert not ships
    assert "has forward precision 0.700 and recall 0.580" in why
    ships, why = train_checkworthy.ship_decision(
        _choice(level, Scores(0.62, 0.62, 0.62), (0.96, 0.95)), previous, None, before
    )
    assert not ships
    assert "does not beat the previous release's forward F1 (0.620 against 0.625)" in why
    worse = [0.58, 0.60, 0.62, 0.64]  # -0.02 on every fold
    ships, why = train_checkworthy.ship_decision(
        _choice(worse, ahead, (0.96, 0.95)), previous, None, before
    )
    assert not ships
    assert "by more than one standard error (CV F1 -0.020, standard error 0.000)" in why
    ships, why = train_checkworthy.ship_decision(
        _choice(level, ahead, (0.947, 0.95)), previous, None, before
    )
    assert not ships
    assert "gives back news quality (agreement 0.947, English F1 0.950" in why
    gate = model_selection.NewsFigures(213 / 220, 0.95)  # the parallel test pairs
    ships, why = train_checkworthy.ship_decision(
        _choice(level, ahead, (0.96, 0.95)), previous, gate, before
    )
    assert not ships
    assert "fails the parallel test pairs' gate (agreement 0.968 < 0.98)" in why
