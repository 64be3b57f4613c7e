"""The CheckThat! 2024 English check-worthiness files and the news development pairs.

One home for reading them, so the trainer, the selection harness and the benchmarks
read the same rows.  The dev-test split has a name here but is read only by
`read_dev_test`: the selection harness never calls it (`tools/model_selection.py`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "checkworthy"
TRAIN_FILE = "CT24_checkworthy_english_train.tsv"
DEV_FILE = "CT24_checkworthy_english_dev.tsv"
DEV_TEST_FILE = "CT24_checkworthy_english_dev-test.tsv"
#: English news sentences written here (the English side of the French bridge's dev pairs)
NEWS_DEV = REPO / "tools" / "data" / "parallel_dev_en_fr.tsv"
# One row is "id<TAB>text<TAB>Yes|No"; a few rows in the train file lack their newline.
_ROW = re.compile(r"(\d+)\t([^\t\n]*)\t(Yes|No)(?=\d+\t|\s*$|\r?\n)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One labelled CheckThat! sentence; `split` names the file it came from."""

    id: int
    text: str
    label: int
    split: str


@dataclass(frozen=True, slots=True)
class Pair:
    """One news development pair: an English sentence, its French translation, the label."""

    english: str
    french: str
    label: int


def read_rows(path: Path) -> list[tuple[int, str, int]]:
    """(sentence id, sentence, 1 if check-worthy) from a CheckThat! TSV file."""
    content = path.read_text("utf-8")
    return [
        (int(m.group(1)), m.group(2), 1 if m.group(3) == "Yes" else 0)
        for m in _ROW.finditer(content)
    ]


def read_tsv(path: Path) -> list[tuple[str, int]]:
    """(sentence, 1 if check-worthy) pairs from a CheckThat! TSV file."""
    return [(text, label) for _, text, label in read_rows(path)]


def read_split(data: Path, split: str) -> list[Sentence]:
    """The train or dev split as `Sentence`s (dev-test: `read_dev_test`)."""
    names = {"train": TRAIN_FILE, "dev": DEV_FILE}
    return [Sentence(i, t, y, split) for i, t, y in read_rows(data / names[split])]


def read_dev_test(data: Path) -> list[Sentence]:
    """The dev-test split: scored once per release, after every choice is made."""
    return [Sentence(i, t, y, "dev-test") for i, t, y in read_rows(data / DEV_TEST_FILE)]


def read_pairs(path: Path = NEWS_DEV) -> list[Pair]:
    """English/French pairs of a parallel TSV (columns `label`, `en`, `fr`)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Pair(row["en"], row["fr"], int(row["label"])) for row in rows]


def write_split(path: Path, sentences: list[Sentence]) -> None:
    """A CheckThat! TSV file of `sentences` (to hand a fold to a release's own tools)."""
    lines = ["Sentence_id\tText\tclass_label\n"]
    lines += [f"{s.id}\t{s.text}\t{'Yes' if s.label else 'No'}\n" for s in sentences]
    path.write_text("".join(lines), "utf-8")
