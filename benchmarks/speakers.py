"""Who said it: named-speaker accuracy on the labelled example articles, per language.

    .venv/bin/python -m benchmarks.speakers [ARTICLE ...]   # default: every examples/article_*
    .venv/bin/python -m benchmarks.speakers --heldout       # every examples/heldout/article_*

Each label file (`labels/<article>.json` beside the article) lists the expected facts, each with the
exact `speaker` a fact-checker should read ("state Department of Health"), a list of
accepted spellings (["Dr. Osei", "Dr. Helen Osei"]) or null (the article states it itself).
A named speaker is right when the fact is posted (one claim holds all its keywords) and
its attribution is one of those spellings, a leading article before a lower-case word aside
("la chambre" is "chambre", "the company" is "company"; "La Poste" keeps its "La"); a fact
without a speaker is right when its claim carries none.  The last figure counts the named
facts that were posted only: the attribution's own accuracy, apart from check-worthiness.
The articles are extracted with their label's `max_claims`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.extraction import ClaimCandidate, extract_claims

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
HELDOUT = EXAMPLES / "heldout"
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).casefold()


@dataclass
class Tally:
    """Per language: named speakers right of those labelled, unnamed facts left unnamed."""

    named: int = 0
    named_right: int = 0
    #: named facts the extractor posted: the attribution's own accuracy, without scoring
    named_posted: int = 0
    unnamed: int = 0
    unnamed_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.named_right / self.named if self.named else 1.0


def label_path(article: Path) -> Path:
    """Labels live beside their articles: `<folder>/labels/<article>.json`."""
    return article.parent / "labels" / f"{article.stem}.json"


def labelled_articles(folder: Path) -> list[Path]:
    """The articles of `folder` that have a label file, sorted."""
    return sorted(p for p in folder.glob("article_*.txt") if label_path(p).is_file())


def labels_of(article: Path) -> dict[str, object]:
    return json.loads(label_path(article).read_text("utf-8"))


def accepted_speakers(expected: dict[str, object]) -> list[str | None]:
    """The spellings a fact's `speaker` label accepts (`[None]`: no speaker)."""
    speaker = expected["speaker"]
    return list(speaker) if isinstance(speaker, list) else [speaker]  # type: ignore[list-item]


_ARTICLE = re.compile(r"^(?i:the|a|an|le|la|les|l['’]|un|une) ?(?=[a-zà-ÿ])")


def is_accepted(speaker: str | None, accepted: list[str | None]) -> bool:
    """`speaker` is one of the `accepted` spellings, a leading article before a common noun
    aside: the article names nothing."""
    if speaker in accepted:
        return True
    return speaker is not None and any(
        spelling is not None and _ARTICLE.sub("", spelling) == speaker for spelling in accepted
    )


def claim_for(expected: dict[str, object], claims: list[ClaimCandidate]) -> ClaimCandidate | None:
    keywords = [_norm(k) for k in expected["keywords"]]  # type: ignore[attr-defined]
    matching = [c for c in claims if all(k in _norm(c.text) for k in keywords)]
    return matching[0] if len(matching) == 1 else None


def measure(articles: list[Path]) -> dict[str, Tally]:
    """Named-speaker accuracy per language over `articles`."""
    tallies: dict[str, Tally] = {}
    for article in articles:
        labels = labels_of(article)
        claims = extract_claims(
            article.read_text("utf-8"),
            max_claims=int(labels["max_claims"]),  # type: ignore[call-overload]
        )
        tally = tallies.setdefault(str(labels["language"]), Tally())
        for expected in labels["expected"]:  # type: ignore[attr-defined]
            accepted = accepted_speakers(expected)
            claim = claim_for(expected, claims)
            got = claim.speaker if claim is not None else "(fact not posted)"
            right = claim is not None and is_accepted(claim.speaker, accepted)
            if accepted == [None]:
                tally.unnamed += 1
                tally.unnamed_right += right
            else:
                tally.named += 1
                tally.named_right += right
                tally.named_posted += claim is not None
            if not right:
                tally.misses.append(f"{article.stem} / {expected['id']}: {got!r}, not {accepted}")
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("articles", nargs="*", type=Path)
    parser.add_argument(
        "--heldout", action="store_true", help="measure the articles in examples/heldout/"
    )
    args = parser.parse_args()
    articles = args.articles or labelled_articles(HELDOUT if args.heldout else EXAMPLES)
    for language, tally in sorted(measure(articles).items()):
        print(
            f"{language}: named speakers {tally.named_right}/{tally.named} "
            f"({tally.accuracy:.3f}), facts without one {tally.unnamed_right}/{tally.unnamed}; "
            f"of the named facts posted {tally.named_right}/{tally.named_posted}"
        )
        for miss in tally.misses:
            print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
