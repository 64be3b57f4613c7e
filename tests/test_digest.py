"""The digest's pure parts: settings parsing, schedule math across DST, and the embed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.digest import (
    DAY,
    DigestFigures,
    DigestSchedule,
    DigestState,
    describe_schedule,
    latest_due,
    next_due,
    parse_time_of_day,
    period_start,
    previous_due,
    render_digest,
    render_digest_settings,
    resolve_timezone,
    timezone_suggestions,
)
from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord

TIME_HELP = "Give the time as HH:MM on a 24-hour clock, e.g. 09:00 or 18:30."


def utc(year: int, month: int, day: int, hour: int, minute: int) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("9:05", "09:05"),
        ("09:05", "09:05"),
        ("23:59", "23:59"),
        ("0:00", "00:00"),
        ("18h30", "18:30"),
    ],
)
def test_times_of_day_are_read_as_hh_mm(typed: str, stored: str) -> None:
    assert parse_time_of_day(typed) == stored


@pytest.mark.parametrize("typed", ["24:00", "9", "12:60", "noon", "", "9:5", "-1:00", "9:00pm"])
def test_other_times_get_the_one_line_help(typed: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        parse_time_of_day(typed)
    assert refused.value.message == TIME_HELP


def test_timezones_are_iana_names_with_their_case_forgiven() -> None:
    assert resolve_timezone("Europe/Paris") == "Europe/Paris"
    assert resolve_timezone(" america/new_york ") == "America/New_York"
    assert resolve_timezone("utc") == "UTC"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Mars/Olympus_Mons", "Mars/Olympus\\_Mons"),
        ("../../etc/passwd", "../../etc/passwd"),
        ("Europe", "Europe"),
        ("**CET**", "\\*\\*CET\\*\\*"),
        ("   ", "(empty)"),
    ],
)
def test_an_unknown_timezone_gets_a_one_line_refusal(typed: str, shown: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        resolve_timezone(typed)
    assert refused.value.message == (
        f"Unknown timezone “{shown}”: use an IANA name such as Europe/Paris or "
        "America/New_York (the box suggests them as you type)."
    )


def test_suggestions_start_with_the_text_then_hold_it() -> None:
    assert timezone_suggestions("paris") == ["Europe/Paris"]
    assert timezone_suggestions("Europe/Par") == ["Europe/Paris"]
    assert timezone_suggestions("new york") == ["America/New_York"]
    found = timezone_suggestions("america/")
    assert len(found) == 25 and all(name.startswith("America/") for name in found)
    assert timezone_suggestions("no such place") == []


def test_schedules_read_as_a_sentence() -> None:
    assert describe_schedule(DigestSchedule()) == "off"
    daily = DigestSchedule("daily", "18:30", "Asia/Kolkata")
    assert describe_schedule(daily) == "daily at 18:30 (Asia/Kolkata)"
    weekly = DigestSchedule("weekly", "09:00", "Europe/Paris", weekday=4, stale_after_days=1)
    assert describe_schedule(weekly) == "weekly on Friday at 09:00 (Europe/Paris)"
    assert render_digest_settings(weekly, 1_800_000_000.0) == (
        "Digest: weekly on Friday at 09:00 (Europe/Paris), in the review channel; next "
        "<t:1800000000:f>. Claims open longer than 1 day are stale."
    )
    assert render_digest_settings(DigestSchedule(), None) == (
        "Digest: off. Claims open longer than 7 days are stale."
    )


# -- schedule math ----------------------------------------------------------------------

NEW_YORK_DAILY = DigestSchedule("daily", "09:00", "America/New_York")


def test_daily_slots_keep_the_wall_clock_time_across_the_spring_change() -> None:
    # New York moves from EST (-5) to EDT (-4) on Sunday 8 March 2026.
    saturday = utc(2026, 3, 7, 14, 0)  # 09:00 EST
    sunday = utc(2026, 3, 8, 13, 0)  # 09:00 EDT: 23 hours later
    assert next_due(NEW_YORK_DAILY, utc(2026, 3, 7, 12, 0)) == saturday
    assert next_due(NEW_YORK_DAILY, saturday) == sunday
    assert latest_due(NEW_YORK_DAILY, sunday) == sunday
    assert latest_due(NEW_YORK_DAILY, sunday - 1) == saturday
    assert previous_due(NEW_YORK_DAILY, sunday) == saturday


def test_daily_slots_keep_the_wall_clock_time_across_the_autumn_change() -> None:
    # Back to EST on Sunday 1 November 2026: 25 hours between the two slots.
    saturday = utc(2026, 10, 31, 13, 0)
    assert next_due(NEW_YORK_DAILY, saturday) == utc(2026, 11, 1, 14, 0)


def test_a_time_the_clocks_skip_is_posted_as_late_after_the_change() -> None:
    night = DigestSchedule("daily", "02:30", "America/New_York")
    # 02:30 does not exist on 8 March: it is posted at 03:30 EDT (07:30 UTC).
    assert next_due(night, utc(2026, 3, 8, 0, 0)) == utc(2026, 3, 8, 7, 30)
    assert next_due(night, utc(2026, 3, 8, 7, 30)) == utc(2026, 3, 9, 6, 30)


def test_a_time_that_occurs_twice_is_posted_at_its_first_occurrence() -> None:
    night = DigestSchedule("daily", "01:30", "America/New_York")
    first = utc(2026, 11, 1, 5, 30)  # 01:30 EDT; 01:30 EST would be 06:30 UTC
    assert next_due(night, utc(2026, 11, 1, 0, 0)) == first
    assert next_due(night, first) == utc(2026, 11, 2, 6, 30)


def test_weekly_slots_fall_on_their_weekday() -> None:
    mondays = DigestSchedule("weekly", "09:00", "Europe/Paris", weekday=0)
    wednesday = utc(2026, 12, 2, 12, 0)
    assert next_due(mondays, wednesday) == utc(2026, 12, 7, 8, 0)  # 09:00 CET
    assert latest_due(mondays, wednesday) == utc(2026, 11, 30, 8, 0)
    # Across the spring change, a week is 7 days minus an hour.
    assert next_due(mondays, utc(2026, 3, 23, 8, 0)) == utc(2026, 3, 30, 7, 0)


def test_a_first_digest_covers_one_period_then_since_the_last_delivered() -> None:
    slot = utc(2026, 3, 8, 13, 0)
    fresh = DigestState(1, NEW_YORK_DAILY, last_sent_for=utc(2026, 3, 7, 14, 0))
    assert period_start(fresh, slot) == utc(2026, 3, 7, 14, 0)
    three_days = DigestState(1, NEW_YORK_DAILY, covered_until=utc(2026, 3, 5, 14, 0))
    assert period_start(three_days, slot) == utc(2026, 3, 5, 14, 0)


ZONES = [
    "UTC",
    "America/New_York",
    "America/Santiago",  # changes at midnight
    "America/St_Johns",  # half-hour offset
    "Europe/London",
    "Europe/Paris",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Australia/Sydney",
    "Pacific/Chatham",
]

schedules = st.builds(
    DigestSchedule,
    cadence=st.sampled_from(["daily", "weekly"]),
    time_of_day=st.tuples(st.integers(0, 23), st.integers(0, 59)).map(
        lambda hm: f"{hm[0]:02d}:{hm[1]:02d}"
    ),
    timezone=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
)
moments = st.floats(min_value=utc(2000, 1, 1, 0, 0), max_value=utc(2040, 1, 1, 0, 0))


@settings(max_examples=400, deadline=None)
@given(schedule=schedules, now=moments)
def test_next_due_is_the_next_wall_clock_time_after_now(
    schedule: DigestSchedule, now: float
) -> None:
    upcoming = next_due(schedule, now)
    latest = latest_due(schedule, now)
    period = DAY if schedule.cadence == "daily" else 7 * DAY
    assert latest <= now < upcoming
    assert upcoming - now <= period + 3600  # a DST change lengthens a period by an hour
    assert next_due(schedule, latest) == upcoming  # no slot between the two
    assert previous_due(schedule, upcoming) == latest
    zone = ZoneInfo(schedule.timezone)
    local = datetime.fromtimestamp(upcoming, zone)
    hour, minute = (int(part) for part in schedule.time_of_day.split(":"))
    wanted = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if datetime.fromtimestamp(wanted.timestamp(), zone).replace(tzinfo=None) == wanted.replace(
        tzinfo=None
    ):
        # The wall-clock time exists that day: the slot is exactly it, on its weekday.
        assert (local.hour, local.minute, local.second) == (hour, minute, 0)
        if schedule.cadence == "weekly":
            assert local.weekday() == schedule.weekday
    else:
        # Skipped by a DST change: as late after the change as it was meant to be.
        before = local - timedelta(hours=2)
        gap = local.utcoffset() - before.utcoffset()  # type: ignore[operator]
        shifted = (wanted.replace(tzinfo=None) + gap).time()
        assert (local.hour, local.minute) == (shifted.hour, shifted.minute)


# -- the embed --------------------------------------------------------------------------

NOW = utc(2026, 12, 7, 8, 0)


def claim(
    number: int, *, age_days: float, text: str = "A claim", posted: bool = True
) -> ClaimRecord:
    return ClaimRecord(
        id=number + 100,
        guild_id=7,
        number=number,
        text=text,
        speaker=None,
        language="en",
        score=None,
        reasons=(),
        submitter_id=1,
        origin_url=None,
        origin_title=None,
        channel_id=8 if posted else None,
        message_id=900 + number if posted else None,
        thread_id=None,
        status="unreviewed",
        confidence=0.0,
        explanation="",
        is_final=False,
        created_at=NOW - age_days * DAY,
        updated_at=NOW,
    )


def test_the_digest_embed_shows_every_figure() -> None:
    old = claim(1, age_days=9, text="The **ferry** cost [3](x) million")
    older_unposted = claim(2, age_days=8.5, posted=False)
    recent = claim(5, age_days=0.5)
    figures = DigestFigures(
        start=NOW - 7 * DAY,
        end=NOW,
        new_claims=4,
        verdicts={"verified_true": 2, "likely_false": 1},
        waiting=(old, older_unposted, recent),
        stale_count=7,
        stale=(old, older_unposted),
        reviewers=((42, 5), (43, 1)),
    )
    schedule = DigestSchedule("weekly", "09:00", "Europe/Paris")
    link = "https://discord.com/channels/7/8/901"
    assert render_digest(figures, schedule, now=NOW) == {
        "title": "Weekly digest",
        "description": f"From <t:{int(NOW - 7 * DAY)}:f> to <t:{int(NOW)}:f>.",
        "color": 0x5865F2,
        "fields": [
            {"name": "New claims", "value": "4 new claims."},
            {"name": "Verdicts reached", "value": "🔴 Likely false: 1\n✅ Verified true: 2"},
            {
                "name": "Waiting longest",
                "value": (
                    f"• [#1](<{link}>) The \\*\\*ferry\\*\\* cost \\[3\\]\\(x\\) million"
                    " · waiting 9 d · stale\n"
                    "• #2 A claim · waiting 8 d · stale\n"
                    "• [#5](<https://discord.com/channels/7/8/905>) A claim · waiting 12 h"
                ),
            },
            {
                "name": "Stale (open longer than 7 days)",
                "value": (
                    f"7 open claims: [#1](<{link}>), #2 and 5 more.\n"
                    "`/claim list status:stale` lists them."
                ),
            },
            {"name": "Most active reviewers", "value": "• <@42>: 5 claims\n• <@43>: 1 claim"},
        ],
    }


def test_long_waiting_lines_are_dropped_whole_to_fit_a_field() -> None:
    text = "*" * 90  # every character escaped: the longest line a claim can make
    figures = DigestFigures(
        start=NOW - DAY,
        end=NOW,
        new_claims=0,
        verdicts={},
        waiting=tuple(claim(n, age_days=1, text=text) for n in range(1, 6)),
        stale_count=0,
        stale=(),
        reviewers=(),
    )
    value = render_digest(figures, DigestSchedule("daily"), now=NOW)["fields"][2]["value"]
    lines = value.split("\n")
    assert len(value) <= 1024 and len(lines) == 4
    assert all(line.endswith("\\*" * 90 + " · waiting 1 d") for line in lines)


def test_a_quiet_period_says_so() -> None:
    figures = DigestFigures(
        start=NOW - DAY,
        end=NOW,
        new_claims=1,
        verdicts={},
        waiting=(),
        stale_count=0,
        stale=(),
        reviewers=(),
    )
    embed = render_digest(figures, DigestSchedule("daily", stale_after_days=1), now=NOW)
    assert embed["title"] == "Daily digest"
    assert [field["value"] for field in embed["fields"]] == [
        "1 new claim.",
        "None in this period.",
        "No claim waits for a verdict.",
        "No stale claims.",
        "No votes in this period.",
    ]
    assert embed["fields"][3]["name"] == "Stale (open longer than 1 day)"
