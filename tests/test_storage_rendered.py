"""Which review messages show an older state than the database (re-rendered at start)."""

from __future__ import annotations

from pathlib import Path

from bot.core.records import NewClaim, NewDocument
from bot.core.shards import UNSHARDED
from bot.storage.database import Database


async def test_stale_messages_until_rendered(database_location: Path | str) -> None:
    db = await Database.open(database_location)
    try:
        document = NewDocument(guild_id=1, submitter_id=9, kind="text", content_hash="h")
        claims = [NewClaim(text=f"claim {i}", normalized=f"claim {i}") for i in range(3)]
        _, created, _ = await db.store_submission(
            document, claims, origin_url=None, origin_title=None
        )
        first, second, unposted = (c.id for c in created)
        for claim_id in (first, second):
            await db.set_review_message(
                claim_id, channel_id=5, message_id=100 + claim_id, thread_id=None
            )
        assert await db.stale_review_messages(UNSHARDED, limit=10) == []

        await db.save_statuses(
            [
                (first, "needs_review", 0.5, "1 vote", False, "few_reviewers"),
                (second, "needs_review", 0.5, "", False, "few_reviewers"),
            ]
        )
        await db.save_statuses([(unposted, "needs_review", 0.5, "", False, "few_reviewers")])
        assert await db.stale_review_messages(UNSHARDED, limit=10) == [second, first]
        assert await db.stale_review_messages(UNSHARDED, limit=1) == [second]

        shown = await db.get_claim(1, first)
        assert shown is not None
        await db.mark_rendered(first, shown.updated_at)
        await db.mark_rendered(first, shown.updated_at - 60)  # a late, older render
        assert await db.stale_review_messages(UNSHARDED, limit=10) == [second]
        await db.mark_rendered(second, shown.updated_at - 60)
        assert await db.stale_review_messages(UNSHARDED, limit=10) == [second]
    finally:
        await db.close()
