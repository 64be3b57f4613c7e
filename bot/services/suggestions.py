""" "Already checked?": a posted claim looked up in the server's fact-check library and among
the server's own claims; the matches shown in its thread with Same claim / Not the same.

The lookups run after the claim is posted, in the background: a slow or failing lookup never
delays or breaks a post. Matching runs in worker threads (FactCheckLibrary for fact-checks,
OwnClaims for the server's claims), never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.claims import RECENT_CLAIMS_COMPARED
from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord, FactCheckRecord, SuggestionRecord
from bot.core.render import jump_url
from bot.core.sameness import SUGGESTION_THRESHOLD, is_paraphrase
from bot.core.suggestions import (
    MAX_SUGGESTIONS_PER_CLAIM,
    NOT_SAME,
    SAME,
    SIMILAR_SHOWN,
    SimilarItem,
    custom_id,
    render_claim_suggestion,
    render_fact_check_suggestion,
    stance_of_claim,
)
from bot.core.text import clip_line
from bot.core.vocabulary import Stance
from bot.matching import ClaimMatcher, LibraryClaim
from bot.matching.ratings import stance_of
from bot.services.evidence import EvidenceService
from bot.services.factcheck_library import FactCheckLibrary
from bot.services.review_messages import ReviewPoster
from bot.storage.database import Database

log = logging.getLogger("claimbot.suggestions")

Spawn = Callable[[Coroutine[Any, Any, None], str], None]

# A server's resolved claim is suggested from the fact-checks' threshold up (the same
# calibrated probability); an open claim only when it is probably the same claim reworded
# (bot/core/sameness.py), since it has no verdict to lend yet.
OWN_CLAIM_THRESHOLD = SUGGESTION_THRESHOLD
# Matchers of servers' own claims kept in memory (about 10 MB each at 2,000 claims): the least
# recently used is dropped beyond this and rebuilt when next needed. A rebuild (a server has a
# new claim) takes about 0.4 s for 200 claims and 3 s for 2,000 on a loaded 2-core machine, in
# a worker thread, once per submission whatever the number of lookups waiting for it.
OWN_MATCHERS_KEPT = 4
# Own claims re-ranked per lookup.
OWN_CANDIDATES = 20
SUGGESTION_REFUSED = "post a suggestion in its thread"


@dataclass(frozen=True, slots=True)
class Candidate:
    score: float
    fact_check: FactCheckRecord | None = None
    claim: ClaimRecord | None = None


@dataclass(frozen=True, slots=True)
class Answered:
    suggestion: SuggestionRecord
    claim: ClaimRecord
    stance: Stance | None  # of the source recorded for Same claim; None if none was


class OwnClaims:
    """One matcher per server over its newest claims, rebuilt (in a thread) when the server
    has a claim it does not hold; claim texts never change, so nothing else makes it stale.
    Whether a match is resolved is read from storage at lookup time."""

    def __init__(self, db: Database, *, limit: int = RECENT_CLAIMS_COMPARED) -> None:
        self._db = db
        self._limit = limit
        self._matchers: OrderedDict[int, tuple[int, ClaimMatcher | None]] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self.builds = 0

    async def _matcher(self, guild_id: int) -> ClaimMatcher | None:
        newest = await self._db.newest_claim_id(guild_id)
        async with self._locks.setdefault(guild_id, asyncio.Lock()):
            cached = self._matchers.get(guild_id)
            if cached is not None and cached[0] == newest:
                self._matchers.move_to_end(guild_id)
                return cached[1]
            rows = await self._db.claims_to_match(guild_id, self._limit)
            claims = [LibraryClaim(str(cid), text, lang) for cid, text, lang in rows]
            matcher = await asyncio.to_thread(ClaimMatcher, claims) if claims else None
            self.builds += 1
            self._matchers[guild_id] = (max((cid for cid, _, _ in rows), default=0), matcher)
            self._matchers.move_to_end(guild_id)
            while len(self._matchers) > OWN_MATCHERS_KEPT:
                self._matchers.popitem(last=False)
            return matcher

    async def search(
        self, guild_id: int, text: str, language: str, k: int = OWN_CANDIDATES
    ) -> list[tuple[ClaimRecord, float]]:
        """The server's claims most like `text`, best first, as stored now."""
        matcher = await self._matcher(guild_id)
        if matcher is None or not text.strip():
            return []
        found = await asyncio.to_thread(matcher.search, text, language, k)
        records = {c.id: c for c in await self._db.get_claims(guild_id, [int(m.id) for m in found])}
        return [(records[int(m.id)], m.score) for m in found if int(m.id) in records]


