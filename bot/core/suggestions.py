"""What the "already checked?" suggestions say, and the rules that are not matching: the
buttons' ids, the stance an earlier claim of the server lends. A fact-check's rating, date and
distance in time from the claim read as everywhere else (bot/core/factcheck_render.py).

Pure: the service hands in records and a stance, gets back text. Every wording a publisher
or member wrote (the fact-checked claim, a rating, a publisher's name) is escaped, and the
links are wrapped in <> so Discord shows no preview.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.factcheck_render import fact_check_date, rating_text, time_apart
from bot.core.records import ClaimRecord, FactCheckRecord
from bot.core.render import claim_link, escape_markdown
from bot.core.text import clip, clip_line
from bot.core.vocabulary import STATUS_LABELS, Stance

# At most this many suggestions per claim, fact-checks and the server's claims together (the
# best first): more would bury the thread's discussion.
MAX_SUGGESTIONS_PER_CLAIM = 3
# `/claim similar` shows this many.
SIMILAR_SHOWN = 5

SAME = "same"
NOT_SAME = "not_same"
CUSTOM_ID_PREFIX = "claimbot:suggest:"
CUSTOM_ID_PATTERN = r"claimbot:suggest:(?P<id>[0-9]{1,18}):(?P<answer>same|not_same)"
_CUSTOM_ID = re.compile(CUSTOM_ID_PATTERN)

_WORDING_CHARS = 500
_PROMPT = "Reviewers: is it the same claim?"


def custom_id(suggestion_id: int, answer: str) -> str:
    return f"{CUSTOM_ID_PREFIX}{suggestion_id}:{answer}"


def parse_custom_id(value: str) -> tuple[int, str] | None:
    found = _CUSTOM_ID.fullmatch(value)
    return (int(found["id"]), found["answer"]) if found else None


def stance_of_claim(claim: ClaimRecord) -> Stance:
    """An earlier claim of the server lends its final verdict: verified true supports,
    verified false refutes; anything else (misleading, unverifiable, disputed, or a claim
    still open, whose status can still move) is context."""
    if not claim.is_final:
        return "context"
    if claim.status == "verified_true":
        return "supports"
    if claim.status == "verified_false":
        return "refutes"
    return "context"


def _quote(text: str, limit: int = _WORDING_CHARS) -> str:
    return f"“{escape_markdown(clip_line(text, limit))}”"


def fact_check_line(fact_check: FactCheckRecord, claim_time: float | None = None) -> str:
    """Publisher · rated X on date (and how far apart the fact-check and the claim are)."""
    publisher = escape_markdown(clip_line(fact_check.publisher or "Unknown publisher", 80))
    checked = fact_check_date(fact_check)
    when = f"on {checked.isoformat()}" if checked else "undated"
    line = f"**{publisher}** · rated **{rating_text(fact_check) or 'no rating'}** {when}"
    submitted = datetime.fromtimestamp(claim_time, UTC).date() if claim_time is not None else None
    apart = time_apart(checked, submitted)
    return f"{line} ({apart})" if apart else line


def claim_state(claim: ClaimRecord) -> str:
    label = STATUS_LABELS.get(claim.status, claim.status)
    return f"resolved **{label}**" if claim.is_final else f"still open: {label}"


def render_fact_check_suggestion(
    fact_check: FactCheckRecord, score: float, claim: ClaimRecord
) -> str:
    return "\n".join(
        [
            f"🔎 **Already fact-checked?** (match {score:.0%})",
            fact_check_line(fact_check, claim.created_at),
            _quote(fact_check.claim_reviewed),
            f"<{fact_check.url}>",
            _PROMPT,
        ]
    )


def render_claim_suggestion(earlier: ClaimRecord, score: float) -> str:
    return "\n".join(
        [
            f"🔎 **Already checked in this server?** (match {score:.0%})",
            f"Claim {claim_link(earlier)} · {claim_state(earlier)}",
            _quote(earlier.text),
            _PROMPT,
        ]
    )


_STANCE_WORDS = {
    "supports": "supports",
    "refutes": "refutes",
    "context": "gives context to",
}


def render_answer(shown: str, answer: str, actor_id: int, stance: Stance | None) -> str:
    """The suggestion once answered (its buttons removed): its text without the question,
    then who said what. `stance` is that of the source recorded, None if none was."""
    text = shown.removesuffix(f"\n{_PROMPT}")
    if answer == SAME:
        outcome = f"✅ Same claim, said <@{actor_id}>"
        if stance is not None:
            outcome += f": recorded as a source that {_STANCE_WORDS[stance]} this claim."
        return f"{text}\n{outcome}"
    return f"{text}\n❌ Not the same, said <@{actor_id}>: not shown again for this claim."


@dataclass(frozen=True, slots=True)
class SimilarItem:
    """One line of `/claim similar`: a fact-check or a claim of the server, with its score."""

    score: float
    fact_check: FactCheckRecord | None = None
    claim: ClaimRecord | None = None


def render_similar(claim: ClaimRecord, items: Sequence[SimilarItem]) -> str:
    if not items:
        return (
            f"Nothing similar to claim #{claim.number} among this server's fact-checks and claims."
        )
    lines = [f"Similar to claim #{claim.number}, best first:"]
    for item in items:
        if item.fact_check is not None:
            fc = item.fact_check
            lines.append(
                f"• {item.score:.0%} · fact-check · {fact_check_line(fc)}: "
                f"{_quote(fc.claim_reviewed, 150)} <{fc.url}>"
            )
        elif item.claim is not None:
            lines.append(
                f"• {item.score:.0%} · claim {claim_link(item.claim)} "
                f"({claim_state(item.claim)}): {_quote(item.claim.text, 150)}"
            )
    return clip("\n".join(lines), 2000)
