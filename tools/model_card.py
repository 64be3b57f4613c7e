"""Model cards: what a shipped weight file was trained on, how it was chosen, how it scores.

Written by `tools/train_checkworthy.py` next to each weight file it writes
(`checkworthy_en.card.md`, `stance_weights.card.md`), from the same figures it stores in
the file's `selection` metadata, so the two cannot drift (tests/extraction/test_model_card.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tools.model_selection import (
    BLOCK_IDS,
    Choice,
    Result,
    Scores,
)
from tools.releases import Release


def describe(result: Result) -> str:
    """A candidate: its learner, stance terms and threshold rule."""
    return f"{result.learner.describe()}; {result.stance.describe()}; {result.rule.describe()}"


#: named in every card and in the weight files' metadata
PROCEDURE = "grouped k-fold cross-validation over train + dev; dev-test scored once, after"
METRICS = (("P", "precision"), ("R", "recall"), ("F1", "f1"))
FORWARD = "forward F1 (P, R)"


@dataclass(frozen=True)
class ReleaseFigures:
    """A release's figures on the same folds (its own recipe) and on dev-test (its own code)."""

    release: Release
    cv: Sequence[Scores] | None
    dev_test: Scores | None
    #: its recipe run on the earlier debates, scored on the latest (`tools.forward`)
    forward: Scores | None = None


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    return mean, sd


def cv_summary(folds: Sequence[Scores]) -> dict[str, dict[str, float]]:
    """{metric: {mean, sd}} over the folds, rounded as stored and shown."""
    summary = {}
    for _, metric in METRICS:
        mean, sd = mean_sd([getattr(s, metric) for s in folds])
        summary[metric] = {"mean": round(mean, 3), "sd": round(sd, 3)}
    return summary


def dev_test_summary(scores: Scores) -> dict[str, float]:
    return {metric: round(getattr(scores, metric), 3) for _, metric in METRICS}


def _cv_cells(folds: Sequence[Scores] | None) -> list[str]:
    if not folds:
        return ["not computed"] * 3
    summary = cv_summary(folds)
    return [f"{summary[m]['mean']:.3f} ± {summary[m]['sd']:.3f}" for _, m in METRICS]


def _test_cells(scores: Scores | None) -> list[str]:
    if scores is None:
        return ["not computed"] * 3
    summary = dev_test_summary(scores)
    return [f"{summary[m]:.3f}" for _, m in METRICS]


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _forward(scores: Scores | None) -> str:
    """The forward figure: trained on the earlier debates, scored on the latest."""
    if scores is None:
        return "not computed"
    return f"{scores.f1:.3f} ({scores.precision:.3f}, {scores.recall:.3f})"


@dataclass(frozen=True)
class Shipped:
    """The weights the files hold after a run: this run's candidate, or the previous
    release's kept because the candidate did not beat it (`model_selection.beats`)."""

    name: str
    decision: str
    cv: Sequence[Scores] | None
    dev_test: Scores
    weights: int
    forward: Scores | None = None


def figures_table(
    shipped: Shipped,
    candidate: tuple[Choice, Scores] | None,
    releases: Sequence[ReleaseFigures],
) -> str:
    header = [
        "model",
        *(f"CV {n}" for n, _ in METRICS),
        FORWARD,
        *(f"dev-test {n}" for n, _ in METRICS),
    ]
    lines = [_row(header), _row(["---"] * len(header))]
    cells = [*_cv_cells(shipped.cv), _forward(shipped.forward), *_test_cells(shipped.dev_test)]
    lines.append(_row(["this model", *cells]))
    if candidate is not None:
        choice, dev_test = candidate
        folds = choice.result.folds
        cells = [*_cv_cells(folds), _forward(choice.result.forward), *_test_cells(dev_test)]
        lines.append(_row(["this run's candidate, not shipped", *cells]))
    for figures in releases:
        name = f"{figures.release.name} (`{figures.release.commit}`)"
        cells = [
            *_cv_cells(figures.cv),
            _forward(figures.forward),
            *_test_cells(figures.dev_test),
        ]
        lines.append(_row([name, *cells]))
    return "\n".join(lines)


def _candidates(results: Sequence[tuple[Result, str]], chosen: Result) -> str:
    header = ["candidate", "CV P", "CV R", "CV F1", FORWARD, ""]
    lines = [_row(header), _row(["---"] * len(header))]
    for result, describe in results:
        mark = "chosen" if result == chosen else ""
        cells = [describe, *_cv_cells(result.folds), _forward(result.forward), mark]
        lines.append(_row(cells))
    return "\n".join(lines)


