"""How reactions become votes: pure decisions, no I/O.

One current vote per reviewer per claim. Reacting with a second vote emoji replaces
the vote (the shell then removes the old reaction so the message shows the truth);
removing the reaction of the current vote retracts it; removing any other reaction
(including the one the bot just removed) changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.core.vocabulary import VERDICTS, Verdict

DEFAULT_VOTE_EMOJI: dict[str, Verdict] = {
    "✅": "supported",
    "❌": "refuted",
    "❓": "unverifiable",
    "⚠️": "misleading",
}

_VARIATION_SELECTOR = "\ufe0f"


def emoji_key(emoji: str) -> str:
    """Compare emoji without the variation selector: Discord sends "⚠" and "⚠️" alike."""
    return emoji.replace(_VARIATION_SELECTOR, "")


class VoteEmoji:
    """A guild's emoji -> verdict table, tolerant of variation selectors."""

    def __init__(self, table: Mapping[str, str] | None = None) -> None:
        chosen = dict(table) if table else dict(DEFAULT_VOTE_EMOJI)
        self.by_verdict: dict[str, str] = {}
        self._by_key: dict[str, Verdict] = {}
        for emoji, verdict in chosen.items():
            if verdict not in VERDICTS:
                raise ValueError(f"unknown verdict {verdict!r} for {emoji!r}")
            self._by_key[emoji_key(emoji)] = verdict
            self.by_verdict[verdict] = emoji
        missing = [v for v in VERDICTS if v not in self.by_verdict]
        if missing:
            raise ValueError(f"no emoji for {', '.join(missing)}")

    def verdict(self, emoji: str) -> Verdict | None:
        return self._by_key.get(emoji_key(emoji))

    def emoji(self, verdict: str) -> str:
        return self.by_verdict[verdict]

    def in_order(self) -> list[str]:
        """The emoji the bot adds under each claim, in verdict order."""
        return [self.by_verdict[v] for v in VERDICTS]


@dataclass(frozen=True, slots=True)
class VoteChange:
    """What one reaction event means: a new current verdict (None = retraction)."""

    verdict: Verdict | None
    replaced: Verdict | None  # the previous verdict whose reaction the shell should remove


def decide(
    *,
    added: bool,
    verdict: Verdict,
    current: Verdict | None,
) -> VoteChange | None:
    """The vote change for one reaction add/remove, or None when nothing changes."""
    if added:
        if verdict == current:
            return None
        return VoteChange(verdict=verdict, replaced=current)
    if verdict != current:
        return None
    return VoteChange(verdict=None, replaced=None)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What catch-up must do so the database equals the reactions on Discord."""

    changes: dict[int, Verdict | None]  # reviewer -> new verdict (None retracts)
    reactions_to_remove: list[tuple[int, Verdict]]  # extra vote reactions of one reviewer


def reconcile(
    stored: Mapping[int, Verdict],
    reacted: Mapping[Verdict, Iterable[int]],
    *,
    eligible: Mapping[int, bool] | None = None,
    carried: Collection[int] = (),
) -> Reconciliation:
    """Compare stored votes with who reacted with which vote emoji.

    A reviewer with several vote reactions keeps the stored verdict if it is among
    them, otherwise the first in verdict order; the others are to be removed.
    `eligible` (reviewer -> may vote) drops reactions of members without the role.
    `carried` reviewers voted on a message that was deleted and posted again: their vote
    stands without a reaction on the new message.
    """
    by_reviewer: dict[int, list[Verdict]] = {}
    for verdict in VERDICTS:
        for reviewer in reacted.get(verdict, ()):
            if eligible is not None and not eligible.get(reviewer, False):
                continue
            by_reviewer.setdefault(reviewer, []).append(verdict)

    changes: dict[int, Verdict | None] = {}
    to_remove: list[tuple[int, Verdict]] = []
    for reviewer, verdicts in by_reviewer.items():
        previous = stored.get(reviewer)
        keep = previous if previous in verdicts else verdicts[0]
        if keep != previous:
            changes[reviewer] = keep
        to_remove.extend((reviewer, v) for v in verdicts if v != keep)
    for reviewer in stored:
        if reviewer not in by_reviewer and reviewer not in carried:
            changes[reviewer] = None
    return Reconciliation(changes=changes, reactions_to_remove=sorted(to_remove))
