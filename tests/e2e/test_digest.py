"""`/claimbot digest`, the digest itself and `/claim list status:stale`, end to end. The
scheduler's clock is a ManualClock the tests move: nothing sleeps for real time."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.app.client import ClaimBot
from bot.core.digest import DAY, DigestSchedule, next_due
from bot.core.records import ClaimRecord
from bot.core.render import jump_url
from tests.fake_discord.state import JSON
from tests.support.clock import ManualClock
from tests.support.world import BotRunner, World, add_claim, build_world, setup_review

FERRIES = "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries."
BRIDGE = "The Lindqvist bridge carried 41,000 vehicles a day in 2024, up 12% from 2023."
SCHOOLS = "Harrow county closed 14 rural schools between 2015 and 2022."
HARBOUR = "The Elmsford harbour dredging cost 8.2 million euros in 2023."
NOT_MODERATOR = "Only moderators can change the digest (the moderator role or Manage Server)."
TIME_HELP = "Give the time as HH:MM on a 24-hour clock, e.g. 09:00 or 18:30."


@pytest.fixture
def clock(runner: BotRunner) -> ManualClock:
    fake_clock = ManualClock(time.time())
    runner.bot_options["clock"] = fake_clock
    return fake_clock


def slot_in_hours(clock: ManualClock, hours: float) -> tuple[str, float]:
    """A daily time (UTC) about `hours` ahead, and when it falls."""
    at = datetime.fromtimestamp(clock.now() + hours * 3600, UTC).replace(second=0, microsecond=0)
    return at.strftime("%H:%M"), at.timestamp()


def digests(world: World) -> list[JSON]:
    return [
        m
        for m in world.review_messages()
        if m["author"]["id"] == str(world.fake.bot_user_id)
        and m["embeds"]
        and m["embeds"][0].get("title", "").endswith(" digest")
    ]


def bot_messages(world: World, channel_id: int) -> list[str]:
    return [
        m["content"]
        for m in world.fake.messages_in(channel_id)
        if m["author"]["id"] == str(world.fake.bot_user_id)
    ]


async def vote(world: World, claim: ClaimRecord, reviewer: int, emoji: str) -> None:
    assert claim.message_id is not None
    await world.fake.user_add_reaction(reviewer, world.review_channel_id, claim.message_id, emoji)


def link(claim: ClaimRecord) -> str:
    assert claim.channel_id is not None and claim.message_id is not None
    return jump_url(claim.guild_id, claim.channel_id, claim.message_id)


def fields(message: JSON) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message["embeds"][0]["fields"]}


async def set_daily(world: World, time_of_day: str) -> None:
    rec = await world.slash(
        world.moderator,
        "claimbot digest",
        {"schedule": "daily", "time": time_of_day, "timezone": "UTC"},
    )
    assert rec.callback["data"]["content"].startswith("Saved. Digest: daily at ")


async def advance(world: World, bot: ClaimBot, clock: ManualClock, moment: float) -> None:
    """Move the clock while the scheduler sleeps, then wait for its pass at the new time
    (a pass already under way would have read the time before)."""
    await world.fake.wait_for(lambda: bot.digests.asleep)
    clock.advance_to(moment)
    await looked(world, bot, clock)


async def looked(world: World, bot: ClaimBot, clock: ManualClock) -> None:
    """Until the scheduler has made a pass at the clock's current time."""
    await world.fake.wait_for(
        lambda: bot.digests.looked_at is not None and bot.digests.looked_at >= clock.now()
    )