#: how the procedure came to be what it is, for whoever reads a dev-test figure
HISTORY = (
    "A first run balanced the threshold on all out-of-fold logits, chose 3 epochs at "
    "0.05, L2 0.01, every feature seen once, stance terms on debates+news at penalty 300 "
    "(CV F1 0.676 ± 0.032, P 0.663, R 0.697; threshold at logit -0.723), and scored "
    "dev-test P 0.903, R 0.602, F1 0.722: recall fell on the later debates. The "
    "cross-validation's own latest fold had shown it (R 0.510 at that cut-off; its own "
    "balanced cut-off 0.5 logit lower, the other folds' within 0.2). The threshold rule "
    "was then changed to the latest debates and the one-standard-error rule added. "
    "That second run (stance terms on debates+news at penalty 300, threshold at logit "
    "-1.125; CV F1 0.662 ± 0.031, P 0.599, R 0.761) scored dev-test P 0.851, R 0.741, "
    "F1 0.792, but gave back news quality the bot's users see (French/English agreement "
    "on the parallel test pairs 214 of 220, an intention among the English example "
    "article's claims; English F1 on the news dev pairs 0.938 against the previous "
    "release's 0.945), so the threshold is now raised as far as the news floor needs. "
    "The third run (this card's candidate) gained CV F1 +0.004 over the previous "
    "release's recipe on the same folds, within one standard error (0.005), and lost "
    "0.041 on the latest debates; shipped, it let 215 of 220 parallel test pairs agree "
    "(gate: 0.98). The rule that keeps the previous weights unless a candidate beats "
    "them by one standard error was added then. Dev-test is therefore not blind to "
    "these changes. The fourth run added the L2 penalty on the mean loss, the released "
    "stance weights shrunk by a cross-validated scale, the rule that a stance setting "
    "marks stance down (fits over the new learners turned opinion up), and the threshold "
    "best on the folds' mean F1. Its first attempt let the families stage drop the signal "
    "tags (unigrams+bigrams only): no stance setting then held the news floor (best "
    "agreement 0.947, English F1 0.934), yet the trainer shipped it on CV F1 +0.004 "
    "(standard error 0.004), and dev-test was read: P 0.899, R 0.741, F1 0.812. The "
    "signal tags were then kept in every families variant (the French bridge and the "
    "stance terms read them), and a candidate now replaces the previous weights only if "
    "it also holds the news floor and keeps CV precision and recall at 0.6; the second "
    "attempt made no other change and read dev-test once more, after its choice (that "
    "run's candidate). It held the news floor on the development pairs (agreement "
    "0.979), but only 213 of 220 parallel test pairs agreed (gate: 0.98) and one French "
    "example article lost an expected claim, so it was not shipped; the trainer now "
    "vetoes a candidate below the test pairs' gate, read after the choice and choosing "
    "nothing. Grouped CV could not tell `95127b2^` from `c2dd61f` (0.659 against 0.661), "
    "though held out they differ by 0.055, mostly recall; forward (each release's recipe "
    "run on the earlier debates, scored on the latest) ranks them as held out did: 0.637 "
    "(P 0.660, R 0.616) against 0.625 (P 0.680, R 0.579). The fifth run therefore "
    "chooses by the forward figure, with CV as a floor (this card's candidate: forward 0.653, "
    "P 0.648, R 0.659; it read dev-test once, after its choice; the trainer's veto scored "
    "215 of 220 parallel test pairs agreeing, below the gate, so it was not shipped)."
)


def _procedure(choice: Choice) -> str:
    return (
        f"Procedure: {PROCEDURE}.\n\n"
        f"- {choice.folds}-fold cross-validation, repeated {choice.repeats} times with the "
        f"fold boundaries rotated, over train + dev together. Folds are grouped by debate "
        f"as far as the files allow: they name no debate, but sentence ids run debate by "
        f"debate, so a group is a block of {BLOCK_IDS} consecutive ids and a fold a "
        f"contiguous run of blocks; a debate is split between two folds only where a fold "
        f"boundary falls inside it (at most one per boundary).\n"
        f"- Every setting (the learner's regularisation, the stance terms, the threshold "
        f"rule) is chosen together by the forward figure (`tools/forward.py`): the model "
        f"fitted on the first repeat's first {choice.folds - 1} folds (the earlier "
        f"debates), its stance terms and threshold chosen on their own out-of-fold logits "
        f"(models blind to the latest debates), scored on the last fold (the 2012 and 2016 "
        f"debates). The candidate with the best forward F1 whose forward precision and "
        f"recall are at least 0.6 is chosen, if its CV F1 is not below the previous "
        f"release's recipe's by more than one standard error (of the paired fold "
        f"differences). A stance setting must mark every bare hedge, plan, forecast and "
        f"opinion down; `c2dd61f`'s stance weights saw the latest debates, so their "
        f"forward figure uses its stance recipe rerun on the earlier ones.\n"
        f"- Each CV fold's threshold is chosen by the rule on the other folds' out-of-fold "
        f"logits: the best mean F1 (or F1.5, recall weighing more) over those folds, each "
        f"fold counting alike, or over their rows pooled. The shipped threshold is chosen "
        f"the same way on every repeat's out-of-fold logits, raised if "
        f"needed to the lowest cut-off at which the news development pairs give back "
        f"neither the previous release's French/English agreement nor its English F1 (the "
        f"CV folds' cut-offs are raised as much), and folded into the bias, so 0.5 is the "
        f"cut-off.\n"
        f"- The model is then fitted on all of train + dev. In a run, dev-test is read once, "
        f"after the choice is final, and chooses nothing; across runs it was not blind "
        f"(History).\n\n"
        f"History: {HISTORY}"
    )


