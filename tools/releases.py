"""Earlier releases, run as they were: their own code and weights, in a subprocess.

`git archive` unpacks a release's tree into a temporary directory, and a child Python
with that tree first on its path scores sentences with the release's `score_sentence`
(and `bridged_score`), or retrains the release on a fold with its own tools.  Today's
code never leaks into a release's figures, and a release's figures on the
cross-validation folds are those of its whole recipe (training, threshold, stance fit),
not of weights that saw the fold.

    .venv/bin/python -m tools.releases [--data DIR]   # cross-validate the releases

writes `tools/data/release_cv.json`, which the trainer's model cards read.  Seconds per
fold and release on an idle core.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tools.checkthat import DEFAULT_DATA, DEV_FILE, REPO, TRAIN_FILE, Sentence, write_split
from tools.model_selection import (
    BLOCK_IDS,
    FOLDS,
    REPEATS,
    Scores,
    SelectionData,
    grouped_folds,
)
from tools.shared_data import CHECKWORTHY, require_files

CACHE = REPO / "tools" / "data" / "release_cv.json"


@dataclass(frozen=True)
class Release:
    commit: str
    name: str


#: the release this branch started from: stance weights fitted on debates and news
PREVIOUS = Release("c2dd61f", "previous release")
#: the release before the stance weights
BEFORE_STANCE = Release("95127b2^", "before the stance weights")
RELEASES = (PREVIOUS, BEFORE_STANCE)

_SCORER = """
import json, sys
from bot.extraction.scoring import score_sentence
texts = json.load(sys.stdin)
language = sys.argv[1]
if language == "en":
    scores = [score_sentence(t, "en") for t in texts]
else:
    from bot.extraction.scoring import bridged_score
    scores = [bridged_score(t, language) or 0.0 for t in texts]
json.dump(scores, sys.stdout)
"""


@contextmanager
def checkout(commit: str) -> Iterator[Path]:
    """The tree of `commit` unpacked in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="claimbot-release-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit],
            check=True,
            capture_output=True,
        )
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        yield Path(tmp)


def _run(tree: Path, args: Sequence[str], stdin: str | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    done = subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed in {tree}:\n{done.stderr[-2000:]}")
    return done.stdout


def score(tree: Path, texts: Sequence[str], language: str = "en") -> list[float]:
    """Scores of `texts` by the tree's own scorer: `score_sentence` for English, the
    English model through the lexicon (`bridged_score`) for another language."""
    out = _run(tree, ["-c", _SCORER, language], json.dumps(list(texts)))
    return [float(x) for x in json.loads(out)]


# A release's trainer with the hyper-parameters it chose on all its data: its search over
# 54 settings is skipped (its threshold search and stance fit are not), which spares
# about 50 minutes a fold and can only flatter the release.
_TRAINER = """
import json, sys
import tools.train_checkworthy as trainer
chosen = json.loads(sys.argv[1])
search = trainer.train
trainer.train = lambda data, n, **_: search(data, n, **chosen)
sys.argv = ["train_checkworthy", "--quick", "--data", sys.argv[2]]
raise SystemExit(trainer.main())
"""


def hyper_parameters(tree: Path) -> dict[str, float]:
    """The hyper-parameters a release's shipped English model was trained with."""
    raw = json.loads((tree / "bot" / "extraction" / "data" / "checkworthy_en.json").read_text())
    return {str(k): float(v) for k, v in raw["hyper_parameters"].items()}


def retrain(tree: Path, train: Sequence[Sentence], chosen: dict[str, float]) -> None:
    """Retrain the tree's English model on `train` with its own tools and its `chosen`
    hyper-parameters (then its stance fit, where it has one), as its release was trained."""
    with tempfile.TemporaryDirectory(prefix="claimbot-fold-") as tmp:
        data = Path(tmp)
        write_split(data / TRAIN_FILE, [s for s in train if s.split == "train"])
        write_split(data / DEV_FILE, [s for s in train if s.split == "dev"])
        settings = {**chosen, "epochs": int(chosen["epochs"])}
        _run(tree, ["-c", _TRAINER, json.dumps(settings), str(data)])
        if (tree / "tools" / "fit_stance.py").is_file():
            _run(tree, ["-m", "tools.fit_stance", "--data", str(data)])


def fingerprint(data: SelectionData, k: int, repeats: int, block: int) -> str:
    """Names the folds: the rows' ids and labels and the fold settings."""
    digest = hashlib.sha256(f"{k} {repeats} {block}".encode())
    for s in data.sentences:
        digest.update(f"{s.id}:{s.label}:{s.split};".encode())
    return digest.hexdigest()[:16]


def cross_validate(
    release: Release,
    data: SelectionData,
    *,
    k: int = FOLDS,
    repeats: int = REPEATS,
    block: int = BLOCK_IDS,
    progress: object = print,
) -> list[Scores]:
    """The release's recipe on the selection folds: retrained without each fold, then
    scored on it at its own threshold."""
    ids = [s.id for s in data.sentences]
    scores = []
    with checkout(release.commit) as tree:
        chosen = hyper_parameters(tree)
        for repeat in range(repeats):
            for number, fold in enumerate(grouped_folds(ids, k, repeat, repeats, block)):
                held = set(fold)
                retrain(tree, [s for i, s in enumerate(data.sentences) if i not in held], chosen)
                rows = [data.sentences[i] for i in fold]
                predicted = [p >= 0.5 for p in score(tree, [s.text for s in rows])]
                scores.append(Scores.of(predicted, [s.label for s in rows]))
                if callable(progress):
                    progress(
                        f"  {release.commit} repeat {repeat} fold {number}: "
                        f"F1 {scores[-1].f1:.3f} (P {scores[-1].precision:.3f}, "
                        f"R {scores[-1].recall:.3f})"
                    )
    return scores


def load_cache(data: SelectionData, k: int, repeats: int, block: int) -> dict[str, list[Scores]]:
    """Cached release figures for these folds (empty when missing or for other folds)."""
    if not CACHE.is_file():
        return {}
    raw = json.loads(CACHE.read_text("utf-8"))
    if raw.get("fingerprint") != fingerprint(data, k, repeats, block):
        return {}
    return {
        commit: [Scores(*fold) for fold in entry["folds"]]
        for commit, entry in raw["releases"].items()
    }


def save_cache(
    data: SelectionData, k: int, repeats: int, block: int, figures: dict[str, list[Scores]]
) -> None:
    payload = {
        "fingerprint": fingerprint(data, k, repeats, block),
        "folds": {"k": k, "repeats": repeats, "block_ids": block},
        "releases": {
            commit: {
                "folds": [
                    [round(s.precision, 4), round(s.recall, 4), round(s.f1, 4)] for s in scores
                ]
            }
            for commit, scores in figures.items()
        },
    }
    CACHE.write_text(json.dumps(payload, indent=1) + "\n", "utf-8")


def selection_data_from_cli(doc: str | None) -> SelectionData:
    """Train + dev from `--data DIR` (one line and exit 2 when a file is missing)."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    require_files(CHECKWORTHY, [args.data / TRAIN_FILE, args.data / DEV_FILE])
    return SelectionData.load(args.data)


def main() -> int:
    data = selection_data_from_cli(__doc__)
    figures = load_cache(data, FOLDS, REPEATS, BLOCK_IDS)
    for release in RELEASES:
        if release.commit not in figures:
            print(f"{release.commit} ({release.name}): its own recipe on each fold")
            figures[release.commit] = cross_validate(release, data)
            save_cache(data, FOLDS, REPEATS, BLOCK_IDS, figures)
    print(f"wrote {CACHE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