async def test_a_moderator_sets_the_digest_and_bad_input_gets_one_line(
    runner: BotRunner, world: World, clock: ManualClock
) -> None:
    bot = await runner.start()
    await setup_review(world)

    refused = await world.slash(world.reviewers[0], "claimbot digest", {"schedule": "daily"})
    assert (refused.callback["data"]["content"], refused.ephemeral) == (NOT_MODERATOR, True)

    weekly = DigestSchedule("weekly", "18:30", "Europe/Paris", weekday=4, stale_after_days=3)
    saved = await world.slash(
        world.moderator,
        "claimbot digest",
        {
            "schedule": "weekly",
            "time": "18:30",
            "timezone": "europe/paris",
            "weekday": 4,
            "stale_after": 3,
        },
    )
    setting = (
        "Digest: weekly on Friday at 18:30 (Europe/Paris), in the review channel; next "
        f"<t:{int(next_due(weekly, clock.now()))}:f>. Claims open longer than 3 days are stale."
    )
    assert saved.callback["data"]["content"] == f"Saved. {setting}"

    bad_zone = await world.slash(world.moderator, "claimbot digest", {"timezone": "Mars/Base"})
    assert bad_zone.callback["data"]["content"] == (
        "Unknown timezone “Mars/Base”: use an IANA name such as Europe/Paris or "
        "America/New_York (the box suggests them as you type)."
    )
    bad_time = await world.slash(world.moderator, "claimbot digest", {"time": "25:00"})
    assert bad_time.callback["data"]["content"] == TIME_HELP
    assert (await bot.db.digest_state(world.guild_id)).schedule == weekly

    typed = await world.fake.invoke_autocomplete(
        world.guild_id,
        world.general_channel_id,
        world.moderator,
        "claimbot digest",
        focused="timezone",
        value="paris",
    )
    await typed.wait_response()
    assert typed.choices == [{"name": "Europe/Paris", "value": "Europe/Paris"}]

    shown = await world.slash(world.moderator, "claimbot digest")
    assert shown.callback["data"]["content"] == setting
    settings = await world.slash(world.outsider, "claimbot settings")
    assert settings.callback["data"]["content"].splitlines()[-1] == setting

    off = await world.slash(world.moderator, "claimbot digest", {"schedule": "off"})
    assert off.callback["data"]["content"] == (
        "Saved. Digest: off. Claims open longer than 3 days are stale."
    )
    audit = await bot.db.audit_entries(world.guild_id)
    assert [(e["actor_id"], e["action"]) for e in audit[:3]] == [
        (world.moderator, "digest"),
        (world.moderator, "digest"),
        (world.reviewers[0], "denied_digest"),
    ]
    assert audit[0]["detail"]["cadence"] == "off"
    assert audit[1]["detail"] == {
        "cadence": "weekly",
        "time_of_day": "18:30",
        "timezone": "Europe/Paris",
        "weekday": 4,
        "stale_after_days": 3,
    }
    await advance(world, bot, clock, clock.now() + 14 * DAY)
    assert digests(world) == []


async def test_a_digest_at_its_time_shows_its_server_and_pings_nobody(
    runner: BotRunner, world: World, clock: ManualClock
) -> None:
    rival = build_world(world.fake, "Rival")
    bot = await runner.start()
    await setup_review(world)
    await setup_review(rival)
    ferries = await add_claim(world, bot, FERRIES)
    bridge = await add_claim(world, bot, BRIDGE)
    schools = await add_claim(world, bot, SCHOOLS)
    harbour = await add_claim(rival, bot, HARBOUR)
    r1, r2, r3 = world.reviewers
    for reviewer in (r1, r2, r3):
        await vote(world, ferries, reviewer, "✅")
    await vote(world, bridge, r2, "❌")
    await vote(rival, harbour, rival.reviewers[0], "❓")
    await runner.settle()
    time_of_day, slot = slot_in_hours(clock, 3.5)
    await set_daily(world, time_of_day)
    await set_daily(rival, time_of_day)

    await advance(world, bot, clock, slot - 60)
    assert digests(world) == [] and digests(rival) == []
    await advance(world, bot, clock, slot)
    assert len(digests(world)) == 1 and len(digests(rival)) == 1

    (home,) = digests(world)
    assert home["embeds"][0]["title"] == "Daily digest"
    assert home["embeds"][0]["description"] == (
        f"From <t:{int(slot - DAY)}:f> to <t:{int(slot)}:f>."
    )

    assert fields(home) == {
        "New claims": "3 new claims.",
        "Verdicts reached": "🟢 Likely true: 1",
        "Waiting longest": (
            f"• [#2](<{link(bridge)}>) The Lindqvist bridge carried 41,000 vehicles"
            " a day in 2024, up 12% from 2023. · waiting 3 h\n"
            f"• [#3](<{link(schools)}>) Harrow county closed 14 rural schools"
            " between 2015 and 2022. · waiting 3 h"
        ),
        "Stale (open longer than 7 days)": "No stale claims.",
        "Most active reviewers": f"• <@{r2}>: 2 claims\n• <@{r1}>: 1 claim\n• <@{r3}>: 1 claim",
    }
    assert home["allowed_mentions"] == {"parse": []}

    (theirs,) = digests(rival)
    assert fields(theirs) == {
        "New claims": "1 new claim.",
        "Verdicts reached": "None in this period.",
        "Waiting longest": (
            f"• [#1](<{link(harbour)}>) The Elmsford harbour dredging cost"
            " 8.2 million euros in 2023. · waiting 3 h"
        ),
        "Stale (open longer than 7 days)": "No stale claims.",
        "Most active reviewers": f"• <@{rival.reviewers[0]}>: 1 claim",
    }
    assert world.fake.bot_messages_pinging() == []


