"""A database with published claims, built through storage as the bot builds it: claims
stored, votes recorded, sources added, statuses saved, a server that publishes. For the
tests of the pages, of `claimbot web` and for benchmarks/web_pages.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.records import ClaimRecord, NewClaim, NewDocument, PublishedSite
from bot.core.status import Vote
from bot.core.urls import normalize_url
from bot.storage import Database, VoteEventRow
from bot.storage.votes import CurrentVotes

HOME, RIVAL = 111, 222
MODERATOR = 900
HOME_SITE = PublishedSite(
    guild_id=HOME,
    slug="verif",
    organization="Les Vérificateurs",
    base_url="https://checks.example.org",
    enabled=True,
)
RIVAL_SITE = PublishedSite(
    guild_id=RIVAL,
    slug="rival",
    organization="Rival Desk",
    base_url="https://rival.example.net",
    enabled=True,
)


@dataclass(frozen=True, slots=True)
class Shape:
    """One claim to store: its words, the status saved for it, whether a moderator made it
    final, the votes (one reviewer each) and the sources (url, stance)."""

    text: str
    status: str = "verified_false"
    final: bool = False
    votes: Sequence[Vote] = ("refuted", "refuted", "refuted", "supported")
    sources: Sequence[tuple[str, str]] = (("https://stats.example/report", "refutes"),)
    speaker: str | None = "Jane Doe"
    origin_url: str | None = "https://news.example/article"
    origin_title: str | None = "The article"


async def store_claims(db: Database, guild_id: int, shapes: Sequence[Shape]) -> list[ClaimRecord]:
    """Store each claim of `shapes` as its own submission, with its votes, sources and
    status; returns them as stored at the end."""
    made: list[ClaimRecord] = []
    for shape in shapes:
        document = NewDocument(
            guild_id=guild_id, submitter_id=5, kind="text", content_hash=shape.text
        )
        claim = NewClaim(text=shape.text, normalized=shape.text.casefold(), speaker=shape.speaker)
        _, [created], _ = await db.store_submission(
            document, [claim], origin_url=shape.origin_url, origin_title=shape.origin_title
        )
        events: list[VoteEventRow] = [
            (guild_id, created.id, 1000 + k, vote, "reaction", 1.0)
            for k, vote in enumerate(shape.votes)
        ]
        if events:

            def plan(
                current: CurrentVotes, rows: list[VoteEventRow] = events
            ) -> list[VoteEventRow]:
                return rows

            await db.record_votes([created.id], plan)
        for url, stance in shape.sources:
            await db.add_evidence(
                guild_id=guild_id,
                claim_id=created.id,
                url=url,
                normalized_url=normalize_url(url),
                stance=stance,
                note=None,
                added_by=1000,
                origin="command",
            )
        if shape.final:
            await db.add_moderation_event(
                guild_id=guild_id,
                claim_id=created.id,
                actor_id=MODERATOR,
                action="resolve",
                status=shape.status,
                note="Checked against the statistics office.",
            )
        explanation = f"Explained: {shape.status}."
        await db.save_statuses([(created.id, shape.status, 0.9, explanation, shape.final, "test")])
        stored = await db.get_claim(guild_id, created.id)
        assert stored is not None
        made.append(stored)
    return made


async def publish(db: Database, site: PublishedSite) -> None:
    assert await db.save_published_site(site, actor_id=MODERATOR)
