"""Embeds and replies stay inside Discord's limits and show user text verbatim."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.core.records import ClaimRecord, EvidenceRecord, GuildConfig, SubmissionResult
from bot.core.render import (
    claim_embed,
    claim_line,
    describe_refusal,
    describe_thresholds,
    escape_markdown,
    held_note,
    render_evidence_added,
    render_evidence_list,
    render_settings,
    render_submission,
    safe_link,
)
from bot.core.status import StatusSettings
from bot.core.vocabulary import Stance
from bot.core.votes import VoteEmoji


def make_claim(**overrides: object) -> ClaimRecord:
    values: dict[str, object] = {
        "id": 312,  # internal: never shown, so unlike the number
        "guild_id": 1,
        "number": 12,
        "text": "The city spent 4.2 million euros on road repairs in 2025.",
        "speaker": "City auditor",
        "language": "en",
        "score": 0.9,
        "reasons": ("number",),
        "submitter_id": 77,
        "origin_url": "https://news.example/roads",
        "origin_title": "Roads report",
        "channel_id": 5,
        "message_id": 6,
        "thread_id": None,
        "status": "likely_true",
        "confidence": 0.5714,
        "explanation": "3 of 3 reviewers support it; no sources yet.",
        "is_final": False,
        "created_at": 0.0,
        "updated_at": 0.0,
    }
    values.update(overrides)
    return ClaimRecord(**values)  # type: ignore[arg-type]


def evidence(n: int, stance: Stance = "supports") -> list[EvidenceRecord]:
    return [
        EvidenceRecord(
            4100 + i,  # the row id, which members never see
            12,
            i + 1,
            f"https://src.example/{i}",
            stance,
            None,
            1,
            "ok",
            None,
            f"Source {i}",
            None,
            None,
            None,
            None,
            0.0,
        )
        for i in range(n)
    ]


def embed_size(embed: dict[str, Any]) -> int:
    fields = embed.get("fields", [])
    total = len(str(embed.get("title", ""))) + len(str(embed.get("description", "")))
    total += len(embed.get("footer", {}).get("text", ""))
    for field in fields:
        total += len(field["name"]) + len(field["value"])
    return total


def test_claim_embed_shows_status_votes_and_sources() -> None:
    embed = claim_embed(
        make_claim(),
        counts={"supported": 3},
        evidence=evidence(1),
        emoji_by_vote=VoteEmoji().by_vote,
    )
    assert embed["title"] == "Claim #12 · Likely true"
    assert embed["color"] == 0x57F287
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Votes"] == "✅ 3  ❌ 0  ❓ 0  ⚠️ 0"
    assert fields["Status"] == (
        "🟢 **Likely true** · confidence 57%\n3 of 3 reviewers support it; no sources yet."
    )
    assert fields["Speaker"] == "City auditor"
    assert fields["Submitted by"] == "<@77>"
    assert fields["Origin"] == "[Roads report](https://news.example/roads)"
    assert fields["Sources linked"] == "supports: [Source 0](https://src.example/0)"


def test_a_claim_that_needs_context_says_so_under_its_status() -> None:
    def field_names(claim: ClaimRecord) -> list[str]:
        embed = claim_embed(claim, counts={}, evidence=[], emoji_by_vote=VoteEmoji().by_vote)
        return [f["name"] for f in embed["fields"]]

    assert field_names(make_claim(reasons=("number", "needs context")))[:2] == [
        "Status",
        "Needs context",
    ]
    assert "Needs context" not in field_names(make_claim())


def test_a_refusal_ending_with_a_full_stop_gets_one() -> None:
    assert describe_refusal("post", 4, "Grant me Embed Links.", 9) == (
        "Discord refused to post for claim #4: Grant me Embed Links. Check my permissions in <#9>."
    )


def test_hostile_claim_text_is_escaped_and_long_text_fits() -> None:
    text = "[click me](https://evil.example) **@everyone** <@&123> " + "x" * 6000
    embed = claim_embed(
        make_claim(text=text, speaker="*boss*"),
        counts={},
        evidence=evidence(9),
        emoji_by_vote=VoteEmoji().by_vote,
    )
    assert embed["description"].startswith(r"\[click me\]\(https\:/")
    assert r"\<@&123\>" in embed["description"]
    assert len(embed["description"]) == 4096
    assert embed_size(embed) <= 6000
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Speaker"] == r"\*boss\*"
    assert fields["Sources linked"].endswith("… and 4 more (`/evidence list`)")


def test_safe_link_cannot_break_out() -> None:
    assert safe_link("a](x)", "https://h.example/p(1)") == (
        r"[a\]\(x\)](https://h.example/p%281%29)"
    )
    assert escape_markdown("_a_") == r"\_a\_"


def test_evidence_replies_escape_the_fetched_title_and_error() -> None:
    (item,) = evidence(1)
    hostile = dataclasses.replace(item, title="[Official](https://evil.example/p) **now**")
    assert render_evidence_added(make_claim(), hostile, created=True, someone_elses=False) == (
        r"Added a source that supports claim #12 (“\[Official\]\(https\://evil.example/p\)"
        r" \*\*now\*\*”)."
    )
    failed = dataclasses.replace(
        item, fetch_status="unreachable", fetch_error="I couldn't look up the site __x__."
    )
    assert render_evidence_added(make_claim(), failed, created=True, someone_elses=False) == (
        r"Added a source that supports claim #12 (recorded as unreachable: I couldn't look up"
        r" the site \_\_x\_\_.)."
    )
    assert render_evidence_list(make_claim(), [failed]) == (
        "Sources for claim #12:\n"
        r"#1 supports: [Source 0](https://src.example/0) (unreachable: I couldn't look up the"
        r" site \_\_x\_\_.; not archived)"
    )


def test_submission_reply_lists_posted_and_known_claims() -> None:
    result = SubmissionResult(
        posted=[make_claim(number=1), make_claim(number=2, message_id=None)],
        existing=[make_claim(number=3, status="disputed")],
        found=3,
    )
    assert render_submission(result).splitlines() == [
        "Posted 2 claims for review:",
        "• [#1](<https://discord.com/channels/1/5/6>) The city spent 4.2 million euros on road "
        "repairs in 2025.",
        "• #2 The city spent 4.2 million euros on road repairs in 2025.",
        "Already under review:",
        "• [#3](<https://discord.com/channels/1/5/6>) The city spent 4.2 million euros on road "
        "repairs in 2025. (Disputed)",
    ]


def test_submission_reply_without_claims_and_cut_to_2000() -> None:
    assert render_submission(SubmissionResult()) == (
        "I found no check-worthy factual claims in that text."
    )
    many = SubmissionResult(posted=[make_claim(id=i) for i in range(60)], found=60)
    reply = render_submission(many)
    assert len(reply) <= 2000
    assert reply.endswith("… (more not shown)")


def test_thresholds_are_described_as_a_reader_would_say_them() -> None:
    settings = StatusSettings(
        min_reviewers=5, consensus_share=0.8, min_sources_to_verify=2, verify_min_confidence=0.7
    )
    assert describe_thresholds(settings) == (
        "Thresholds: 5 reviewers before a verdict shows, 80% of them agreeing; "
        "verified with 2 sources on its side and 70% confidence."
    )


def test_members_see_the_claim_number_never_the_internal_id() -> None:
    claim = make_claim(id=9041, number=3)
    embed = claim_embed(claim, counts={}, evidence=[], emoji_by_vote=VoteEmoji().by_vote)
    problem = {
        "claim_id": 9041,
        "claim_number": 3,
        "created_at": 0.0,
        "detail": {"what": "update its review message", "error": "Missing Permissions"},
    }
    shown = [
        str(embed),
        render_submission(SubmissionResult(posted=[claim], existing=[claim], found=2)),
        render_evidence_list(claim, []),
        render_evidence_list(claim, evidence(1)),
        render_settings(GuildConfig(guild_id=1, review_channel_id=5), problem),
    ]

    assert embed["title"] == "Claim #3 · Likely true"
    assert embed["footer"]["text"].startswith("claim 3 · ")
    assert claim_line(claim) == (
        "[#3](<https://discord.com/channels/1/5/6>) The city spent 4.2 million euros on road "
        "repairs in 2025."
    )
    assert shown[-1].endswith(
        "Discord refused to update its review message for claim #3: Missing Permissions. "
        "Check my permissions in <#5>."
    )
    assert [text for text in shown if "9041" in text] == []
    assert [text for text in shown if "4100" in text] == []


def test_the_reply_says_how_many_claims_the_cap_held_back() -> None:
    result = SubmissionResult(posted=[make_claim(number=1)], found=1, held=12, cap=40)
    assert render_submission(result).splitlines()[-2:] == [
        "12 more check-worthy claims were not posted (this server's cap is 40).",
        "Press **Post the rest** to post them.",
    ]
    assert held_note(1, 3) == (
        "1 more check-worthy claim was not posted (this server's cap is 3).\n"
        "Press **Post the rest** to post it."
    )
    assert held_note(2, 10, chosen=True) == (
        "2 more check-worthy claims were not posted (`max_claims` was 10).\n"
        "Press **Post the rest** to post them."
    )
    assert "more check-worthy" not in render_submission(SubmissionResult(found=1, cap=40))


def test_the_held_note_survives_a_reply_cut_to_2000() -> None:
    many = SubmissionResult(posted=[make_claim(id=i) for i in range(60)], found=60, held=7, cap=60)
    reply = render_submission(many)
    assert len(reply) <= 2000
    assert reply.endswith(
        "… (more not shown)\n"
        "7 more check-worthy claims were not posted (this server's cap is 60).\n"
        "Press **Post the rest** to post them."
    )
