"""Snapshots of sources: trimming what is kept, hashing what was read, what a recheck found,
and how a source's archive reads in `/evidence list` (docs/evidence.md).

Pure: the evidence service fetches and parses, storage keeps the rows; the rules live here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from bot.core.records import EvidenceRecord, NewSnapshot

# What one recheck of an archived source found. `unreached`: the site did not answer in a
# way that says anything about the page (a timeout, a 5xx, ...): nothing is recorded and the
# source is tried again at the next recheck.
RecheckOutcome = Literal["unchanged", "changed", "gone", "unreached"]
RECHECK_OUTCOMES: tuple[RecheckOutcome, ...] = ("unchanged", "changed", "gone", "unreached")

# Fetch failures that say nothing about the page: the site or the way to it is having a bad
# moment (or our own fair share of fetches is used up). Every other refusal or failure means
# the page as cited can no longer be read there: 404 and 410, any other 4xx, a redirect to a
# forbidden address, a type or size the fetcher refuses, a broken certificate.
TRANSIENT_FETCH_CODES = frozenset({"timeout", "connect_failed", "dns_failure", "busy"})
TRANSIENT_HTTP_STATUSES = frozenset({408, 425, 429})


# Characters of a source's archived text a public claim page quotes (cut at a word there);
# storage reads one more, so the page knows the text went on.
ARCHIVED_EXCERPT_CHARS = 600


@dataclass(frozen=True, slots=True)
class SnapshotBounds:
    """The settings that bound snapshots: the main text kept per snapshot (UTF-8 bytes), the
    snapshots kept per source (the first and the latest always), the bytes per server."""

    text_bytes: int = 20_000
    per_source: int = 10
    guild_bytes: int = 50_000_000


@dataclass(frozen=True, slots=True)
class RecheckTally:
    """How many sources a recheck pass found in each state."""

    unchanged: int = 0
    changed: int = 0
    gone: int = 0
    unreached: int = 0

    def add(self, outcome: RecheckOutcome) -> RecheckTally:
        counts = {name: getattr(self, name) for name in RECHECK_OUTCOMES}
        counts[outcome] += 1
        return RecheckTally(**counts)

    @property
    def total(self) -> int:
        return self.unchanged + self.changed + self.gone + self.unreached


@dataclass(frozen=True, slots=True)
class RecheckState:
    """What a source's row says after a recheck: its state and since when."""

    state: Literal["unchanged", "changed", "gone"]
    since: float


def trim_text(text: str, max_bytes: int) -> tuple[str, bool]:
    """`text` within `max_bytes` of UTF-8, cut at a character boundary; and whether it was
    cut. A character that cannot be encoded (a lone surrogate) becomes "?" first."""
    encoded = text.encode("utf-8", "replace")
    clean = encoded.decode("utf-8")
    if len(encoded) <= max_bytes:
        return clean, False
    # UTF-8 continuation bytes are 0b10xxxxxx: drop the partial character at the cut.
    end = max(max_bytes, 0)
    while end > 0 and (encoded[end] & 0xC0) == 0x80:
        end -= 1
    return encoded[:end].decode("utf-8"), True


def body_sha256(body: bytes) -> str:
    """The hash a snapshot keeps: of the body exactly as the fetcher read it (after
    Content-Encoding, before any charset decoding; within the fetcher's own cap)."""
    return hashlib.sha256(body).hexdigest()


def stored_bytes(snapshot: NewSnapshot) -> int:
    """What a snapshot counts against its server's bytes: its text, title and final URL."""
    parts = (snapshot.text, snapshot.title or "", snapshot.final_url)
    return sum(len(part.encode("utf-8", "replace")) for part in parts)


def failed_fetch_outcome(code: str, http_status: int | None) -> RecheckOutcome:
    """A recheck whose fetch failed: `gone`, or `unreached` when the failure is transient."""
    if code in TRANSIENT_FETCH_CODES:
        return "unreached"
    transient_answer = (
        http_status is None or http_status >= 500 or http_status in TRANSIENT_HTTP_STATUSES
    )
    return "unreached" if code == "http_error" and transient_answer else "gone"


def read_outcome(sha256: str, *, first_sha256: str) -> RecheckOutcome:
    """A recheck that read the page: the same body as the first snapshot, or not."""
    return "unchanged" if sha256 == first_sha256 else "changed"


def next_state(
    outcome: RecheckOutcome, *, state: str | None, since: float | None, now: float
) -> RecheckState | None:
    """The row's state after `outcome`; the date stays while the state does (a page changed
    since Monday is still changed since Monday on Friday). None: nothing to record."""
    if outcome == "unreached":
        return None
    if outcome == state and since is not None:
        return RecheckState(outcome, since)
    return RecheckState(outcome, now)


def _date(moment: float) -> str:
    """A date as Discord shows it in each reader's own timezone and locale."""
    return f"<t:{int(moment)}:d>"


def archive_note(item: EvidenceRecord) -> str:
    """What `/evidence list` says of a source's archive: "not archived", "archived <date>",
    and after a recheck "unchanged <date>", "changed since <date>" or "gone since <date>"."""
    if item.archived_at is None:
        return "not archived"
    note = f"archived {_date(item.archived_at)}"
    if item.recheck_state == "unchanged" and item.rechecked_at is not None:
        note += f", unchanged {_date(item.rechecked_at)}"
    elif item.recheck_state in ("changed", "gone") and item.recheck_since is not None:
        note += f", {item.recheck_state} since {_date(item.recheck_since)}"
    return note
