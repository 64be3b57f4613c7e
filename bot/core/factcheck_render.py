"""How an imported fact-check reads in a reply: its rating always beside its date, so an old
rating is not taken for a current one, and a warning when the claim and the fact-check are far
apart in time (the fact-check may be about an earlier version of the story)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.core.records import FactCheckImportResult, FactCheckRecord, LibraryStats
from bot.core.render import escape_markdown, safe_link
from bot.core.text import clip_line

__all__ = [
    "FAR_APART_DAYS",
    "describe_fact_check",
    "fact_check_date",
    "rating_text",
    "rating_with_date",
    "render_fact_check_matches",
    "render_import_result",
    "render_library_stats",
    "time_apart",
]

# Beyond a year, a rating may be about an earlier version of the claim (numbers and
# circumstances change); closer than that, saying so would be noise.
FAR_APART_DAYS = 365
CLAIM_WORDING_LIMIT = 300
PUBLISHER_LIMIT = 80
RATING_LIMIT = 60
MESSAGE_LIMIT = 2000


def fact_check_date(record: FactCheckRecord) -> date | None:
    if not record.published:
        return None
    try:
        return date.fromisoformat(record.published)
    except ValueError:
        return None


def rating_text(record: FactCheckRecord) -> str:
    """The rating word, escaped; else its number on its scale; else ''."""
    if record.rating_name:
        return escape_markdown(clip_line(record.rating_name, RATING_LIMIT))
    if record.rating_value is not None:
        value = f"{record.rating_value:g}"
        return f"{value}/{record.best_rating:g}" if record.best_rating is not None else value
    return ""


def rating_with_date(record: FactCheckRecord) -> str:
    """`**False** (2024-03-01)`: the rating, escaped, never without its date."""
    rating = rating_text(record)
    shown = f"**{rating}**" if rating else "no rating"
    published = fact_check_date(record)
    return f"{shown} ({published.isoformat() if published else 'undated'})"


def time_apart(published: date | None, claim_date: date | None) -> str | None:
    """`checked 3 years before this claim` when more than FAR_APART_DAYS separate them."""
    if published is None or claim_date is None:
        return None
    days = (claim_date - published).days
    if abs(days) <= FAR_APART_DAYS:
        return None
    years = abs(days) // 365
    span = "over a year" if years == 1 else f"{years} years"
    return f"checked {span} {'before' if days > 0 else 'after'} this claim"


def describe_fact_check(record: FactCheckRecord, claim_date: date | None) -> str:
    """Two lines: who rated it what and when (with the gap to the claim if far), then the
    link and the fact-checked wording. Every outside name is escaped."""
    publisher = escape_markdown(clip_line(record.publisher or "Unknown publisher", PUBLISHER_LIMIT))
    head = f"{publisher}: {rating_with_date(record)}"
    gap = time_apart(fact_check_date(record), claim_date)
    if gap:
        head += f" ⚠ {gap}"
    wording = escape_markdown(clip_line(record.claim_reviewed, CLAIM_WORDING_LIMIT))
    link = safe_link(record.title or record.url, record.url)
    return f"{head}\n{link}: “{wording}”"


def _by_reason(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{reason} {count:,}" for reason, count in counts.items())


def render_import_result(result: FactCheckImportResult, where: str) -> str:
    """The reply to an import: counts, then what was skipped or dropped and why. `where`
    names the scope ("for this server", "for all servers")."""
    skipped = sum(result.skipped.values())
    if result.read == 0:
        lines = [f"Nothing imported {where}: all {skipped:,} ClaimReview(s) were skipped."]
    else:
        lines = [
            f"Imported {result.read:,} fact-check(s) {where}: {result.added:,} new, "
            f"{result.updated:,} updated."
        ]
    if skipped:
        lines.append(f"Skipped {skipped:,}: {_by_reason(result.skipped)}.")
    nulled = sum(result.nulled.values())
    if nulled:
        lines.append(f"Numbers dropped ({nulled:,}): {_by_reason(result.nulled)}.")
    return "\n".join(lines)


def render_library_stats(stats: LibraryStats, where: str) -> str:
    """`/factchecks stats`: how many, from whom, how recent, when last imported."""
    if stats.fact_checks == 0:
        return f"No fact-checks {where} yet: a moderator imports a feed with `/factchecks import`."
    lines = [f"**{stats.fact_checks:,} fact-check(s)** {where}."]
    if stats.publishers:
        named = ", ".join(
            f"{escape_markdown(clip_line(name or 'unknown publisher', PUBLISHER_LIMIT))} {count:,}"
            for name, count in stats.publishers
        )
        lines.append(f"Top publishers: {named}.")
    lines.append(
        f"Newest fact-check: {stats.newest or 'undated'}; oldest: {stats.oldest or 'undated'}."
    )
    if stats.last_import is not None:
        lines.append(f"Last import: <t:{int(stats.last_import)}:R>.")
    return "\n".join(lines)


def render_fact_check_matches(
    query: str, matches: Sequence[tuple[FactCheckRecord, float]], claim_date: date | None
) -> str:
    """The best fact-checks for a query, each described with its score."""
    shown = escape_markdown(clip_line(query, 100))
    if not matches:
        return f"No fact-check found for “{shown}”."
    text = f"Fact-checks closest to “{shown}”:"
    for number, (record, score) in enumerate(matches, 1):
        entry = f"\n**{number}.** score {score:.2f} · {describe_fact_check(record, claim_date)}"
        if len(text) + len(entry) > MESSAGE_LIMIT:
            break  # whole entries only: a cut one could leave half a link
        text += entry
    return text
