"""How reactions become votes: pure decisions, no I/O.

One current vote per reviewer per claim. Reacting with a second vote emoji replaces
the vote (the shell then removes the old reaction so the message shows the truth);
removing the reaction of the current vote retracts it; removing any other reaction
(including the one the bot just removed) changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.core.vocabulary import VOTES, Vote

DEFAULT_VOTE_EMOJI: dict[str, Vote] = {
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
    """A guild's emoji -> vote table, tolerant of variation selectors."""

    def __init__(self, table: Mapping[str, str] | None = None) -> None:
        chosen = dict(table) if table else dict(DEFAULT_VOTE_EMOJI)
        self.by_vote: dict[str, str] = {}
        self._by_key: dict[str, Vote] = {}
        for emoji, vote in chosen.items():
            if vote not in VOTES:
                raise ValueError(f"unknown vote {vote!r} for {emoji!r}")
            self._by_key[emoji_key(emoji)] = vote
            self.by_vote[vote] = emoji
        missing = [v for v in VOTES if v not in self.by_vote]
        if missing:
            raise ValueError(f"no emoji for {', '.join(missing)}")

    def vote(self, emoji: str) -> Vote | None:
        return self._by_key.get(emoji_key(emoji))

    def emoji(self, vote: str) -> str:
        return self.by_vote[vote]

    def in_order(self) -> list[str]:
        """The emoji the bot adds under each claim, in vote order."""
        return [self.by_vote[v] for v in VOTES]


@dataclass(frozen=True, slots=True)
class VoteChange:
    """What one reaction event means: a new current vote (None = retraction)."""

    vote: Vote | None
    replaced: Vote | None  # the previous vote whose reaction the shell should remove


def decide(
    *,
    added: bool,
    vote: Vote,
    current: Vote | None,
) -> VoteChange | None:
    """The vote change for one reaction add/remove, or None when nothing changes."""
    if added:
        if vote == current:
            return None
        return VoteChange(vote=vote, replaced=current)
    if vote != current:
        return None
    return VoteChange(vote=None, replaced=None)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """What catch-up must do so the database equals the reactions on Discord."""

    changes: dict[int, Vote | None]  # reviewer -> new vote (None retracts)
    reactions_to_remove: list[tuple[int, Vote]]  # extra vote reactions of one reviewer


def reconcile(
    stored: Mapping[int, Vote],
    reacted: Mapping[Vote, Iterable[int]],
    *,
    eligible: Mapping[int, bool] | None = None,
    carried: Collection[int] = (),
) -> Reconciliation:
    """Compare stored votes with who reacted with which vote emoji.

    A reviewer with several vote reactions keeps the stored vote if it is among
    them, otherwise the first in vote order; the others are to be removed.
    `eligible` (reviewer -> may vote) drops reactions of members without the role.
    `carried` reviewers voted on a message that was deleted and posted again: their vote
    stands without a reaction on the new message.
    """
    by_reviewer: dict[int, list[Vote]] = {}
    for vote in VOTES:
        for reviewer in reacted.get(vote, ()):
            if eligible is not None and not eligible.get(reviewer, False):
                continue
            by_reviewer.setdefault(reviewer, []).append(vote)

    changes: dict[int, Vote | None] = {}
    to_remove: list[tuple[int, Vote]] = []
    for reviewer, votes in by_reviewer.items():
        previous = stored.get(reviewer)
        keep = previous if previous in votes else votes[0]
        if keep != previous:
            changes[reviewer] = keep
        to_remove.extend((reviewer, v) for v in votes if v != keep)
    for reviewer in stored:
        if reviewer not in by_reviewer and reviewer not in carried:
            changes[reviewer] = None
    return Reconciliation(changes=changes, reactions_to_remove=sorted(to_remove))
