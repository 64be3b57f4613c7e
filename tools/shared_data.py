"""The data that benchmarks and tools read from beside the repository, and the one line they
end with when it is absent.

The CheckThat! sets and the example article are someone else's: they sit in `../shared/`
next to a clone, never in it, so a fresh clone has none of them. A traceback would not say
what to fetch or where it goes; this line does, and exits 2 (a usage error, as argparse
has it), which a caller tells apart from a benchmark below its target (1). The benchmarks
already take their data readers from `tools`, so both import this one home.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

CHECKWORTHY = "the CheckThat! 2024 English check-worthiness TSVs"
CLAIM_MATCHING = "the CheckThat! 2022 Task 2A English claim-matching TSVs"
EXAMPLE_ARTICLE = "the French example article"
# How a script with a `--data` folder option is pointed elsewhere.
DATA_FOLDER_OPTION = "give its folder with --data DIR"


def missing_data(path: Path, data: str, elsewhere: str = DATA_FOLDER_OPTION) -> str:
    """The one line: which file, of which data, and how to put it there or elsewhere."""
    return f"missing file: {path} (needs {data}: put it there, or {elsewhere})"


def require_files(data: str, paths: Iterable[Path], *, elsewhere: str = DATA_FOLDER_OPTION) -> None:
    """Exit 2 with `missing_data`'s line on stderr at the first of `paths` that is no file,
    before any work starts."""
    for path in paths:
        if not path.is_file():
            print(missing_data(path, data, elsewhere), file=sys.stderr)
            raise SystemExit(2)
