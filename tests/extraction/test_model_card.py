"""The shipped weight files carry their model cards, and the cards say what the files say."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.extraction.model import load_model
from bot.extraction.scoring import STANCE_FEATURES, stance_weights
from tools.model_card import PROCEDURE
from tools.releases import RELEASES

DATA = Path(__file__).resolve().parents[2] / "bot" / "extraction" / "data"
MODEL = DATA / "checkworthy_en.json"
STANCE = DATA / "stance_weights.json"


def _card(weights: Path) -> str:
    return weights.with_suffix(".card.md").read_text("utf-8")


def _row(card: str, name: str) -> list[str]:
    (line,) = [line for line in card.splitlines() if line.startswith(f"| {name}")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def _meta(path: Path) -> dict[str, object]:
    raw = json.loads(path.read_text("utf-8"))
    selection = raw["selection"]
    assert isinstance(selection, dict)
    return selection


def test_the_model_was_chosen_by_grouped_cross_validation() -> None:
    selection = _meta(MODEL)
    assert selection["procedure"] == PROCEDURE
    assert selection["folds"] >= 5  # type: ignore[operator]
    assert PROCEDURE in _card(MODEL)
    assert "dev-test is read once, after the choice is final" in _card(MODEL)


@pytest.mark.parametrize("path", [MODEL, STANCE], ids=lambda p: p.name)
def test_the_card_shows_the_figures_stored_in_the_weight_file(path: Path) -> None:
    if path == STANCE and not any(stance_weights().values()):
        assert not path.with_suffix(".card.md").exists()
        return
    selection = _meta(path)
    cv, test = selection["cv"], selection["dev_test"]
    assert isinstance(cv, dict) and isinstance(test, dict)
    cells = _row(_card(path), "this model")
    metrics = ("precision", "recall", "f1")
    assert cells[1:4] == [f"{cv[m]['mean']:.3f} ± {cv[m]['sd']:.3f}" for m in metrics]
    assert cells[5:8] == [f"{test[m]:.3f}" for m in metrics]


def test_the_card_sets_the_previous_releases_beside_it() -> None:
    card = _card(MODEL)
    for release in RELEASES:
        cells = _row(card, f"{release.name} (`{release.commit}`)")
        assert "not computed" not in cells, release
        digits = [c.translate(str.maketrans("", "", " ±.(),")) for c in cells[1:]]
        assert all(d.isdigit() for d in digits), cells
        assert re.fullmatch(r"0\.\d{3} \(0\.\d{3}, 0\.\d{3}\)", cells[4])  # forward F1 (P, R)


def test_the_card_says_which_weights_ship_and_why() -> None:
    raw = json.loads(MODEL.read_text("utf-8"))
    model = load_model("en")
    assert model is not None
    card = _card(MODEL)
    assert f"{len(model.weights):,} weights" in card
    selection = raw["selection"]
    if "candidate" in selection:  # the previous weights were kept: the card says why
        assert selection["decision"] in card
        cells = _row(card, "this run's candidate, not shipped")
        cv = selection["candidate"]["cv"]["f1"]
        assert cells[3] == f"{cv['mean']:.3f} ± {cv['sd']:.3f}"
    else:
        assert f"threshold at logit {selection['threshold_logit']:+.3f}" in card
    stance = json.loads(STANCE.read_text("utf-8"))
    assert tuple(stance["weights"]) == STANCE_FEATURES
    assert stance["selection"]["cv"] == selection["cv"]
