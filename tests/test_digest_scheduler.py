"""The digest's storage and scheduler, with a clock the test moves: due once, missed periods
folded into one digest, at most once per scheduled time, refusals reported and not retried,
one server's failure never holding up another's."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.digest import DAY, DigestSchedule, latest_due, next_due
from bot.core.records import GuildConfig, NewClaim, NewDocument
from bot.core.shards import UNSHARDED
from bot.services.digests import DigestRefused, DigestScheduler
from bot.services.guild_configs import GuildConfigs
from bot.storage import Database
from tests.support.clock import ManualClock

HOME, RIVAL, QUIET = 111, 222, 333
ADMIN = 5
DAILY = DigestSchedule("daily", "09:00", "UTC")  # no DST: periods are whole days


async def add(db: Database, guild_id: int, *texts: str) -> list[int]:
    document = NewDocument(guild_id=guild_id, submitter_id=9, kind="text", content_hash=texts[0])
    claims = [NewClaim(text=t, normalized=t.casefold()) for t in texts]
    _, created, _ = await db.store_submission(document, claims, origin_url=None, origin_title=None)
    return [claim.id for claim in created]


def run_sql(path: Path, sql: str, *params: Any) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "digests.db")
    yield database
    await database.close()


class Outbox:
    """The scheduler's send and refusal report; `refuse`/`fail` make a guild's post fail."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int, dict[str, Any]]] = []
        self.reported: list[tuple[int, str, str]] = []
        self.refuse: set[int] = set()
        self.fail: set[int] = set()

    async def send(self, guild_id: int, channel_id: int, embed: dict[str, Any]) -> None:
        if guild_id in self.refuse:
            raise DigestRefused("Missing Access")
        if guild_id in self.fail:
            raise RuntimeError("an outage")
        self.sent.append((guild_id, channel_id, embed))

    async def report(self, config: GuildConfig, what: str, error: str) -> None:
        self.reported.append((config.guild_id, what, error))


async def scheduler(db: Database, clock: ManualClock, outbox: Outbox) -> DigestScheduler:
    configs = GuildConfigs(db)
    for guild in (HOME, RIVAL, QUIET):
        await configs.save(GuildConfig(guild, review_channel_id=guild + 1), actor_id=ADMIN)
    return DigestScheduler(db, configs, outbox.send, outbox.report, shards=UNSHARDED, clock=clock)


def description(start: float, end: float) -> str:
    return f"From <t:{int(start)}:f> to <t:{int(end)}:f>."


async def test_a_digest_is_sent_once_at_its_time(db: Database) -> None:
    start = time.time()
    clock, outbox = ManualClock(start), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    assert first is not None and first == next_due(DAILY, start)
    assert await digests.run_due() == first
    assert outbox.sent == []  # setting a schedule never posts at once

    clock.advance_to(first)
    assert await digests.run_due() == first + DAY
    assert [(guild, channel) for guild, channel, _ in outbox.sent] == [(HOME, HOME + 1)]
    assert outbox.sent[0][2]["description"] == description(first - DAY, first)
    clock.advance(3600)
    await digests.run_due()
    assert len(outbox.sent) == 1
    state = await db.digest_state(HOME)
    assert (state.last_sent_for, state.covered_until) == (first, first)
    audit = await db.audit_entries(HOME)
    assert audit[0]["action"] == "digest"
    assert audit[0]["detail"] == {
        "cadence": "daily",
        "time_of_day": "09:00",
        "timezone": "UTC",
        "weekday": 0,
        "stale_after_days": 7,
    }


async def test_missed_periods_make_one_digest_covering_them_all(db: Database) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    assert first is not None
    clock.advance_to(first)
    await digests.run_due()
    clock.advance(4 * DAY + 60)  # four digests missed
    await digests.run_due()
    await digests.run_due()
    latest = latest_due(DAILY, clock.now())
    assert len(outbox.sent) == 2
    assert outbox.sent[1][2]["description"] == description(first, latest)


async def test_a_refused_digest_is_reported_not_retried_and_others_still_go(
    db: Database,
) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    await digests.save(RIVAL, DAILY, actor_id=ADMIN)
    await digests.save(QUIET, DAILY, actor_id=ADMIN)
    assert first is not None
    outbox.refuse.add(HOME)
    outbox.fail.add(RIVAL)
    clock.advance_to(first)
    await digests.run_due()
    await digests.run_due()
    assert outbox.reported == [(HOME, "post the digest", "Missing Access")]
    assert [guild for guild, _, _ in outbox.sent] == [QUIET]

    outbox.refuse.clear()
    outbox.fail.clear()
    clock.advance(DAY)
    await digests.run_due()
    sent = {guild: embed["description"] for guild, _, embed in outbox.sent[1:]}
    # The refused and failed periods are folded into the next digest; nothing is lost.
    assert sent == {
        HOME: description(first - DAY, first + DAY),
        RIVAL: description(first - DAY, first + DAY),
        QUIET: description(first, first + DAY),
    }


