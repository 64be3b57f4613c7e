"""The shipped re-ranker: trained for the bot's own retrieval, its card true to its metadata,
and the fitting it came from exact."""

from __future__ import annotations

import json
import math
from importlib import resources
from typing import Any

import pytest

from bot.matching.index import CANDIDATES, QUERY_TERMS
from bot.matching.matcher import reranker_from, shipped_reranker
from tools.logistic import calibrate, newton_logistic
from tools.reranker_card import model_card
from tools.train_claim_matcher import CARD, OUT


def shipped() -> dict[str, Any]:
    raw = resources.files("bot.matching").joinpath("data/reranker.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def test_the_reranker_was_trained_for_the_bots_retrieval_settings() -> None:
    assert shipped()["retrieval"] == {"query_terms": QUERY_TERMS, "candidates": CANDIDATES}
    assert shipped_reranker().dated.weights == tuple(shipped()["dated"]["weights"])


def test_weights_trained_for_other_retrieval_settings_are_refused() -> None:
    for retrieval in (
        {"query_terms": QUERY_TERMS + 1, "candidates": CANDIDATES},
        {"query_terms": QUERY_TERMS, "candidates": 50},
        {},
    ):
        with pytest.raises(RuntimeError, match="other retrieval settings"):
            reranker_from({**shipped(), "retrieval": retrieval})


def test_the_model_card_is_the_one_its_metadata_gives() -> None:
    meta = shipped()
    assert OUT.read_text("utf-8") == json.dumps(meta, indent=1, ensure_ascii=False) + "\n"
    assert CARD.read_text("utf-8") == model_card(meta)


def test_the_card_reports_every_fold_and_the_held_out_figures_of_both_releases() -> None:
    meta = shipped()
    folds = meta["selection"]["folds"]
    for release in (meta, meta["previous_release"]):
        for scenario in ("dated", "undated"):
            assert len(release["cv"][scenario]["map5"]) == folds
            assert len(release["cv"][scenario]["mrr"]) == folds
            assert 0 < release["dev_test"][scenario]["map5"] <= 1
    assert meta["previous_release"]["commit"] in CARD.read_text("utf-8")
    tweets = meta["trained_on"].split("(")[1].split()[0]
    assert sum(meta["selection"]["fold_sizes"]) == int(tweets.replace(",", ""))
    # Every ranking the trainer computed is the one `claimbot match` gave with the same weights.
    assert meta["cli_agreement"]["same"] == meta["cli_agreement"]["of"]


def test_newton_finds_the_exact_optimum() -> None:
    # Rows of label 1 (pair differences); the optimum has a zero gradient.
    columns = [[1.0, -0.5, 2.0, 0.3, -1.2, 0.8], [0.2, 1.0, -0.4, 0.9, 0.1, -0.7]]
    l2 = 0.01
    w = newton_logistic(columns, l2)
    n = len(columns[0])
    z = [w[0] * a + w[1] * b for a, b in zip(*columns, strict=True)]
    for j, column in enumerate(columns):
        gradient = -sum(x / (1 + math.exp(zi)) for x, zi in zip(column, z, strict=True)) / n
        assert abs(gradient + l2 * w[j]) < 1e-9


def test_calibration_recovers_a_known_logistic_curve() -> None:
    tops = []
    for step in range(-8, 9):
        score = step / 4
        right = round(2000 / (1 + math.exp(-(2 * score - 1))))
        tops += [(score, True)] * right + [(score, False)] * (2000 - right)
    a, b = calibrate(tops)
    assert a == pytest.approx(2, abs=0.02)
    assert b == pytest.approx(-1, abs=0.02)
