"""Cue lists matched on a sentence's tokens: one list (`PhraseSet`) and all signal lists
in one table (`CueIndex`), so a sentence is scanned once whatever the number of lists."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """A cue list ready for fast membership tests against a sentence's n-grams."""

    phrases: frozenset[str]
    suffixes: tuple[str, ...]
    pattern: re.Pattern[str] | None

    def count(self, grams: set[str], tokens: list[str], text: str) -> int:
        """How many distinct entries occur in the sentence."""
        return len(self.phrases.intersection(grams)) + self.extra_count(tokens, text)

    def extra_count(self, tokens: list[str], text: str) -> int:
        """Hits of the ``-suffix`` and ``re:`` entries (`CueIndex` counts the phrases)."""
        hits = 0
        if self.suffixes:
            hits += sum(
                1 for t in tokens if len(t) > 6 and t.endswith(self.suffixes) and "-" not in t
            )
        if self.pattern is not None:
            hits += len(self.pattern.findall(text))
        return hits

    def extra_found(self, tokens: list[str], text: str) -> bool:
        """`extra_count(...) > 0`, stopping at the first hit."""
        if self.suffixes and any(
            len(t) > 6 and t.endswith(self.suffixes) and "-" not in t for t in tokens
        ):
            return True
        return self.pattern is not None and self.pattern.search(text) is not None


#: The `Lexicon` fields that are signal cue lists, in the order `CueIndex` counts them.
SIGNAL_CUES = (
    "months", "date_words", "number_words", "reporting", "according", "reported_unconfirmed",
    "speculation", "opinion", "intention", "prediction", "concessive", "inference",
    "first_person", "past_event", "generic",
)  # fmt: skip


@dataclass(frozen=True, slots=True, eq=False)
class CueIndex:
    """The phrases of every signal cue list in one table, so a sentence is scanned once.

    Equivalent to intersecting each list with the sentence's n-grams, without building them.
    Compared by identity (``eq=False``): a lexicon builds its index once.
    """

    #: phrase -> positions in `SIGNAL_CUES` of the lists that hold it
    lists: dict[str, tuple[int, ...]]
    #: the one-word phrases
    words: frozenset[str]
    #: the first word of every longer phrase
    heads: frozenset[str]
    #: the leading words of every longer phrase ("according", "according to")
    prefixes: frozenset[str]
    max_words: int

    def phrase_counts(self, tokens: list[str]) -> list[int]:
        """Per list of `SIGNAL_CUES`, how many of its distinct phrases occur in `tokens`."""
        counts = [0] * len(SIGNAL_CUES)
        found = self.words.intersection(tokens)
        heads = self.heads.intersection(tokens)
        if heads:
            lists, prefixes, last = self.lists, self.prefixes, len(tokens)
            longer = []
            for i, token in enumerate(tokens):
                if token not in heads:
                    continue
                gram = token
                for j in range(i + 1, min(last, i + self.max_words)):
                    gram = f"{gram} {tokens[j]}"
                    if gram in lists:
                        longer.append(gram)
                    if gram not in prefixes:
                        break
            found = found.union(longer)
        for phrase in found:
            for position in self.lists[phrase]:
                counts[position] += 1
        return counts


def build_cue_index(sets: list[PhraseSet], max_words: int) -> CueIndex:
    lists: dict[str, list[int]] = {}
    prefixes: set[str] = set()
    for position, phrase_set in enumerate(sets):
        for phrase in phrase_set.phrases:
            words = phrase.split(" ")
            if len(words) > max_words:
                continue  # longer than any n-gram the sentence is matched on
            lists.setdefault(phrase, []).append(position)
            prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    return CueIndex(
        lists={phrase: tuple(positions) for phrase, positions in lists.items()},
        words=frozenset(phrase for phrase in lists if " " not in phrase),
        heads=frozenset(phrase.split(" ")[0] for phrase in lists if " " in phrase),
        prefixes=frozenset(prefixes),
        max_words=max_words,
    )
