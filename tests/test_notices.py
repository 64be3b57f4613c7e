"""Verdict notices: when one is due (pure rules, a property over any sequence of status
changes), the outbox in storage, and the words of a notice."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core.notices import (
    NOTICE_LIMIT,
    NOTICE_STATUSES,
    Announced,
    PendingNotice,
    next_pending,
    notice_mode,
    origin_message,
    origin_notice,
    thread_notice,
    wants_notice,
)
from bot.core.records import GuildConfig, NewClaim, NewDocument
from bot.core.shards import UNSHARDED
from bot.core.vocabulary import STATUSES
from bot.storage.database import Database
from tests.test_render import make_claim

GUILD = 1577366821152100357
LIKELY_TRUE = Announced("likely_true", False)
LIKELY_FALSE = Announced("likely_false", False)
NEEDS_REVIEW = Announced("needs_review", False)


def test_what_is_worth_a_notice() -> None:
    assert NOTICE_STATUSES == (
        "likely_true",
        "likely_false",
        "disputed",
        "unverifiable",
        "misleading",
        "verified_true",
        "verified_false",
    )
    assert wants_notice(LIKELY_TRUE, None)
    assert wants_notice(LIKELY_FALSE, LIKELY_TRUE)
    assert not wants_notice(LIKELY_TRUE, LIKELY_TRUE)
    assert not wants_notice(NEEDS_REVIEW, LIKELY_TRUE)
    assert not wants_notice(Announced("unreviewed", False), None)
    # A moderator confirming what the votes said is news; reopening without a change is not.
    assert wants_notice(Announced("disputed", True), Announced("disputed", False))
    assert not wants_notice(Announced("disputed", False), Announced("disputed", True))


def test_pending_after_a_save() -> None:
    assert next_pending(NEEDS_REVIEW, LIKELY_TRUE, None) == LIKELY_TRUE
    assert next_pending(LIKELY_TRUE, LIKELY_TRUE, None) == "keep"  # confidence only
    assert next_pending(LIKELY_FALSE, LIKELY_TRUE, LIKELY_TRUE) is None  # back to the last
    assert next_pending(LIKELY_TRUE, NEEDS_REVIEW, None) is None


states = st.builds(Announced, st.sampled_from(STATUSES), st.booleans())


@given(start=states, sent=st.none() | states, changes=st.lists(states, min_size=1))
def test_the_pending_notice_always_follows_the_latest_state(
    start: Announced, sent: Announced | None, changes: list[Announced]
) -> None:
    """However a claim moves before its notice is sent, what is pending is its latest state
    if that is worth a notice against the last one sent, and nothing otherwise."""
    pending: Announced | None = None
    previous = start
    moved = False
    for state in changes:
        step = next_pending(previous, state, sent)
        if step != "keep":
            pending = step
            moved = True
        previous = state
    if moved:
        assert pending == (previous if wants_notice(previous, sent) else None)


def test_notice_mode_of_a_server() -> None:
    def config(value: object) -> GuildConfig:
        return GuildConfig(guild_id=1, review_channel_id=5, options={"verdict_notices": value})

    assert notice_mode(None) == "origin"
    assert notice_mode(GuildConfig(guild_id=1, review_channel_id=5)) == "origin"
    assert [notice_mode(config(m)) for m in ("thread", "origin", "off")] == [
        "thread",
        "origin",
        "off",
    ]
    assert notice_mode(config("loud")) == "origin"
    assert notice_mode(config(["off"])) == "origin"


def test_the_origin_of_a_claim_submitted_from_a_message() -> None:
    url = f"https://discord.com/channels/{GUILD}/222/333"
    assert origin_message("message", url, GUILD) == (222, 333)
    assert origin_message("message", url.replace("discord.com", "ptb.discord.com"), GUILD) == (
        222,
        333,
    )
    assert origin_message("message", url, GUILD + 1) is None  # another server's message
    assert origin_message("url", url, GUILD) is None
    assert origin_message("message", None, GUILD) is None
    assert origin_message("message", url + "/444", GUILD) is None
    assert origin_message("message", "https://evil.example/channels/1/2/3", 1) is None


def test_the_words_of_a_notice() -> None:
    claim = make_claim(thread_id=7)
    assert thread_notice(claim) == (
        "Verdict on claim #12: 🟢 **Likely true** · confidence 57%\n"
        "3 of 3 reviewers support it; no sources yet."
    )
    resolved = make_claim(
        status="verified_false",
        is_final=True,
        confidence=1.0,
        explanation="Resolved by a moderator: the minutes\nsay otherwise.",
    )
    assert origin_notice(resolved) == (
        "[#12](<https://discord.com/channels/1/5/6>) The city spent 4.2 million euros on road "
        "repairs in 2025.\n❌ **Verified false** (final) · confidence 100%\n"
        "Resolved by a moderator: the minutes say otherwise."
    )
    long = make_claim(text="word " * 900, explanation="why " * 900)
    assert len(thread_notice(long)) <= NOTICE_LIMIT
    assert len(origin_notice(long)) <= NOTICE_LIMIT
    assert thread_notice(long).endswith("why why…")


async def test_the_outbox_coalesces_and_remembers_what_was_sent(
    database_location: Path | str,
) -> None:
    db = await Database.open(database_location)
    try:
        document = NewDocument(guild_id=GUILD, submitter_id=9, kind="text", content_hash="h")
        _, (claim,), _ = await db.store_submission(
            document,
            [NewClaim(text="claim", normalized="claim")],
            origin_url=None,
            origin_title=None,
        )

        async def save(status: str, *, at: float, final: bool = False) -> None:
            row = (claim.id, status, 0.5, "why", final, "rule")
            await db.save_statuses([row], notices_due=at + 60)

        def pending(status: str, *, final: bool = False) -> PendingNotice:
            return PendingNotice(claim.id, GUILD, status, final, attempts=0, thread_done=False)

        await save("needs_review", at=0)
        assert await db.next_notice_due(UNSHARDED) is None
        await save("likely_true", at=10)
        await save("likely_false", at=40)  # folds into the pending one, keeps its time
        assert await db.next_notice_due(UNSHARDED) == 70
        assert await db.claim_due_notices(UNSHARDED, 69, limit=10) == []
        assert await db.claim_due_notices(UNSHARDED, 70, limit=10) == [pending("likely_false")]

        await db.notice_sent(claim.id, LIKELY_FALSE, 71)
        assert await db.last_notice(claim.id) == LIKELY_FALSE
        assert await db.next_notice_due(UNSHARDED) is None
        await save("likely_true", at=100)
        await save("likely_false", at=110)  # back where the last notice left it
        assert await db.next_notice_due(UNSHARDED) is None

        await save("verified_false", at=200, final=True)
        (due,) = await db.claim_due_notices(UNSHARDED, 260, limit=10)
        await db.notice_thread_done(due)
        await db.retry_notice(due, 265)
        assert await db.claim_due_notices(UNSHARDED, 265, limit=10) == [
            PendingNotice(claim.id, GUILD, "verified_false", True, attempts=1, thread_done=True)
        ]
        await db.retry_notice(pending("likely_true"), None)  # not what is pending: no-op
        (due,) = await db.claim_due_notices(UNSHARDED, 265, limit=10)
        await db.retry_notice(due, None)  # retries spent: parked until the next start
        assert await db.next_notice_due(UNSHARDED) is None
        assert await db.release_parked_notices(UNSHARDED, 900) == 1
        assert await db.claim_due_notices(UNSHARDED, 900, limit=10) == [
            PendingNotice(claim.id, GUILD, "verified_false", True, attempts=0, thread_done=True)
        ]
        await db.drop_notice(pending("likely_true"))  # not what is pending: no-op
        assert await db.next_notice_due(UNSHARDED) == 900
        await save("needs_review", at=901)  # a reopen with no verdict: cancelled
        assert await db.next_notice_due(UNSHARDED) is None
        assert await db.last_notice(claim.id) == LIKELY_FALSE
    finally:
        await db.close()
