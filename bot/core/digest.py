"""The digest: when it is due (wall-clock times in a server's timezone, DST included), what
counts as open and stale, and the embed it posts. Plain data in and out."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as wall_time
from typing import Any, Literal

from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord
from bot.core.render import (
    FIELD_VALUE_LIMIT,
    claim_label,
    claim_line,
    escape_markdown,
    waiting_time,
)
from bot.core.text import clip
from bot.core.vocabulary import STATUS_EMOJI, STATUS_LABELS

Cadence = Literal["off", "daily", "weekly"]
CADENCES: tuple[Cadence, ...] = ("off", "daily", "weekly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_TIME = "09:00"
DEFAULT_TIMEZONE = "UTC"
DEFAULT_STALE_AFTER_DAYS = 7
STALE_AFTER_RANGE = (1, 365)
# `/claim list status:stale`: claims waiting for a verdict for longer than the stale age.
STALE = "stale"
STALE_LABEL = "Stale"
DIGEST_ROWS = 5  # claims waiting longest, stale claims named, reviewers shown
DAY = 86_400.0
_TIME = re.compile(r"^\s*(\d{1,2})[:h.](\d{2})\s*$")
_TIME_HELP = "Give the time as HH:MM on a 24-hour clock, e.g. 09:00 or 18:30."


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """A server's digest settings; `weekday` (0 = Monday) matters only when weekly."""

    cadence: Cadence = "off"
    time_of_day: str = DEFAULT_TIME
    timezone: str = DEFAULT_TIMEZONE
    weekday: int = 0
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS

    @property
    def active(self) -> bool:
        return self.cadence != "off"


@dataclass(frozen=True, slots=True)
class DigestState:
    """A stored schedule with what was sent: the scheduled time of the last digest claimed
    for sending, and the end of the period of the last one Discord took."""

    guild_id: int
    schedule: DigestSchedule
    last_sent_for: float | None = None
    covered_until: float | None = None


@dataclass(frozen=True, slots=True)
class DigestFigures:
    """What one digest shows, read from storage for the period [start, end)."""

    start: float
    end: float
    new_claims: int
    verdicts: Mapping[str, int]
    waiting: Sequence[ClaimRecord]
    stale_count: int
    stale: Sequence[ClaimRecord]
    reviewers: Sequence[tuple[int, int]]  # (member, claims voted on in the period)


# -- settings -------------------------------------------------------------------------


