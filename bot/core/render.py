"""Text and embeds the bot shows, as plain strings and dicts (no discord import)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.records import ClaimRecord, EvidenceRecord, GuildConfig, SubmissionResult
from bot.core.snapshots import archive_note
from bot.core.status import StatusSettings
from bot.core.text import clip
from bot.core.vocabulary import STATUS_COLOURS, STATUS_EMOJI, STATUS_LABELS, VOTES


def channel_mention(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def role_mention(role_id: int | None, fallback: str) -> str:
    return f"<@&{role_id}>" if role_id else fallback


def render_settings(config: GuildConfig, problem: Mapping[str, Any] | None = None) -> str:
    """The setup summary; mentions render as names and never ping (allowed mentions none)."""
    lines = [
        "**claimbot settings**",
        f"Review channel: {channel_mention(config.review_channel_id)}",
        f"Reviewer role: {role_mention(config.reviewer_role_id, 'everyone may vote')}",
        f"Moderator role: {role_mention(config.moderator_role_id, 'members with Manage Server')}",
    ]
    alerts = alerts_channel_id(config)
    lines.append(
        f"Alerts channel: {channel_mention(alerts)}"
        if alerts
        else "Alerts channel: none (problems show here and in the log)"
    )
    raw = config.options.get("status")
    lines.append(
        describe_thresholds(StatusSettings.from_mapping(raw if isinstance(raw, dict) else {}))
    )
    for key in sorted(config.options):
        if key not in ("status", ALERTS_OPTION):
            lines.append(f"{key.replace('_', ' ').capitalize()}: {config.options[key]}")
    if problem is not None:
        detail = problem.get("detail", {})
        lines.append(
            f"Last problem (<t:{int(problem['created_at'])}:R>): "
            + describe_refusal(
                str(detail.get("what", "act")),
                problem.get("claim_number"),
                str(detail.get("error", "unknown error")),
                detail.get("channel_id") or config.review_channel_id,
            )
        )
    return "\n".join(lines)


ALERTS_OPTION = "alerts_channel_id"


def alerts_channel_id(config: GuildConfig) -> int | None:
    """Where the server's admins want problems reported, if anywhere."""
    value = config.options.get(ALERTS_OPTION)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def describe_refusal(
    what: str, claim_number: object, error: str, review_channel_id: int | None
) -> str:
    reason = clip(error, 200).rstrip(".")  # Discord's own messages may end with one
    subject = f" for claim #{claim_number}" if claim_number is not None else ""
    return (
        f"Discord refused to {what}{subject}: {reason}. "
        f"Check my permissions in {channel_mention(review_channel_id)}."
    )


def render_alert(refusal: str, quiet_minutes: int) -> str:
    return (
        f"⚠️ {refusal} Further problems in the next {quiet_minutes} minutes go only to "
        "`/claimbot settings` and the log."
    )


def describe_thresholds(settings: StatusSettings) -> str:
    """The thresholds `/claimbot thresholds` changes, as a reader would say them."""
    sources = settings.min_sources_to_verify
    return (
        f"Thresholds: {settings.min_reviewers} reviewers before a verdict shows, "
        f"{settings.consensus_share:.0%} of them agreeing; verified with {sources} "
        f"source{'s' if sources != 1 else ''} on its side and "
        f"{settings.verify_min_confidence:.0%} confidence."
    )


# -- claim embeds ---------------------------------------------------------------------

EMBED_DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
MAX_EVIDENCE_LINES = 5
_MARKDOWN_SPECIALS = re.compile(r"([\\*_~`|>\[\]()#<:-])")
STANCE_LABELS = {"supports": "supports", "refutes": "refutes", "context": "context"}


