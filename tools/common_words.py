"""Write `bot/extraction/data/common_words_<lang>.txt` from a Hunspell dictionary.

A spelling dictionary keeps case: "organizer" and "légumier" are listed in lower case,
"Shawn" and "Yannick" capitalised. A word it lists only in lower case is a common word, so
"Organizer Shawn Tillman" opens on a role and "Shawn" on a name. The list holds every form
the dictionary's suffix rules give a lower-case entry ("organizers", "légumière"), minus the
words it also lists capitalised ("rose" / "Rose", "pierre" / "Pierre").

    npm pack dictionary-en dictionary-fr     # the registry packages, MIT/BSD and MPL-2.0
    tar xzf dictionary-en-*.tgz
    python -m tools.common_words en package/index.aff package/index.dic

The packages are read once, by hand; the bot reads only the lists in the repository.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

#: a noun or an adjective has at most its gender and number forms
MAX_FORMS = 8
OUT = Path(__file__).resolve().parent.parent / "bot" / "extraction" / "data"


@dataclass(frozen=True, slots=True)
class Suffix:
    strip: str
    add: str
    condition: re.Pattern[str]


def read_suffixes(aff: str) -> tuple[dict[str, list[Suffix]], bool]:
    """The suffix rules by flag, and whether flags are two characters long."""
    long_flags = any(line.split()[:2] == ["FLAG", "long"] for line in aff.splitlines())
    rules: dict[str, list[Suffix]] = defaultdict(list)
    for line in aff.splitlines():
        parts = line.split()
        if len(parts) < 5 or parts[0] != "SFX":
            continue
        flag, strip, add, condition = parts[1], parts[2], parts[3], parts[4]
        rules[flag].append(
            Suffix(
                "" if strip == "0" else strip,
                "" if add.split("/")[0] == "0" else add.split("/")[0],
                re.compile(("" if condition == "." else condition) + "$"),
            )
        )
    return rules, long_flags


def flags_of(field: str, long_flags: bool) -> list[str]:
    if long_flags:
        return [field[i : i + 2] for i in range(0, len(field) - 1, 2)]
    return list(field)


def forms(word: str, flags: list[str], rules: dict[str, list[Suffix]]) -> set[str]:
    """The word and what its suffix rules make of it."""
    made = {word}
    for flag in flags:
        for rule in rules.get(flag, []):
            if rule.condition.search(word) and word.endswith(rule.strip):
                made.add(word[: len(word) - len(rule.strip)] + rule.add)
    return made


def common_words(aff: str, dic: str) -> list[str]:
    rules, long_flags = read_suffixes(aff)
    lower: set[str] = set()
    capitalised: set[str] = set()
    for line in dic.splitlines()[1:]:
        entry = line.split("\t")[0].strip()
        word, _, field = entry.partition("/")
        if not word or (not word.isalpha() and "-" not in word):
            continue
        made = forms(word, flags_of(field, long_flags), rules)
        if len(made) > MAX_FORMS:
            made = {word}  # a verb's conjugation: its infinitive is enough, no role is a verb
        if word.islower():
            lower |= made
        elif word[0].isupper():
            capitalised |= {w.lower() for w in made}
    return sorted(w for w in lower - capitalised if len(w) > 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("aff", type=Path)
    parser.add_argument("dic", type=Path)
    args = parser.parse_args()
    words = common_words(args.aff.read_text("utf-8"), args.dic.read_text("utf-8"))
    target = OUT / f"common_words_{args.language}.txt"
    target.write_text("\n".join(words) + "\n", "utf-8")
    print(f"{target}: {len(words)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