async def test_a_schedule_that_no_longer_reads_holds_up_no_other(db: Database) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    assert first is not None
    # A zone a later tz database dropped: stored once, unreadable now.
    gone = DigestSchedule("daily", "09:00", "Atlantis/Poseidonia")
    await db.save_digest_schedule(RIVAL, gone, actor_id=ADMIN, last_sent_for=None)
    clock.advance_to(first)
    assert await digests.run_due() == first + DAY
    assert [guild for guild, _, _ in outbox.sent] == [HOME]


async def test_a_scheduled_time_taken_before_a_crash_is_never_sent_again(db: Database) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    assert first is not None
    clock.advance_to(first)
    # The bot stored the time, then stopped before the post: at most once, so it is lost.
    assert await db.claim_digest_slot(HOME, first) is True
    assert await db.claim_digest_slot(HOME, first) is False
    restarted = await scheduler(db, clock, outbox)
    await restarted.run_due()
    assert outbox.sent == []


async def test_turning_the_digest_off_stops_it(db: Database) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    first = await digests.save(HOME, DAILY, actor_id=ADMIN)
    assert first is not None
    assert await digests.save(HOME, DigestSchedule("off"), actor_id=ADMIN) is None
    clock.advance_to(first + 3 * DAY)
    assert await digests.run_due() is None
    assert outbox.sent == []
    assert await db.active_digests(UNSHARDED) == []


async def test_the_loop_sleeps_on_the_clock_and_wakes_for_a_new_schedule(db: Database) -> None:
    clock, outbox = ManualClock(time.time()), Outbox()
    digests = await scheduler(db, clock, outbox)
    digests.start()
    try:
        await wait_for(lambda: digests.passes == 1 and clock.sleepers == 1)
        first = await digests.save(HOME, DAILY, actor_id=ADMIN)  # wakes the loop
        assert first is not None
        await wait_for(lambda: digests.passes == 2 and clock.sleepers == 1)
        clock.advance_to(first - 1)
        await wait_for(lambda: digests.passes == 3 and clock.sleepers == 1)
        assert (outbox.sent, digests.looked_at) == ([], first - 1)
        clock.advance_to(first)
        await wait_for(lambda: digests.passes == 4 and clock.sleepers == 1)
        assert [guild for guild, _, _ in outbox.sent] == [HOME]
    finally:
        await digests.close()
    assert clock.sleepers == 0


async def wait_for(predicate: Any, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Poll until the scheduler gets there: its passes wait on the database thread, which a
    busy machine may keep for a while (a count of loop ticks gave up too early)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("the scheduler did not get there")
        await asyncio.sleep(0.002)


async def test_figures_count_the_period_and_stay_in_their_server(
    db: Database, tmp_path: Path
) -> None:
    now = time.time()
    old, decided, waiting, fresh = await add(db, HOME, "Old.", "Decided.", "Waiting.", "Fresh.")
    (rival,) = await add(db, RIVAL, "Rival claim.")
    path = tmp_path / "digests.db"
    run_sql(path, "UPDATE claims SET created_at = ? WHERE id = ?", now - 10 * DAY, old)
    run_sql(path, "UPDATE claims SET created_at = ? WHERE id = ?", now - 2 * DAY, waiting)
    run_sql(path, "UPDATE claims SET created_at = ? WHERE id = ?", now - 10 * DAY, rival)
    await db.save_statuses(
        [
            (decided, "verified_true", 0.8, "", False, "consensus"),
            (waiting, "needs_review", 0.1, "", False, "quorum"),
            (rival, "likely_false", 0.6, "", False, "consensus"),
        ]
    )
    for reviewer, claim, vote, age in [
        (7, decided, "supported", 0.5),
        (7, decided, "refuted", 0.4),  # a changed vote: still one claim
        (7, waiting, "supported", 0.3),
        (8, decided, "supported", 0.2),
        (8, fresh, None, 0.1),  # a retraction is no vote
        (9, old, "refuted", 3.0),  # before the period
    ]:
        run_sql(
            path,
            "INSERT INTO vote_events (guild_id, claim_id, reviewer_id, vote, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            HOME,
            claim,
            reviewer,
            vote,
            now - age * DAY,
        )

    figures = await db.digest_figures(
        HOME, start=now - DAY, end=now + 60, stale_before=now - 7 * DAY
    )
    assert (figures.new_claims, figures.verdicts) == (2, {"verified_true": 1})
    assert [c.text for c in figures.waiting] == ["Old.", "Waiting.", "Fresh."]
    assert (figures.stale_count, [c.text for c in figures.stale]) == (1, ["Old."])
    assert figures.reviewers == ((7, 2), (8, 1))

    stale, total = await db.stale_claims(
        HOME, created_before=now - DAY, submitter_id=None, offset=0, limit=10
    )
    assert ([c.text for c in stale], total) == (["Old.", "Waiting."], 2)
    assert await db.stale_claims(
        HOME, created_before=now - DAY, submitter_id=1, offset=0, limit=10
    ) == ([], 0)
    rival_figures = await db.digest_figures(
        RIVAL, start=now - DAY, end=now + 60, stale_before=now - 7 * DAY
    )
    assert (rival_figures.new_claims, rival_figures.verdicts) == (0, {"likely_false": 1})
    assert (rival_figures.waiting, rival_figures.stale_count) == ((), 0)