def escape_markdown(text: str) -> str:
    """User text shown verbatim: no bold, links, headings or masked links sneak in."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def safe_link(label: str, url: str) -> str:
    """A masked link whose label and URL cannot break out of the Markdown."""
    target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{escape_markdown(clip(label, 80))}]({target})"


def format_votes(counts: Mapping[str, int], emoji_by_vote: Mapping[str, str]) -> str:
    return "  ".join(f"{emoji_by_vote[v]} {counts.get(v, 0)}" for v in VOTES)


def format_evidence(evidence: Sequence[EvidenceRecord]) -> str:
    if not evidence:
        return "None yet: add with `/evidence add` or post a link in the thread."
    lines = []
    for item in evidence[:MAX_EVIDENCE_LINES]:
        label = item.title or item.site_name or item.url
        line = f"{STANCE_LABELS[item.stance]}: {safe_link(label, item.url)}"
        if item.fetch_status == "unreachable":
            line += " (unreachable)"
        lines.append(line)
    if len(evidence) > MAX_EVIDENCE_LINES:
        lines.append(f"… and {len(evidence) - MAX_EVIDENCE_LINES} more (`/evidence list`)")
    return clip("\n".join(lines), FIELD_VALUE_LIMIT)


# The extractor's reason for a claim that leans on an earlier sentence it could not resolve
# ("the association", "they"): reviewers should read it in the text it came from.
NEEDS_CONTEXT = "needs context"
NEEDS_CONTEXT_HINT = "It refers to something said before it: read it in the text it came from."


def claim_embed(
    claim: ClaimRecord,
    *,
    counts: Mapping[str, int],
    evidence: Sequence[EvidenceRecord],
    emoji_by_vote: Mapping[str, str],
) -> dict[str, Any]:
    """The review message of one claim, as an embed dict (discord.Embed.from_dict)."""
    label = STATUS_LABELS.get(claim.status, claim.status)
    status_line = f"{STATUS_EMOJI.get(claim.status, '')} **{label}**".strip()
    if claim.status not in ("unreviewed",):
        status_line += f" · confidence {claim.confidence:.0%}"
    if claim.is_final:
        status_line += " · final"
    fields: list[dict[str, Any]] = [
        {"name": "Status", "value": clip(f"{status_line}\n{claim.explanation}", 1024)},
        {"name": "Votes", "value": format_votes(counts, emoji_by_vote), "inline": True},
        {"name": "Evidence", "value": str(len(evidence)), "inline": True},
        {
            "name": "Speaker",
            "value": escape_markdown(clip(claim.speaker, 200)) if claim.speaker else "—",
            "inline": True,
        },
        {"name": "Submitted by", "value": f"<@{claim.submitter_id}>", "inline": True},
    ]
    if claim.origin_url:
        fields.append(
            {
                "name": "Origin",
                "value": safe_link(claim.origin_title or claim.origin_url, claim.origin_url),
                "inline": True,
            }
        )
    elif claim.origin_title:
        fields.append(
            {
                "name": "Origin",
                "value": escape_markdown(clip(claim.origin_title, 200)),
                "inline": True,
            }
        )
    if NEEDS_CONTEXT in claim.reasons:
        fields.insert(1, {"name": "Needs context", "value": NEEDS_CONTEXT_HINT})
    fields.append({"name": "Sources linked", "value": format_evidence(evidence)})
    return {
        "title": f"Claim #{claim.number} · {label}",
        "description": clip(escape_markdown(claim.text), EMBED_DESCRIPTION_LIMIT),
        "color": STATUS_COLOURS.get(claim.status, 0x99AAB5),
        "fields": fields,
        "footer": {
            "text": (
                f"claim {claim.number} · react to vote · discuss and link sources in the thread"
            )
        },
    }


# -- replies --------------------------------------------------------------------------

MESSAGE_LIMIT = 2000
DISCORD_WEB = "https://discord.com"


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"{DISCORD_WEB}/channels/{guild_id}/{channel_id}/{message_id}"


def claim_label(claim: ClaimRecord) -> str:
    """`#12`, linked to its review message when it has one."""
    if claim.message_id and claim.channel_id:
        link = jump_url(claim.guild_id, claim.channel_id, claim.message_id)
        return f"[#{claim.number}](<{link}>)"
    return f"#{claim.number}"


def claim_line(claim: ClaimRecord, *, with_status: bool = False) -> str:
    """`#12 text…` linked to its review message when it has one."""
    line = f"{claim_label(claim)} {escape_markdown(clip(claim.text, 90))}"
    if with_status:
        line += f" ({STATUS_LABELS.get(claim.status, claim.status)})"
    return line


def claim_link(claim: ClaimRecord) -> str:
    """`#12`, linked to its review message when it has one."""
    if claim.message_id and claim.channel_id:
        link = jump_url(claim.guild_id, claim.channel_id, claim.message_id)
        return f"[#{claim.number}](<{link}>)"
    return f"#{claim.number}"


def _probably_same(result: SubmissionResult, claim: ClaimRecord) -> str:
    earlier = result.probably_same.get(claim.id)
    if earlier is None:
        return ""
    state = STATUS_LABELS.get(earlier.status, earlier.status)
    return f" — probably the same as {claim_link(earlier)} ({state})"


def render_submission(result: SubmissionResult) -> str:
    """The ephemeral answer to a submission: what was posted, what was already known."""
    parts: list[str] = []
    if result.found == 0:
        parts.append("I found no check-worthy factual claims in that text.")
    elif result.posted:
        noun = "claim" if len(result.posted) == 1 else "claims"
        parts.append(f"Posted {len(result.posted)} {noun} for review:")
        parts.extend(f"• {claim_line(c)}{_probably_same(result, c)}" for c in result.posted)
    elif not result.existing and not result.unposted and not result.posted_now:
        parts.append("Nothing new to post.")
    if result.posted_now:
        parts.append("Submitted before but not posted then; posted now:")
        parts.extend(f"• {claim_line(c)}" for c in result.posted_now)
    if result.existing:
        parts.append(
            "Already under review, not posted again:"
            if not result.posted
            else "Already under review:"
        )
        parts.extend(f"• {claim_line(c, with_status=True)}" for c in result.existing)
    if result.unposted:
        count = len(result.unposted)
        parts.append(
            f"{count} claim{'s' if count != 1 else ''} saved but not posted yet: "
            f"{result.post_error or 'another post of it is under way.'} "
            "I'll retry automatically."
        )
        parts.extend(f"• {claim_line(c)}" for c in result.unposted)
    if result.truncated:
        parts.append("The input was long: only its beginning was read.")
    if not result.held:
        return _fit("\n".join(parts))
    note = held_note(result.held, result.cap, chosen=result.cap_chosen)
    return _fit("\n".join(parts), MESSAGE_LIMIT - len(note) - 1) + "\n" + note


# The button under a submission's reply that posts the claims the cap held back.
POST_HELD_LABEL = "Post the rest"


def held_note(held: int, cap: int, *, chosen: bool = False) -> str:
    """How many check-worthy claims the cap held back, and the way to post them; `chosen`
    when the member set the cap with `max_claims`."""
    claims, them = ("claim was", "it") if held == 1 else ("claims were", "them")
    whose = f"`max_claims` was {cap}" if chosen else f"this server's cap is {cap}"
    return (
        f"{held} more check-worthy {claims} not posted ({whose}).\n"
        f"Press **{POST_HELD_LABEL}** to post {them}."
    )


def _fit(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Cut at a line boundary to stay under `limit` (Discord's message limit)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 20].rsplit("\n", 1)[0]
    return cut + "\n… (more not shown)"


def render_evidence_list(claim: ClaimRecord, evidence: Sequence[EvidenceRecord]) -> str:
    if not evidence:
        return (
            f"Claim #{claim.number} has no sources yet: `/evidence add` or post a link in its"
            " thread."
        )
    lines = [f"Sources for claim #{claim.number}:"]
    for item in evidence:
        label = item.title or item.site_name or item.url
        line = f"#{item.number} {item.stance}: {safe_link(label, item.url)}"
        if item.note:
            line += f" — {escape_markdown(clip(item.note, 120))}"
        if item.fetch_status == "unreachable":
            line += f" (unreachable: {_fetch_error(item, 80)}; {archive_note(item)})"
        elif item.fetch_status == "pending":
            line += " (fetching…)"
        else:
            line += f" ({archive_note(item)})"
        lines.append(line)
    return _fit("\n".join(lines))


def _fetch_error(item: EvidenceRecord, limit: int) -> str:
    return escape_markdown(clip(item.fetch_error or "unknown reason", limit))


def render_evidence_added(
    claim: ClaimRecord, item: EvidenceRecord, *, created: bool, someone_elses: bool
) -> str:
    """The answer to `/evidence add`; the page's title is the page's text, so escaped."""
    if created:
        state = {
            "ok": f"“{escape_markdown(clip(item.title, 200))}”" if item.title else "page read",
            "unreachable": f"recorded as unreachable: {_fetch_error(item, 200)}",
            "pending": "still fetching its title",
        }[item.fetch_status]
        return f"Added a source that {item.stance} claim #{claim.number} ({state})."
    if someone_elses:
        return (
            f"That source is already linked to claim #{claim.number}: <@{item.added_by}> added it"
            f" as {item.stance}. Only they or a moderator can change its stance or note, so"
            " nothing changed."
        )
    return (
        f"That source was already linked to claim #{claim.number}; its stance is now {item.stance}."
    )


def render_links_not_recorded(not_recorded: int, posted: int, reasons: Sequence[str]) -> str:
    """The reply to a message in a claim's thread whose links were not all recorded."""
    head = (
        "Not recorded."
        if not_recorded == posted
        else f"{not_recorded} of {posted} links not recorded."
    )
    return " ".join([head, *reasons])


