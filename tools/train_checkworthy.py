"""Train the English check-worthiness model and its stance terms, chosen forward.

    .venv/bin/python -m tools.train_checkworthy [--data DIR] [--quick] [--out DIR]
                                                [--no-releases]

1. `tools.forward.select_forward` chooses the learner's regularisation, the stance terms
   and the threshold rule by the forward figure (trained on the earlier debates, scored
   on the latest: grouped CV ranked the releases unlike held-out data, this does not),
   with grouped k-fold CV over CheckThat! 2024 English train + dev as a floor, and fits
   the chosen model on all of it.
2. Only then is dev-test scored, once.
3. The weight files are written (`checkworthy_en.json`, `stance_weights.json`) if the
   candidate beats the previous release's forward F1 with forward P and R at 0.6, stays
   within one standard error of its CV F1, holds the news floor and passes the parallel
   test pairs' gate; otherwise they keep their weights and only gain a `selection` record.
4. The model cards are written next to the weight files: the data, the procedure, the
   CV mean ± sd, the dev-test figure, and the previous releases' figures side by side
   (on the same folds from `tools/data/release_cv.json`, made by `python -m
   tools.releases`; on dev-test with their own code, in a subprocess).

The stance setting may give back neither figure the previous release reached on the
news development pairs (French/English agreement, English F1), measured with its own
code.  `--quick` tries one learner and two stance settings (a smoke test, not a
release); `--no-releases` leaves the releases out (no floor, no comparison).
Pure Python; the full search takes a quarter of an hour on an idle core.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from bot.extraction.model import FEATURE_VERSION, model_filename
from bot.extraction.scoring import STANCE_FEATURES, STANCE_FILE
from tools import forward, releases
from tools.checkthat import (
    DEFAULT_DATA,
    DEV_FILE,
    DEV_TEST_FILE,
    REPO,
    TRAIN_FILE,
    Pair,
    Sentence,
    read_dev_test,
    read_pairs,
)
from tools.forward import select_forward
from tools.model_card import (
    PROCEDURE,
    ReleaseFigures,
    Shipped,
    checkworthy_card,
    cv_summary,
    describe,
    dev_test_summary,
    stance_card,
)
from tools.model_selection import (
    BLOCK_IDS,
    FOLD_MEAN_F1,
    FOLDS,
    NO_STANCE,
    RELEASED_STANCE,
    REPEATS,
    RULES,
    Choice,
    Learner,
    NewsFigures,
    Scores,
    SelectionData,
    Stance,
    ThresholdRule,
    news_figures,
    paired_gain,
    score_dev_test,
)
from tools.shared_data import CHECKWORTHY, require_files

OUT = REPO / "bot" / "extraction" / "data"
QUICK_LEARNERS = (Learner(2, 0.1),)
QUICK_STANCES = (NO_STANCE, Stance("debates+news", 30.0))
QUICK_RULES = (FOLD_MEAN_F1, ThresholdRule(1.5))


def card_path(weights: Path) -> Path:
    """`checkworthy_en.json` -> `checkworthy_en.card.md`, next to it."""
    return weights.with_suffix(".card.md")


def _selection(choice: Choice, dev_test: Scores) -> dict[str, object]:
    return {
        "procedure": PROCEDURE,
        "folds": choice.folds,
        "repeats": choice.repeats,
        "block_ids": BLOCK_IDS,
        "cv": cv_summary(choice.result.folds),
        "dev_test": dev_test_summary(dev_test),
    }


def write_weights(choice: Choice, dev_test: Scores, out: Path) -> tuple[Path, Path]:
    learner = choice.learner
    model_path = out / model_filename("en")
    model = {
        "language": "en",
        "feature_version": FEATURE_VERSION,
        "trained_on": (
            f"CheckThat! 2024 English train + dev ({choice.sentences} sentences, "
            f"{choice.positives} check-worthy)"
        ),
        "selection": {**_selection(choice, dev_test), "threshold_logit": choice.model.threshold},
        "hyper_parameters": {
            "epochs": learner.epochs,
            "learning_rate": learner.learning_rate,
            "l2": learner.l2,
            "min_count": learner.min_count,
            "families": list(learner.families),
        },
        "bias": choice.model.bias,
        "weights": dict(sorted(choice.model.weights.weights.items())),
    }
    model_path.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), "utf-8")
    stance_path = out / STANCE_FILE
    stance = {
        "fitted_on": choice.stance.describe(),
        "selection": {
            **_selection(choice, dev_test),
            "news": None if choice.news_figures is None else asdict(choice.news_figures),
            "news_floor": None if choice.news_floor is None else asdict(choice.news_floor),
        },
        "penalty": choice.stance.penalty,
        "weights": dict(zip(STANCE_FEATURES, choice.model.stance, strict=True)),
    }
    stance_path.write_text(json.dumps(stance, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return model_path, stance_path


def previous_news_figures(pairs: list[Pair]) -> NewsFigures:
    """The previous release on the news development pairs: the floor of the stance choice."""
    with releases.checkout(releases.PREVIOUS.commit) as tree:
        english = releases.score(tree, [p.english for p in pairs])
        french = releases.score(tree, [p.french for p in pairs], "fr")
    return NewsFigures.of(english, french, [p.label for p in pairs])


def release_figures(
    data: SelectionData,
    dev_test: list[Sentence],
    forwards: dict[str, forward.ReleaseForward],
) -> list[ReleaseFigures]:
    """Each earlier release on the same folds (cached), forward, and on dev-test (its own
    code)."""
    cached = releases.load_cache(data, FOLDS, REPEATS, BLOCK_IDS)
    labels = [s.label for s in dev_test]
    figures = []
    for release in releases.RELEASES:
        with releases.checkout(release.commit) as tree:
            scores = releases.score(tree, [s.text for s in dev_test])
        ahead = forwards.get(release.commit)
        figures.append(
            ReleaseFigures(
                release,
                cached.get(release.commit),
                Scores.of([p >= 0.5 for p in scores], labels),
                None if ahead is None else ahead.scores,
            )
        )
    return figures


#: the parallel test pairs' gate (tests/extraction/test_parallel.py): read only to veto a
#: final candidate, never to choose one
PARALLEL_GATE = REPO / "tests" / "extraction" / "data" / "parallel_en_fr.tsv"
MIN_GATE_AGREEMENT = 0.98


def ship_decision(
    choice: Choice,
    previous: Sequence[Scores],
    gate: NewsFigures | None = None,
    previous_forward: Scores | None = None,
) -> tuple[bool, str]:
    """Whether the candidate replaces the previous release's weights, and why: it must beat
    their recipe's forward F1 with forward precision and recall at 0.6, stay within one
    standard error of their recipe's CV F1 on the same folds, hold the news floor (the
    choice falls back to candidates that miss a floor when none holds all) and pass the
    parallel test pairs' gate."""
    gain, error = paired_gain(choice.result.folds, previous)
    ahead = choice.result.forward
    shortfalls = []
    if gate is not None and gate.agreement < MIN_GATE_AGREEMENT:
        shortfalls.append(
            f"fails the parallel test pairs' gate (agreement {gate.agreement:.3f} < "
            f"{MIN_GATE_AGREEMENT:g})"
        )
    if ahead is None:
        shortfalls.append("has no forward figure")
    else:
        if ahead.precision < forward.MIN_PRECISION or ahead.recall < forward.MIN_RECALL:
            shortfalls.append(
                f"has forward precision {ahead.precision:.3f} and recall {ahead.recall:.3f}"
            )
        if previous_forward is not None and ahead.f1 <= previous_forward.f1:
            shortfalls.append(
                f"does not beat the previous release's forward F1 ({ahead.f1:.3f} against "
                f"{previous_forward.f1:.3f})"
            )
    if gain < -error:
        shortfalls.append(
            f"falls below the previous release's recipe on the same folds by more than one "
            f"standard error (CV F1 {gain:+.3f}, standard error {error:.3f})"
        )
    figures, floor = choice.news_figures, choice.news_floor
    if figures is not None and not figures.holds(floor):
        shortfalls.append(
            f"gives back news quality (agreement {figures.agreement:.3f}, English F1 "
            f"{figures.english_f1:.3f} against the floor's "
            f"{floor.agreement:.3f} / {floor.english_f1:.3f})"
            if floor is not None
            else "gives back news quality"
        )
    if not shortfalls and ahead is not None:
        against = "" if previous_forward is None else f" against {previous_forward.f1:.3f}"
        return True, (
            f"Its forward F1 is {ahead.f1:.3f}{against} (P {ahead.precision:.3f}, R "
            f"{ahead.recall:.3f}), its CV F1 {gain:+.3f} from the previous release's recipe "
            f"on the same folds (standard error {error:.3f}); it holds the news floor and "
            f"the parallel test pairs' gate."
        )
    return False, (
        f"This run's candidate {' and '.join(shortfalls)}, so the weight files keep their "
        f"weights; their `selection` record and these cards are new."
    )


