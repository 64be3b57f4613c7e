"""The claim-matching re-ranker's model card, rendered from reranker.json's metadata alone
(so a test can render it again and compare: the card cannot drift from the weights)."""

from __future__ import annotations

from typing import Any

from tools.cross_validation import plus_minus

__all__ = ["model_card"]


def _side_by_side(meta: dict[str, Any], scenario: str, measure: str) -> tuple[str, str]:
    before, now = meta["previous_release"]["cv"][scenario], meta["cv"][scenario]
    return plus_minus(before[measure]), plus_minus(now[measure])


def model_card(meta: dict[str, Any]) -> str:
    """reranker.card.md, from reranker.json alone (a test renders it again and compares)."""
    selection, previous = meta["selection"], meta["previous_release"]
    commit = previous["commit"]
    lines = [
        "# Claim-matching re-ranker: model card",
        "",
        "Written by `.venv/bin/python -m tools.train_claim_matcher` beside "
        "`reranker.json`, from its metadata; do not edit by hand.",
        "",
        "## Data",
        "",
        f"- Trained on: {meta['trained_on']}.",
        f"- Candidates as the bot retrieves them: the query's {meta['retrieval']['query_terms']} "
        f"rarest terms (`index.QUERY_TERMS`), {meta['retrieval']['candidates']} candidates "
        "(`index.CANDIDATES`); a test keeps these equal to the bot's.",
        f"- Held out: Dev-Test ({meta['dev_test']['queries']} tweets), scored once through "
        "`claimbot factchecks import` and `claimbot match` after every choice was made; "
        f"{meta['dev_test']['shared_with_training']} of its {meta['dev_test']['fact_checks']} "
        "fact-checks are also in Train or Dev.",
        "",
        "## Procedure",
        "",
        f"- {selection['folds']}-fold cross-validation over Train + Dev, folds grouped: "
        f"{selection['groups']} ({selection['group_count']} groups; folds of "
        f"{', '.join(map(str, selection['fold_sizes']))} tweets; seed {selection['seed']}).",
        "- Model: pairwise logistic regression over standardised features (each right "
        "candidate against the best-ranked wrong ones), solved exactly by Newton's method; one "
        "model for tweets with a date, one with the date hidden (most claims posted have none).",
        f"- Chosen by mean CV MAP@5 from L2 {selection['grid']['l2']} × wrong candidates per "
        f"right one {selection['grid']['negatives']}, then feature groups "
        f"({', '.join(selection['feature_groups'])}) dropped one at a time while a drop raised "
        "it. Calibration (a logistic fit of the best score, in-sample or cross-fitted on "
        "out-of-fold scores) chosen by held-out log loss.",
        "",
        "| Model | L2 | wrong per right | groups dropped | calibration (CV log loss) |",
        "|---|---|---|---|---|",
    ]
    for name in ("dated", "undated"):
        chosen = selection[name]
        losses = ", ".join(
            f"{method} {plus_minus(values)}"
            for method, values in chosen["calibration_log_loss"].items()
        )
        lines.append(
            f"| {name} | {chosen['l2']:g} | {chosen['negatives']} | "
            f"{', '.join(chosen['dropped']) or 'none'} | {chosen['calibration']} ({losses}) |"
        )
    dev_test, before = meta["dev_test"], previous["dev_test"]
    lines += [
        "",
        "## Figures",
        "",
        f"CV: mean ± sd over the {selection['folds']} folds. The previous release ({commit}) is "
        f"its own code and weights, run through `claimbot match`; it was trained on "
        f"{previous['trained_on']}, so its CV figures include tweets it was trained on.",
        "",
        f"| | previous release ({commit}) | this model |",
        "|---|---|---|",
    ]
    for scenario, label in (("dated", "with the tweet's date"), ("undated", "without a date")):
        for measure, name in (("map5", "MAP@5"), ("mrr", "MRR")):
            old, new = _side_by_side(meta, scenario, measure)
            lines.append(f"| CV {name}, {label} | {old} | {new} |")
    for scenario, label in (("dated", "with the tweet's date"), ("undated", "without a date")):
        for measure, name in (("map5", "MAP@5"), ("mrr", "MRR")):
            lines.append(
                f"| Dev-Test {name}, {label} | {before[scenario][measure]:.4f} | "
                f"**{dev_test[scenario][measure]:.4f}** |"
            )
    bm25 = meta["bm25_alone"]
    lines += [
        "",
        f"For scale, BM25's own order of the same candidates: CV MAP@5 "
        f"{plus_minus(bm25['cv']['map5'])}, Dev-Test {bm25['dev_test']['map5']:.4f}.",
    ]
    agreement = meta["cli_agreement"]
    lines += [
        "",
        f"Train + Dev through `claimbot match` with the written weights: {agreement['same']} "
        f"of {agreement['of']} rankings (dated and undated) identical to the trainer's own.",
        "",
        "## The suggestion threshold",
        "",
        "`SUGGESTION_THRESHOLD` (0.5) is a calibrated probability that the best match is "
        "right. Out of fold (each fold's model and calibration fitted without it):",
        "",
    ]
    for name in ("dated", "undated"):
        t = selection[name]["threshold"]
        lines.append(
            f"- {name}: the best match reaches 0.5 for {t['reached']} of {t['queries']} tweets, "
            f"{t['right']} of them right ({t['right'] / max(1, t['reached']):.0%}); from 0.5 to "
            f"0.7, {t['near_right']} of {t['near']} right."
        )
    return "\n".join(lines) + "\n"