def reviewers_only(reviewer_role_id: int) -> str:
    return (
        f"Not recorded: only members with the {role_mention(reviewer_role_id, 'reviewer')}"
        " role can add sources."
    )


def claim_status_embed(
    claim: ClaimRecord,
    *,
    counts: Mapping[str, int],
    evidence: Sequence[EvidenceRecord],
    emoji_by_vote: Mapping[str, str],
) -> dict[str, Any]:
    """`/claim status`: the review embed plus a link to the review message."""
    embed = claim_embed(claim, counts=counts, evidence=evidence, emoji_by_vote=emoji_by_vote)
    if claim.message_id and claim.channel_id:
        link = jump_url(claim.guild_id, claim.channel_id, claim.message_id)
        embed["fields"].append({"name": "Review message", "value": f"[Jump to it]({link})"})
    return embed


def claim_page_embed(
    claims: Sequence[ClaimRecord], *, page: int, pages: int, total: int, heading: str
) -> dict[str, Any]:
    """One page of `/claim list` (pages count from 1)."""
    if claims:
        description = "\n".join(f"• {claim_line(c, with_status=True)}" for c in claims)
    else:
        description = "No claims match."
    return {
        "title": heading,
        "description": clip(description, EMBED_DESCRIPTION_LIMIT),
        "footer": {"text": f"Page {page} of {max(pages, 1)} · {total} claim(s)"},
        "color": 0x5865F2,
    }