class Suggestions:
    def __init__(
        self,
        db: Database,
        library: FactCheckLibrary,
        evidence: EvidenceService,
        review: ReviewPoster,
        client: discord.Client,
        spawn: Spawn,
    ) -> None:
        self._db = db
        self._library = library
        self._evidence = evidence
        self._review = review
        self._client = client
        self._spawn = spawn
        self.own = OwnClaims(db)

    # -- lookups ------------------------------------------------------------------------

    async def _fact_checks(self, claim: ClaimRecord, k: int) -> list[Candidate]:
        found = await self._library.similar(claim.guild_id, claim.text, claim.language or "en", k=k)
        return [Candidate(m.score, fact_check=m.fact_check) for m in found]

    async def _own(self, claim: ClaimRecord) -> list[Candidate]:
        found = await self.own.search(claim.guild_id, claim.text, claim.language or "en")
        return [Candidate(score, claim=other) for other, score in found if other.id != claim.id]

    async def candidates(self, claim: ClaimRecord) -> list[Candidate]:
        """What is worth showing in the claim's thread, best first: fact-checks and resolved
        claims from the threshold up, open claims only when probably the same claim."""
        language = claim.language or "en"
        shown = [
            c
            for c in await self._fact_checks(claim, MAX_SUGGESTIONS_PER_CLAIM)
            if c.score >= SUGGESTION_THRESHOLD
        ]
        for candidate in await self._own(claim):
            other = candidate.claim
            assert other is not None
            if other.message_id is None:
                continue  # nothing to link to yet
            if (other.is_final and candidate.score >= OWN_CLAIM_THRESHOLD) or is_paraphrase(
                other.text, claim.text, candidate.score, language
            ):
                shown.append(candidate)
        return sorted(shown, key=lambda c: -c.score)

    async def similar(self, claim: ClaimRecord) -> list[SimilarItem]:
        """`/claim similar`: the best fact-checks and claims of the server, scored."""
        merged = [*await self._fact_checks(claim, SIMILAR_SHOWN), *await self._own(claim)]
        merged.sort(key=lambda c: -c.score)
        return [SimilarItem(c.score, c.fact_check, c.claim) for c in merged[:SIMILAR_SHOWN]]

    async def probably_same(
        self, guild_id: int, claims: list[ClaimRecord]
    ) -> dict[int, ClaimRecord]:
        """{new claim id: the earlier claim of the server it probably rewords}."""
        found: dict[int, ClaimRecord] = {}
        for claim in claims:
            language = claim.language or "en"
            for other, score in await self.own.search(guild_id, claim.text, language):
                if other.id < claim.id and is_paraphrase(other.text, claim.text, score, language):
                    found[claim.id] = other
                    break
        return found

    # -- the thread ---------------------------------------------------------------------

    def claim_posted(self, claim: ClaimRecord, thread_id: int) -> None:
        """Called once a claim has its thread; the lookup runs after the post returns."""
        self._spawn(self.suggest(claim, thread_id), f"suggest-{claim.id}")

    async def suggest(self, claim: ClaimRecord, thread_id: int) -> None:
        """Show the claim's new matches in its thread (at most MAX_SUGGESTIONS_PER_CLAIM in
        all, each once; a dismissed one never again)."""
        existing = await self._db.suggestions_for_claim(claim.id)
        for waiting in existing:  # recorded, but its message never went out
            if waiting.message_id is None and waiting.answer is None:
                await self._resend(claim, thread_id, waiting)
        room = MAX_SUGGESTIONS_PER_CLAIM - len(existing)
        if room <= 0:
            return
        for candidate in await self.candidates(claim):
            if room <= 0:
                break
            record = await self._db.add_suggestion(
                guild_id=claim.guild_id,
                claim_id=claim.id,
                score=candidate.score,
                fact_check_id=candidate.fact_check.id if candidate.fact_check else None,
                matched_claim_id=candidate.claim.id if candidate.claim else None,
            )
            if record is None:
                continue  # shown (or dismissed) before
            room -= 1
            await self._send(claim, thread_id, record, candidate)

    async def _resend(self, claim: ClaimRecord, thread_id: int, record: SuggestionRecord) -> int:
        if record.fact_check_id is not None:
            fact_check = await self._db.get_fact_check(claim.guild_id, record.fact_check_id)
            if fact_check is None:
                return 0
            return await self._send(claim, thread_id, record, Candidate(record.score, fact_check))
        if record.matched_claim_id is not None:
            earlier = await self._db.get_claim(claim.guild_id, record.matched_claim_id)
            if earlier is None:
                return 0
            return await self._send(
                claim, thread_id, record, Candidate(record.score, claim=earlier)
            )
        return 0

    async def _send(
        self, claim: ClaimRecord, thread_id: int, record: SuggestionRecord, candidate: Candidate
    ) -> int:
        if candidate.fact_check is not None:
            content = render_fact_check_suggestion(candidate.fact_check, candidate.score, claim)
        else:
            assert candidate.claim is not None
            content = render_claim_suggestion(candidate.claim, candidate.score)
        thread = self._client.get_partial_messageable(
            thread_id, guild_id=claim.guild_id, type=discord.ChannelType.public_thread
        )
        try:
            message = await thread.send(
                content,
                view=answer_buttons(record.id),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden as exc:
            await self._review.report_refusal(claim, SUGGESTION_REFUSED, exc)
            return 0
        except discord.HTTPException as exc:
            log.warning("suggestion %d for claim %d not sent: %s", record.id, claim.id, exc.text)
            return 0
        await self._db.set_suggestion_message(record.id, message.id)
        return 1

    # -- the buttons --------------------------------------------------------------------

    async def answer(
        self, guild_id: int, suggestion_id: int, answer: str, actor_id: int
    ) -> Answered:
        """Record a reviewer's answer (once) and, for Same claim, the match as a source.
        Raises UserFacingError for a second answer or a suggestion of another server."""
        found = await self._db.get_suggestion(guild_id, suggestion_id)
        if found is None:
            raise UserFacingError("That suggestion does not belong to this server.")
        claim = await self._db.get_claim(guild_id, found.claim_id)
        if claim is None:
            raise UserFacingError("The claim of that suggestion is gone.")
        answered = await self._db.answer_suggestion(guild_id, suggestion_id, answer, actor_id)
        if answered is None:
            raise UserFacingError("That suggestion was already answered.")
        stance: Stance | None = None
        if answer == SAME:
            try:
                stance = await self._record_same(claim, answered, actor_id)
            except UserFacingError as exc:
                log.warning("suggestion %d: source not recorded: %s", suggestion_id, exc.message)
        return Answered(answered, claim, stance)

    async def _record_same(
        self, claim: ClaimRecord, answered: SuggestionRecord, actor_id: int
    ) -> Stance | None:
        if answered.fact_check_id is not None:
            fc = await self._db.get_fact_check(claim.guild_id, answered.fact_check_id)
            if fc is None:
                return None
            stance = stance_of(fc.rating_name, fc.rating_value, fc.best_rating, fc.worst_rating)
            rating = fc.rating_name or "no rating"
            outcome = await self._evidence.add_described(
                claim,
                url=fc.url,
                stance=stance,
                note=clip_line(
                    f"Fact-check by {fc.publisher or 'unknown publisher'}"
                    f" ({fc.published or 'undated'}): {rating}",
                    300,
                ),
                added_by=actor_id,
                title=fc.title or clip_line(fc.claim_reviewed, 200),
                site_name=fc.publisher,
                published_at=fc.published,
            )
            return outcome.record.stance  # a link already there keeps its stance
        if answered.matched_claim_id is None:
            return None
        earlier = await self._db.get_claim(claim.guild_id, answered.matched_claim_id)
        if earlier is None or earlier.message_id is None or earlier.channel_id is None:
            return None
        outcome = await self._evidence.add_described(
            claim,
            url=jump_url(earlier.guild_id, earlier.channel_id, earlier.message_id),
            stance=stance_of_claim(earlier),
            note=f"Same as claim #{earlier.number}",
            added_by=actor_id,
            title=clip_line(f"Claim #{earlier.number}: {earlier.text}", 200),
            site_name="This server's review",
            published_at=None,
        )
        return outcome.record.stance


def answer_buttons(suggestion_id: int) -> discord.ui.View:
    """The two buttons, sent as components only: presses are handled by custom id (the
    SuggestionButton of cogs/suggestions.py), so they work after a restart too."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label="Same claim",
            style=discord.ButtonStyle.success,
            custom_id=custom_id(suggestion_id, SAME),
        )
    )
    view.add_item(
        discord.ui.Button(
            label="Not the same",
            style=discord.ButtonStyle.secondary,
            custom_id=custom_id(suggestion_id, NOT_SAME),
        )
    )
    view.stop()  # not kept in discord.py's view store: the dynamic item answers
    return view