def checkworthy_card(
    choice: Choice,
    dev_test: Scores,
    shipped: Shipped,
    releases: Sequence[ReleaseFigures],
) -> str:
    """The card of `checkworthy_en.json`; `dev_test` is the candidate's."""
    learner = choice.learner
    stages = "\n\n".join(
        f"*{name}*\n\n" + _candidates([(r, describe(r)) for r in results], chosen)
        for name, results, chosen in choice.stages
    )
    candidate = None if shipped.cv is choice.result.folds else (choice, dev_test)
    return f"""# Model card: `checkworthy_en.json`

Written by `tools/train_checkworthy.py`; regenerate, do not edit.

**What.** Sparse logistic regression over word unigrams and bigrams (numbers folded),
signal tags and a length bucket (`bot/extraction/model.py`), {shipped.weights:,} weights;
the English check-worthiness score, and through the French lexicon the French one.

**Shipped.** {shipped.name}. {shipped.decision}

**Data.** CheckThat! 2024 English train + dev: {choice.sentences:,} sentences from US
presidential debates, {choice.positives:,} check-worthy. The {choice.news} English news
sentences of `tools/data/parallel_dev_en_fr.tsv` enter only the stance fit and its floor
(see `stance_weights.card.md`). Dev-test is not trained or tuned on.

**Selection.** {_procedure(choice)}

This run's candidate: {learner.describe()}; {choice.stance.describe()};
{choice.result.rule.describe()}; threshold at logit {choice.model.threshold:+.3f}.

## Figures

CV: mean ± sd over the {len(choice.result.folds)} folds; forward: trained on the first
repeat's other folds, scored on its last (ids from about 26,500: the 2012 and 2016
debates). A release's CV and forward figures are its recipe rerun without the fold with
its own code (`python -m tools.releases`, `python -m tools.forward`): its trainer with
the hyper-parameters it had chosen, its threshold search, its stance fit; its dev-test
figures are its shipped code and weights.

{figures_table(shipped, candidate, releases)}

## Candidates

{stages}
"""


def _news(figures: object) -> str:
    agreement = getattr(figures, "agreement", None)
    english = getattr(figures, "english_f1", None)
    if agreement is None or english is None:
        return "—"
    return f"{agreement:.3f} / {english:.3f}"


def stance_card(
    choice: Choice,
    dev_test: Scores,
    shipped: Shipped,
    stance: Sequence[float],
    releases: Sequence[ReleaseFigures],
) -> str:
    """The card of `stance_weights.json`; `stance` is the shipped vector."""
    names = (
        "speculation",
        "speculation on a sourced fact",
        "intention",
        "prediction",
        "plan on a sourced fact",
        "opinion",
    )
    weights = "\n".join(f"| {n} | {w:+.3f} |" for n, w in zip(names, stance, strict=True))
    header = ["stance terms", "CV P", "CV R", "CV F1", "news agreement / English F1", ""]
    rows = [_row(header), _row(["---"] * len(header))]
    for result, figures in choice.stances:
        mark = "chosen" if result == choice.result else ""
        cells = [result.stance.describe(), *_cv_cells(result.folds), _news(figures), mark]
        rows.append(_row(cells))
    floor = _news(choice.news_floor) if choice.news_floor else "none (no release measured)"
    candidate = None if shipped.cv is choice.result.folds else (choice, dev_test)
    return f"""# Model card: `stance_weights.json`

Written by `tools/train_checkworthy.py`; regenerate, do not edit.

**What.** One weight per stance feature (`scoring.STANCE_FEATURES`), added to the English
model's logit (`scoring.learned_stance_logit`). French keeps the rule score's stance terms.

**Shipped.** {shipped.name}. {shipped.decision}

| feature | weight |
| --- | --- |
{weights}

**Data.** This run either fits them by L2-penalised logistic regression with the
model's out-of-fold logits as a fixed offset ({choice.sentences:,} CheckThat! train + dev
sentences) and, when chosen, the {choice.news} English news sentences of
`tools/data/parallel_dev_en_fr.tsv`, weighing as much together as the debates; or takes
release `c2dd61f`'s weights (fitted that way on its latest debates and the news
sentences) times a scale from 0.25 to 1, the same on every fold.

**Selection.** {_procedure(choice)}
- The stance setting is chosen like the others among those that give back neither
  figure the previous release reached on the news pairs (the model refitted on
  everything, as shipped): the French/English decision agreement and the English F1.
  Cross-validation on debates cannot see news, which the bot reads. Floor: {floor}.

This run's candidate: {choice.stance.describe()}.

{chr(10).join(rows)}

## Figures (the English score with these terms)

{figures_table(shipped, candidate, releases)}
"""