def render_search(query: str, claims: Sequence[ClaimRecord]) -> str:
    shown = escape_markdown(clip(query, 80))
    if not claims:
        return f"No claim matches “{shown}”."
    lines = [f"Claims matching “{shown}”, best first:"]
    lines.extend(f"• {claim_line(c, with_status=True)}" for c in claims)
    return _fit("\n".join(lines))


def agreement(distributions: Sequence[Mapping[str, int]], *, min_votes: int = 2) -> float | None:
    """Mean share of the leading vote over claims with at least `min_votes` votes."""
    shares = [
        max(counts.values()) / total
        for counts in distributions
        if (total := sum(counts.values())) >= min_votes
    ]
    return sum(shares) / len(shares) if shares else None


def waiting_time(seconds: float) -> str:
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def review_stats(
    *,
    status_counts: Mapping[str, int],
    oldest: Sequence[ClaimRecord],
    reviewers: Sequence[tuple[int, int]],
    distributions: Sequence[Mapping[str, int]],
    now: float,
) -> dict[str, Any]:
    """`/claim stats` as an embed: counts by status (with bars), the longest waiting
    claims, the most active reviewers and how often reviewers agree."""
    total = sum(status_counts.values())
    widest = max(status_counts.values(), default=0)
    bar_lines = []
    for status in STATUS_LABELS:
        count = status_counts.get(status, 0)
        if count == 0:
            continue
        bar = "█" * max(1, round(12 * count / widest))
        bar_lines.append(f"`{bar:<12}` {STATUS_LABELS[status]}: {count}")
    waiting = [f"• {claim_line(c)} · waiting {waiting_time(now - c.created_at)}" for c in oldest]
    active = [f"• <@{user}>: {n} claim(s)" for user, n in reviewers]
    share = agreement(distributions)
    fields = [
        {"name": "By status", "value": "\n".join(bar_lines) or "No claims yet."},
        {"name": "Waiting longest", "value": clip("\n".join(waiting), 1024) or "Nothing waits."},
        {"name": "Most active reviewers", "value": "\n".join(active) or "No votes yet."},
        {
            "name": "Agreement",
            "value": (
                f"{share:.0%} of votes side with the leading vote (claims with 2+ votes)"
                if share is not None
                else "Not enough votes yet."
            ),
        },
    ]
    return {"title": f"Review stats · {total} claim(s)", "fields": fields, "color": 0x5865F2}