async def test_a_digest_missed_while_down_is_sent_once_at_start(
    runner: BotRunner, world: World, clock: ManualClock
) -> None:
    bot = await runner.start()
    await setup_review(world)
    claim = await add_claim(world, bot, FERRIES)
    time_of_day, slot = slot_in_hours(clock, 3.5)
    await set_daily(world, time_of_day)
    await runner.stop()

    clock.advance_to(slot + 2 * DAY + 3600)  # three digests missed
    bot = await runner.start()
    await looked(world, bot, clock)
    (missed,) = digests(world)
    assert missed["embeds"][0]["description"] == (
        f"From <t:{int(slot - DAY)}:f> to <t:{int(slot + 2 * DAY)}:f>."
    )
    assert fields(missed)["New claims"] == "1 new claim."
    assert fields(missed)["Waiting longest"].endswith(" · waiting 2 d")
    assert claim.message_id is not None
    await runner.stop()

    bot = await runner.start()
    await looked(world, bot, clock)
    await runner.stop()
    assert len(digests(world)) == 1


@pytest.mark.parametrize(
    ("status", "reason", "code"),
    [(403, "Missing Access", 50001), (404, "Unknown Channel", 10003)],
)
async def test_a_refused_digest_is_reported_and_the_scheduler_goes_on(
    runner: BotRunner, world: World, clock: ManualClock, status: int, reason: str, code: int
) -> None:
    bot = await runner.start()
    await world.slash(
        world.admin,
        "claimbot setup",
        {
            "review_channel": world.review_channel_id,
            "moderator_role": world.moderator_role_id,
            "alerts_channel": world.general_channel_id,
        },
    )
    await add_claim(world, bot, FERRIES)
    time_of_day, slot = slot_in_hours(clock, 3.5)
    await set_daily(world, time_of_day)
    world.fake.fail_next(
        "POST",
        rf"/channels/{world.review_channel_id}/messages",
        status,
        json={"message": reason, "code": code},
    )
    await advance(world, bot, clock, slot)
    refusal = (
        f"Discord refused to post the digest: {reason}. "
        f"Check my permissions in <#{world.review_channel_id}>."
    )
    assert bot_messages(world, world.general_channel_id) == [
        f"⚠️ {refusal} Further problems in the next 10 minutes go only to "
        "`/claimbot settings` and the log."
    ]
    await advance(world, bot, clock, slot + 3600)
    assert digests(world) == []  # not retried
    settings = await world.slash(world.outsider, "claimbot settings")
    problem = [
        line
        for line in settings.callback["data"]["content"].splitlines()
        if line.startswith("Last problem")
    ]
    assert len(problem) == 1 and problem[0].endswith(f"): {refusal}")

    await advance(world, bot, clock, slot + DAY)  # the next digest covers both days
    assert len(digests(world)) == 1
    assert digests(world)[0]["embeds"][0]["description"] == (
        f"From <t:{int(slot - DAY)}:f> to <t:{int(slot + DAY)}:f>."
    )
    posts = world.fake.requests_to("POST", rf"/channels/{world.review_channel_id}/messages")
    assert [request.status for request in posts][-2:] == [status, 200]


async def test_claim_list_stale_shows_claims_waiting_longer_than_the_stale_age(
    runner: BotRunner, world: World, clock: ManualClock
) -> None:
    bot = await runner.start()
    await setup_review(world)
    ferries = await add_claim(world, bot, FERRIES)
    bridge = await add_claim(world, bot, BRIDGE)
    schools = await add_claim(world, bot, SCHOOLS)
    for reviewer in world.reviewers:  # a verdict: bridge is no longer open
        await vote(world, bridge, reviewer, "❌")
    await vote(world, schools, world.reviewers[0], "✅")
    await runner.settle()
    rec = await world.slash(world.moderator, "claimbot digest", {"stale_after": 2})
    assert rec.callback["data"]["content"] == (
        "Saved. Digest: off. Claims open longer than 2 days are stale."
    )
    heading = "Claims · Stale (open longer than 2 days), oldest first"

    early = await world.slash(world.outsider, "claim list", {"status": "stale"})
    assert early.final_embeds()[0]["description"] == "No claims match."

    clock.advance(2 * DAY + 60)
    listed = await world.slash(world.outsider, "claim list", {"status": "stale"})
    (embed,) = listed.final_embeds()
    assert embed["title"] == heading
    assert embed["description"].splitlines() == [
        f"• [#1](<{link(ferries)}>) "
        "The Port Averly council voted 9 to 2 on Tuesday to buy three electric ferries. "
        "(Unreviewed)",
        f"• [#3](<{link(schools)}>) "
        "Harrow county closed 14 rural schools between 2015 and 2022. (Needs review)",
    ]
    assert embed["footer"]["text"] == "Page 1 of 1 · 2 claim(s)"
    mine = await world.slash(world.reviewers[0], "claim list", {"status": "stale", "mine": True})
    assert mine.final_embeds()[0]["title"] == f"{heading} · submitted by you"
    assert mine.final_embeds()[0]["description"] == "No claims match."