def parse_time_of_day(text: str) -> str:
    """Accepts 9:05, 09:05 or 9h05 (→ "09:05"); anything else gets the one-line help."""
    match = _TIME.match(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise UserFacingError(_TIME_HELP)
    return f"{int(match[1]):02d}:{match[2]}"


@functools.cache
def _timezones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def resolve_timezone(name: str) -> str:
    """The IANA name as the tz database spells it (case is forgiven), or a one-line refusal."""
    found = _timezones_by_folded_name().get(name.strip().casefold())
    if found is None:
        shown = escape_markdown(clip(name.strip(), 60)) or "(empty)"
        raise UserFacingError(
            f"Unknown timezone “{shown}”: use an IANA name such as Europe/Paris or "
            "America/New_York (the box suggests them as you type)."
        )
    return found


def timezone_suggestions(typed: str, limit: int = 25) -> list[str]:
    """Names for the autocomplete box: those starting with the text, then those holding it
    (as a city, "paris" finds Europe/Paris)."""
    folded = typed.strip().casefold().replace(" ", "_")
    names = sorted(_timezones_by_folded_name().items())
    starting = [name for key, name in names if key.startswith(folded)]
    holding = [name for key, name in names if folded in key and not key.startswith(folded)]
    return (starting + holding)[:limit]


def describe_schedule(schedule: DigestSchedule) -> str:
    """Reads "weekly on Monday at 09:00 (Europe/Paris)", or "off"."""
    if not schedule.active:
        return "off"
    when = f"at {schedule.time_of_day} ({schedule.timezone})"
    if schedule.cadence == "weekly":
        return f"weekly on {WEEKDAYS[schedule.weekday]} {when}"
    return f"daily {when}"


def days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def render_digest_settings(schedule: DigestSchedule, next_at: float | None) -> str:
    """The `/claimbot settings` line, also the answer to `/claimbot digest`."""
    text = f"Digest: {describe_schedule(schedule)}"
    if next_at is not None:
        text += f", in the review channel; next <t:{int(next_at)}:f>"
    return f"{text}. Claims open longer than {days(schedule.stale_after_days)} are stale."


# -- schedule math ----------------------------------------------------------------------


def _slot_on(day: date, schedule: DigestSchedule, zone: zoneinfo.ZoneInfo) -> float:
    """The instant of the schedule's wall-clock time on `day`. A time the clocks skip (a DST
    gap) is taken with the offset before the change, so it lands as far after the gap's
    start as it was meant to (02:30 in a 02:00→03:00 gap is 03:30); a time that occurs
    twice (clocks going back) is its first occurrence."""
    hour, minute = (int(part) for part in schedule.time_of_day.split(":"))
    return datetime.combine(day, wall_time(hour, minute), tzinfo=zone).timestamp()


def _slots_around(schedule: DigestSchedule, moment: float) -> list[float]:
    """Every scheduled instant within a week and a day of `moment`, in order."""
    zone = zoneinfo.ZoneInfo(schedule.timezone)
    today = datetime.fromtimestamp(moment, zone).date()
    slots = []
    for offset in range(-9, 10):
        day = today + timedelta(days=offset)
        if schedule.cadence == "weekly" and day.weekday() != schedule.weekday:
            continue
        slots.append(_slot_on(day, schedule, zone))
    return sorted(slots)


def next_due(schedule: DigestSchedule, after: float) -> float:
    """The first scheduled instant strictly after `after`."""
    return min(slot for slot in _slots_around(schedule, after) if slot > after)


def latest_due(schedule: DigestSchedule, at: float) -> float:
    """The last scheduled instant at or before `at`."""
    return max(slot for slot in _slots_around(schedule, at) if slot <= at)


def previous_due(schedule: DigestSchedule, slot: float) -> float:
    """The scheduled instant before `slot`: where a first digest's period starts."""
    return max(s for s in _slots_around(schedule, slot) if s < slot)


def period_start(state: DigestState, slot: float) -> float:
    """A digest covers what happened since the last one Discord took (so missed periods are
    folded into one digest), or one period for the first."""
    if state.covered_until is not None and state.covered_until < slot:
        return state.covered_until
    return previous_due(state.schedule, slot)


# -- the digest embed -------------------------------------------------------------------


def _whole_lines(lines: Sequence[str], limit: int) -> str:
    """As many whole lines as fit: a line cut in the middle could break its link."""
    kept: list[str] = []
    for line in lines:
        if len("\n".join([*kept, line])) > limit:
            break
        kept.append(line)
    return "\n".join(kept)


def render_digest(
    figures: DigestFigures, schedule: DigestSchedule, *, now: float
) -> dict[str, Any]:
    """The digest as an embed. Reviewers are shown as mentions, which never ping in an
    embed (and the message allows none)."""
    stale_after = schedule.stale_after_days * DAY
    verdicts = [
        f"{STATUS_EMOJI[status]} {label}: {figures.verdicts[status]}"
        for status, label in STATUS_LABELS.items()
        if figures.verdicts.get(status)
    ]
    waiting = [
        f"• {claim_line(claim)} · waiting {waiting_time(now - claim.created_at)}"
        + (" · stale" if now - claim.created_at > stale_after else "")
        for claim in figures.waiting
    ]
    stale = "No stale claims."
    if figures.stale_count:
        named = ", ".join(claim_label(claim) for claim in figures.stale)
        more = figures.stale_count - len(figures.stale)
        stale = (
            f"{figures.stale_count} open claim{'s' if figures.stale_count != 1 else ''}: {named}"
            + (f" and {more} more" if more > 0 else "")
            + ".\n`/claim list status:stale` lists them."
        )
    reviewers = [
        f"• <@{member}>: {count} claim{'s' if count != 1 else ''}"
        for member, count in figures.reviewers
    ]
    new = figures.new_claims
    fields = [
        {"name": "New claims", "value": f"{new} new claim{'s' if new != 1 else ''}."},
        {"name": "Verdicts reached", "value": "\n".join(verdicts) or "None in this period."},
        {
            "name": "Waiting longest",
            "value": _whole_lines(waiting, FIELD_VALUE_LIMIT) or "No claim waits for a verdict.",
        },
        {
            "name": f"Stale (open longer than {days(schedule.stale_after_days)})",
            "value": clip(stale, FIELD_VALUE_LIMIT),
        },
        {
            "name": "Most active reviewers",
            "value": "\n".join(reviewers) or "No votes in this period.",
        },
    ]
    return {
        "title": f"{schedule.cadence.capitalize()} digest",
        "description": f"From <t:{int(figures.start)}:f> to <t:{int(figures.end)}:f>.",
        "fields": fields,
        "color": 0x5865F2,
    }
