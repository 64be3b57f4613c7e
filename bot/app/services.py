"""The composition root: every service of the bot, built in one place in dependency order.

Each service is given what it uses (the database, the fetcher, a callback), never the bot,
and each one that holds tasks or connections has its closer registered on the exit stack
as it is built, so shutdown stops them newest first: whatever a service uses is still open
while it stops. Whoever owns the stack opens the database before and disconnects from Discord
in between (bot/app/client.py), as discord.py's `examples/advanced_startup.py` builds
resources outside the client and closes them after it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import discord

from bot.app.health import HealthServer, gateway_problem
from bot.config import Settings
from bot.core.fairness import FetchSlots, LinkRateLimit, TokenBuckets
from bot.core.records import ClaimRecord
from bot.services.background import BackgroundTasks
from bot.services.catch_up import CatchUp
from bot.services.claim_queries import ClaimQueries
from bot.services.clock import Clock
from bot.services.digests import DigestScheduler, channel_sender
from bot.services.evidence import EvidenceService
from bot.services.factcheck_import import FactCheckImporter
from bot.services.factcheck_library import FactCheckLibrary
from bot.services.guild_configs import GuildConfigs
from bot.services.intake import Intake
from bot.services.live_edits import LiveMessages, Pace
from bot.services.llm_extraction import llm_config
from bot.services.metrics import Metrics
from bot.services.moderation import Moderation
from bot.services.publishing import Publishing
from bot.services.reaction_votes import ReactionVotes
from bot.services.review_messages import ReviewPoster
from bot.services.review_queue import ReviewQueue
from bot.services.server_setup import ServerSetup
from bot.services.status_refresh import StatusUpdates
from bot.services.submissions import Submissions
from bot.services.suggestions import Spawn, Suggestions
from bot.services.verdict_notices import VerdictNotices
from bot.services.vote_ingest import VoteIngest
from bot.storage.database import Database
from bot.web.fetcher import SafeFetcher

log = logging.getLogger("claimbot")


@dataclass(frozen=True, slots=True)
class Services:
    db: Database
    configs: GuildConfigs
    background: BackgroundTasks
    fetch_slots: FetchSlots
    review: ReviewPoster
    pace: Pace
    live: LiveMessages
    notices: VerdictNotices
    status: StatusUpdates
    evidence: EvidenceService
    library: FactCheckLibrary
    suggestions: Suggestions
    submissions: Submissions
    intake: Intake
    ingest: VoteIngest
    reactions: ReactionVotes
    fact_check_import: FactCheckImporter
    catch_up: CatchUp
    digests: DigestScheduler
    queue: ReviewQueue
    claims: ClaimQueries
    moderation: Moderation
    server_setup: ServerSetup
    publishing: Publishing
    metrics: Metrics
    health: HealthServer | None


async def build_services(
    settings: Settings,
    db: Database,
    stack: contextlib.AsyncExitStack,
    *,
    client: discord.Client,
    clock: Clock,
    pace_clock: Clock,
    metrics: Metrics,
) -> Services:
    """Build and start every service on `db`, talking to Discord through `client`.

    `clock` is wall time, for what is stored or scheduled (verdict notices, digests, skips,
    stale claims); `pace_clock` never jumps, for what is spaced out (the edit rate, the
    submission and thread-link rates, alerts, retries). Tests pass clocks they move by hand.
    `metrics` is the process's own (the client counts its gateway events and Discord's
    answers into it); `/healthz` and `/metrics` serve it when CLAIMBOT_HEALTH_PORT is set.
    Every service that reads work from the database at start or in the background is given
    the process's shards (`settings.shards`), and does the work of their servers only."""
    shards = settings.shards
    db.on_round_trip = metrics.database_round_trip
    configs = GuildConfigs(db)
    background = BackgroundTasks(log)
    stack.push_async_callback(background.close)
    # One set of fair shares for every fetcher: submissions, evidence and imports alike.
    fetch_slots = FetchSlots()
    metrics.watch_fetches(fetch_slots)

    # The one cycle: a claim's thread gets suggestions; a "Same claim" answer records a
    # source; a source changes the status; a status edits the review message, whose
    # service opens the thread. ReviewPoster is built first and told of threads through
    # this callback, which reaches the suggestions built below (no thread opens before
    # build_services returns: nothing is posted until the bot is connected).
    suggestions: Suggestions | None = None

    def thread_opened(claim: ClaimRecord, thread_id: int) -> None:
        if suggestions is not None:
            suggestions.claim_posted(claim, thread_id)

    review = ReviewPoster(
        client, db, configs, shards=shards, on_thread=thread_opened, clock=pace_clock
    )
    stack.push_async_callback(review.close)
    pace = Pace(settings.edits_per_second, clock=pace_clock)
    live = LiveMessages(review.refresh, interval=settings.edit_interval_seconds, pace=pace)
    stack.push_async_callback(live.close)
    notices = VerdictNotices(
        client,
        db,
        configs,
        review,
        pace,
        shards=shards,
        clock=clock,
        window=settings.notice_window_seconds,
    )
    notices.start()
    stack.push_async_callback(notices.close)
    status = StatusUpdates(
        db, configs.status_settings, notices_due=notices.due_time, edit=live.touch
    )
    evidence = EvidenceService(
        db,
        status.changed,
        configs=configs,
        thread_links=LinkRateLimit(
            settings.thread_links_per_window, settings.thread_link_window_seconds
        ),
        shards=shards,
        clock=pace_clock,
        slots=fetch_slots,
        snapshot_bounds=settings.snapshot_bounds,
        wall_clock=clock,
    )
    stack.push_async_callback(evidence.close)
    evidence.snapshots.start(settings.recheck_interval_seconds)
    library = FactCheckLibrary(db, clock=clock, shards=shards)
    background.start(library.load(), name="factcheck-library")
    library.start(settings.library_poll_seconds)
    stack.push_async_callback(library.close)
    suggestions = Suggestions(db, library, evidence, review, client, _spawner(background))
    submissions = Submissions(
        db,
        review,
        max_claims=settings.max_claims_per_submission,
        llm=llm_config(settings),
        probably_same=suggestions.probably_same,
    )
    intake = Intake(
        configs,
        submissions,
        SafeFetcher(slots=fetch_slots),
        claims=TokenBuckets(settings.add_burst, settings.add_interval_seconds),
        articles=TokenBuckets(settings.article_burst, settings.article_interval_seconds),
        clock=pace_clock,
    )
    stack.push_async_callback(intake.close)
    ingest = VoteIngest(db, status.changed, clock=pace_clock, metrics=metrics)
    ingest.start()
    stack.push_async_callback(ingest.stop)
    # Each import builds and saves the index of the scope it went into.
    fact_check_import = FactCheckImporter(db, library, slots=fetch_slots)
    stack.push_async_callback(fact_check_import.close)
    catch_up = CatchUp(
        client, db, configs, review, ingest, live.touch, shards=shards, clock=pace_clock
    )
    stack.push_async_callback(catch_up.close)
    reactions = ReactionVotes(client, review, configs, ingest, catch_up, _spawner(background))
    digests = DigestScheduler(
        db,
        configs,
        channel_sender(client),
        review.report_guild_refusal,
        shards=shards,
        clock=clock,
    )
    digests.start()
    stack.push_async_callback(digests.close)
    # Last, so it reports on every service; closed first, so it never reports on a
    # stopped one.
    health: HealthServer | None = None
    if settings.health_port:
        health = HealthServer(metrics, db, lambda: gateway_problem(client), shards=shards)
        await health.start(settings.health_host, settings.health_port)
        stack.push_async_callback(health.close)
    return Services(
        db=db,
        configs=configs,
        background=background,
        fetch_slots=fetch_slots,
        review=review,
        pace=pace,
        live=live,
        notices=notices,
        status=status,
        evidence=evidence,
        library=library,
        suggestions=suggestions,
        submissions=submissions,
        intake=intake,
        ingest=ingest,
        reactions=reactions,
        fact_check_import=fact_check_import,
        catch_up=catch_up,
        digests=digests,
        queue=ReviewQueue(db, configs, clock=clock),
        claims=ClaimQueries(db, configs, clock=clock),
        moderation=Moderation(db, status.changed),
        server_setup=ServerSetup(db, configs, digests, status),
        publishing=Publishing(db),
        metrics=metrics,
        health=health,
    )


def _spawner(background: BackgroundTasks) -> Spawn:
    def spawn(work: Coroutine[Any, Any, None], name: str) -> None:
        background.start(work, name=name)

    return spawn