def keep_weights(out: Path, selection: dict[str, object]) -> tuple[Path, Path]:
    """The shipped weight files with `selection` recorded, their weights untouched."""
    model_path, stance_path = out / model_filename("en"), out / STANCE_FILE
    model = json.loads((OUT / model_path.name).read_text("utf-8"))
    model["selection"] = selection
    model_path.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), "utf-8")
    stance = json.loads((OUT / stance_path.name).read_text("utf-8"))
    stance["selection"] = selection
    stance_path.write_text(json.dumps(stance, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return model_path, stance_path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--quick", action="store_true", help="one learner: a smoke test")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the weight files")
    parser.add_argument(
        "--no-releases", action="store_true", help="leave the releases out of the cards"
    )
    args = parser.parse_args()
    require_files(CHECKWORTHY, [args.data / f for f in (TRAIN_FILE, DEV_FILE, DEV_TEST_FILE)])

    started = time.perf_counter()
    data = SelectionData.load(args.data)
    floor = None if args.no_releases else previous_news_figures(list(data.news))
    if floor is not None:
        print(
            f"news floor ({releases.PREVIOUS.commit}): agreement {floor.agreement:.3f}, "
            f"English F1 {floor.english_f1:.3f}"
        )
    forwards: dict[str, forward.ReleaseForward] = {}
    previous_cv = None
    if not args.no_releases:
        for release in releases.RELEASES:
            forwards[release.commit] = forward.release_forward(release, data)
            scores = forwards[release.commit].scores
            print(
                f"{release.commit} forward: F1 {scores.f1:.3f} (P {scores.precision:.3f}, "
                f"R {scores.recall:.3f})"
            )
        previous_cv = releases.load_cache(data, FOLDS, REPEATS, BLOCK_IDS).get(
            releases.PREVIOUS.commit
        )
    ahead = forwards.get(releases.PREVIOUS.commit)
    # c2dd61f's shipped stance weights saw the latest debates: forward, its recipe's own
    released = ahead.stance if ahead is not None and ahead.stance else RELEASED_STANCE
    grid = (
        (QUICK_LEARNERS, QUICK_STANCES, QUICK_RULES)
        if args.quick
        else (forward.LEARNERS, forward.STANCES, RULES)
    )
    choice = select_forward(
        data,
        released,
        previous_cv=previous_cv,
        news_floor=floor,
        learners=grid[0],
        stances=grid[1],
        rules=grid[2],
    )
    print(
        f"chose {describe(choice.result)}; threshold {choice.model.threshold:+.3f} "
        f"({time.perf_counter() - started:.0f}s)"
    )
    # `score_dev_test` takes only a final `Choice`: dev-test is read here, once.
    dev_test = score_dev_test(choice, args.data)
    print(f"dev-test: P {dev_test.precision:.3f} R {dev_test.recall:.3f} F1 {dev_test.f1:.3f}")
    figures: list[ReleaseFigures] = []
    if not args.no_releases:
        figures = release_figures(data, read_dev_test(args.data), forwards)
    args.out.mkdir(parents=True, exist_ok=True)
    previous = next((f for f in figures if f.release == releases.PREVIOUS), None)
    if previous is None or previous.cv is None or previous.dev_test is None:
        kept = None
        decision = "No earlier release was measured on these folds."
    else:
        # The test pairs veto the final candidate; they choose nothing.
        gate = news_figures(choice.model, read_pairs(PARALLEL_GATE))
        ships, decision = ship_decision(choice, previous.cv, gate, previous.forward)
        kept = None if ships else previous
    if kept is None or kept.cv is None or kept.dev_test is None:
        model_path, stance_path = write_weights(choice, dev_test, args.out)
        shipped = Shipped(
            "this run's candidate",
            decision,
            choice.result.folds,
            dev_test,
            0,
            choice.result.forward,
        )
        stance: list[float] = list(choice.model.stance)
    else:
        selection = {
            **_selection(choice, kept.dev_test),
            "cv": cv_summary(kept.cv),
            "decision": decision,
            "candidate": {
                "setting": describe(choice.result),
                "cv": cv_summary(choice.result.folds),
                "forward": None
                if choice.result.forward is None
                else dev_test_summary(choice.result.forward),
                "dev_test": dev_test_summary(dev_test),
            },
        }
        model_path, stance_path = keep_weights(args.out, selection)
        name = f"the previous release's weights (`{kept.release.commit}`), kept"
        shipped = Shipped(name, decision, kept.cv, kept.dev_test, 0, kept.forward)
        stance = list(json.loads(stance_path.read_text("utf-8"))["weights"].values())
    weights = len(json.loads(model_path.read_text("utf-8"))["weights"])
    shipped = replace(shipped, weights=weights)
    print(f"shipped: {shipped.name}. {decision}")
    card = checkworthy_card(choice, dev_test, shipped, figures)
    card_path(model_path).write_text(card, "utf-8")
    written = [model_path, card_path(model_path), stance_path]
    if not any(stance):
        card_path(stance_path).unlink(missing_ok=True)  # no stance terms, no card
    else:
        card = stance_card(choice, dev_test, shipped, stance, figures)
        card_path(stance_path).write_text(card, "utf-8")
        written.append(card_path(stance_path))
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
