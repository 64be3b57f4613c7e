"""Verdict notices: when a claim's status is worth announcing, where a server wants it, and
the words of the notice.

Pure rules, so the outbox (bot/storage/notices.py) and the sender
(bot/services/verdict_notices.py) share one definition and every rule is unit-tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from bot.core.records import ClaimRecord, GuildConfig
from bot.core.render import claim_line
from bot.core.text import clip, clip_line
from bot.core.vocabulary import (
    AWAITING_VERDICT,
    STATUS_EMOJI,
    STATUS_LABELS,
    VERDICT_STATUSES,
    Status,
)

# Where a server's notices go, chosen in `/claimbot setup notices:`. `thread`: the claim's
# thread only. `origin`: the thread, and for a claim submitted from a message ("Extract
# claims") also a reply to that message. `off`: none.
NoticeMode = Literal["thread", "origin", "off"]
NOTICE_MODES: tuple[NoticeMode, ...] = get_args(NoticeMode)
NOTICE_MODE_NAMES: dict[str, str] = {
    "thread": "in the claim's thread",
    "origin": "in the thread and as a reply to the message it came from",
    "off": "none",
}
NOTICES_OPTION = "verdict_notices"
DEFAULT_NOTICE_MODE: NoticeMode = "origin"

# A status change waits this long before its notice is sent; changes meanwhile fold into it.
NOTICE_WINDOW_SECONDS = 60.0

# "No verdict yet": entering one of these never gives a notice, and cancels a pending one.
NOT_A_VERDICT: frozenset[Status] = frozenset(AWAITING_VERDICT)
# Every verdict, `likely_*` included, is announced.
NOTICE_STATUSES: tuple[Status, ...] = VERDICT_STATUSES

NOTICE_LIMIT = 2000  # Discord's message length
EXPLANATION_CHARS = 300


@dataclass(frozen=True, slots=True)
class Announced:
    """A claim state as a notice names it: the status and whether a moderator resolved it."""

    status: str
    final: bool


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A row of the outbox that is due: what to announce and how far it got."""

    claim_id: int
    guild_id: int
    status: str
    final: bool
    attempts: int
    thread_done: bool


def notice_mode(config: GuildConfig | None) -> NoticeMode:
    value = config.options.get(NOTICES_OPTION) if config else None
    for mode in NOTICE_MODES:
        if value == mode:
            return mode
    return DEFAULT_NOTICE_MODE


def wants_notice(new: Announced, sent: Announced | None) -> bool:
    """Whether `new` is worth a notice, given the last one sent (None: never one).

    A verdict differs from the last notice, or a moderator resolved what the votes had
    already said (the notice then says it is final). Leaving a verdict for "no verdict yet",
    or coming back to what was last announced, is not worth one."""
    if new.status in NOT_A_VERDICT:
        return False
    if sent is None or new.status != sent.status:
        return True
    return new.final and not sent.final


def next_pending(
    before: Announced, after: Announced, sent: Announced | None
) -> Announced | Literal["keep"] | None:
    """The outbox's pending notice after a status save moved a claim from `before` to
    `after`: `after` itself, None (nothing pending), or "keep" when the save changed
    nothing a notice names (a new confidence alone is read when the notice is sent)."""
    if before == after:
        return "keep"
    return after if wants_notice(after, sent) else None


_JUMP_URL = re.compile(r"https://(?:\w+\.)?discord(?:app)?\.com/channels/(\d+)/(\d+)/(\d+)")


def origin_message(kind: str | None, url: str | None, guild_id: int) -> tuple[int, int] | None:
    """(channel, message) a claim was submitted from: a "message" document keeps the jump
    link of its message (`message.jump_url`). A link into another server is never used."""
    if kind != "message" or not url:
        return None
    match = _JUMP_URL.fullmatch(url)
    if match is None or int(match[1]) != guild_id:
        return None
    return int(match[2]), int(match[3])


def _state(claim: ClaimRecord) -> str:
    label = f"{STATUS_EMOJI[claim.status]} **{STATUS_LABELS[claim.status]}**"
    if claim.is_final:
        label += " (final)"
    why = clip_line(claim.explanation, EXPLANATION_CHARS)
    state = f"{label} · confidence {claim.confidence:.0%}"
    return f"{state}\n{why}" if why else state


def thread_notice(claim: ClaimRecord) -> str:
    """The notice in the claim's own thread, which already says which claim it is."""
    return clip(f"Verdict on claim #{claim.number}: {_state(claim)}", NOTICE_LIMIT)


def origin_notice(claim: ClaimRecord) -> str:
    """The reply on the message a claim came from: which claim (linked to its review
    message), and its verdict."""
    return clip(f"{claim_line(claim)}\n{_state(claim)}", NOTICE_LIMIT)
