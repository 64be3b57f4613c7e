"""Dates as the pages show them: "7 December 2026", in UTC, whatever the server's locale."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from bot.core.records import PublishedClaim

_MONTHS: Final = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def day(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def decided_at(published: PublishedClaim) -> float:
    """When the claim got the status it is published with: a moderator's resolution, else
    its last change of status (the ClaimReview's datePublished says the same)."""
    if published.resolved_at is not None:
        return published.resolved_at
    return published.claim.updated_at
