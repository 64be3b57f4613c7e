"""Shards: Discord's formula (`shard_of`), the scope a process runs, its settings, the SQL copy
of the formula held equal to the Python one, and the lock per shard."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, load_settings
from bot.core.shards import (
    MAX_SHARD_COUNT,
    UNSHARDED,
    ShardError,
    ShardScope,
    format_shard_ids,
    parse_shard_ids,
    shard_of,
)
from bot.storage import DatabaseInUse, ShardLock, shard_filter
from tests.fake_discord.shards import shard_of as discord_shard_of

SNOWFLAKES = st.integers(min_value=0, max_value=2**63 - 1)


@st.composite
def scopes(draw: st.DrawFn, max_count: int = 64) -> ShardScope:
    count = draw(st.integers(min_value=1, max_value=max_count))
    ids = draw(st.sets(st.integers(min_value=0, max_value=count - 1), min_size=1))
    return ShardScope(count, tuple(sorted(ids)))


# -- the formula ------------------------------------------------------------------------------


def test_shard_of_is_discords_formula_on_known_ids() -> None:
    guild = (5 << 22) | 123  # (guild_id >> 22) == 5
    assert [shard_of(guild, n) for n in (1, 2, 3, 4, 5, 6)] == [0, 1, 2, 1, 0, 5]
    # Discord's docs' example snowflake: its timestamp bits (41944705796) decide, not its low
    # bits; 41944705796 = 16 * 2621544112 + 4.
    assert shard_of(175928847299117063, 16) == 4
    assert shard_of((1 << 22) - 1, 2) == 0  # all low bits set, timestamp 0


@given(SNOWFLAKES, st.integers(min_value=1, max_value=MAX_SHARD_COUNT))
def test_shard_of_equals_the_fake_discords_routing(guild_id: int, count: int) -> None:
    """The bot's copy of the rule and the fake's (which routes the gateway's events) agree."""
    assert shard_of(guild_id, count) == discord_shard_of(guild_id, count)
    assert 0 <= shard_of(guild_id, count) < count


# -- the scope --------------------------------------------------------------------------------


def test_a_scope_owns_its_shards_servers_only() -> None:
    one_of_two = ShardScope(2, (1,))
    assert [one_of_two.owns(k << 22) for k in range(4)] == [False, True, False, True]
    assert not one_of_two.everything
    assert ShardScope.every(3) == ShardScope(3, (0, 1, 2))
    assert ShardScope.every(3).everything
    assert (UNSHARDED.count, UNSHARDED.ids, UNSHARDED.everything) == (1, (0,), True)
    assert ShardScope(4, (0, 1, 3)).only(3) == ShardScope(4, (3,))
    assert ShardScope(4, (0, 1, 3)).name(3) == "shard 3 of 4"


@given(SNOWFLAKES)
def test_the_unsharded_scope_owns_every_server(guild_id: int) -> None:
    assert UNSHARDED.owns(guild_id)


@given(scopes(), SNOWFLAKES)
def test_every_server_has_exactly_one_owner_among_the_shards(
    scope: ShardScope, guild_id: int
) -> None:
    owners = [k for k in range(scope.count) if ShardScope(scope.count, (k,)).owns(guild_id)]
    assert owners == [shard_of(guild_id, scope.count)]
    assert scope.owns(guild_id) == (owners[0] in scope.ids)


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        (0, (0,), "a shard count must be 1 to 10000, not 0"),
        (2, (), "a process runs at least one shard"),
        (2, (2,), "shard 2 is out of range: with 2 shards the ids are 0 to 1"),
        (2, (-1,), "shard -1 is out of range: with 2 shards the ids are 0 to 1"),
        (3, (1, 1), "shard ids must be sorted and each given once: (1, 1)"),
        (3, (2, 1), "shard ids must be sorted and each given once: (2, 1)"),
    ],
)
def test_a_scope_that_cannot_run_is_refused(count: int, ids: tuple[int, ...], message: str) -> None:
    with pytest.raises(ShardError) as raised:
        ShardScope(count, ids)
    assert str(raised.value) == message


def test_only_a_shard_the_process_runs() -> None:
    with pytest.raises(ShardError, match=r"^this process does not run shard 0$"):
        ShardScope(2, (1,)).only(0)


# -- CLAIMBOT_SHARD_IDS -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "ids"),
    [
        ("0", 1, (0,)),
        ("0,1", 2, (0, 1)),
        ("1", 2, (1,)),
        ("0-3", 4, (0, 1, 2, 3)),
        (" 3 , 0-1 ", 8, (0, 1, 3)),
        ("5-5", 6, (5,)),
        ("0-1,5,7-9", 10, (0, 1, 5, 7, 8, 9)),
    ],
)
def test_shard_ids_are_read_as_lists_and_ranges(
    text: str, count: int, ids: tuple[int, ...]
) -> None:
    assert parse_shard_ids(text, count) == ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2", "shard 2 is out of range: with CLAIMBOT_SHARD_COUNT=2 the ids are 0 to 1"),
        ("0-2", "shard 2 is out of range: with CLAIMBOT_SHARD_COUNT=2 the ids are 0 to 1"),
        ("1,1", "shard 1 is given twice"),
        ("0-1,1", "shard 1 is given twice"),
        ("1-0", "the range 1-0 runs backwards: write it 0-1"),
        ("0,,1", "'0,,1' has an empty item: write ids like 0,1 or 0-3"),
        ("0,", "'0,' has an empty item: write ids like 0,1 or 0-3"),
        ("one", "'one' is not a list of shard ids like 0,1 or 0-3"),
        ("-1", "'-1' is not a list of shard ids like 0,1 or 0-3"),
        ("0-", "'0-' is not a list of shard ids like 0,1 or 0-3"),
        ("0-1-2", "'0-1-2' is not a list of shard ids like 0,1 or 0-3"),
        ("١", "'١' is not a list of shard ids like 0,1 or 0-3"),  # an Arabic-Indic one
        ("000001", "'000001' is not a list of shard ids like 0,1 or 0-3"),
    ],
)
def test_shard_ids_that_cannot_be_run_are_one_line(text: str, message: str) -> None:
    with pytest.raises(ShardError) as raised:
        parse_shard_ids(text, 2)
    assert str(raised.value) == message


@given(scopes(max_count=200))
def test_the_label_reads_back_as_the_same_ids(scope: ShardScope) -> None:
    assert parse_shard_ids(scope.label, scope.count) == scope.ids


def test_labels_write_runs_as_ranges() -> None:
    assert [format_shard_ids(ids) for ids in ([0], [0, 1], [0, 1, 2, 3], [0, 2, 3], [3, 1])] == [
        "0",
        "0-1",
        "0-3",
        "0,2-3",
        "1,3",
    ]


def test_huge_shard_id_lists_are_refused_with_one_line() -> None:
    """Only the operator writes these, but a typo of a million characters still ends in a short
    message (how long reading it takes is for benchmarks, never asserted here)."""
    for text in ("0," * 200_000 + "x", "9" * 1_000_000, "0-" * 300_000):
        with pytest.raises(ShardError) as refused:
            parse_shard_ids(text, MAX_SHARD_COUNT)
        assert "\n" not in str(refused.value)
        assert len(str(refused.value)) < 200


# -- the settings -----------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("CLAIMBOT_SHARD_COUNT", "CLAIMBOT_SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_shard_count_is_the_plain_client_and_every_server(env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert (settings.sharded, settings.shards) == (False, UNSHARDED)
    env.setenv("CLAIMBOT_SHARD_COUNT", "")
    env.setenv("CLAIMBOT_SHARD_IDS", "")
    settings = load_settings()
    assert (settings.sharded, settings.shards) == (False, UNSHARDED)


@pytest.mark.parametrize(
    ("count", "ids", "scope"),
    [
        ("2", None, ShardScope(2, (0, 1))),
        ("2", "", ShardScope(2, (0, 1))),
        ("2", "1", ShardScope(2, (1,))),
        ("4", "0-1,3", ShardScope(4, (0, 1, 3))),
        ("1", None, ShardScope(1, (0,))),
    ],
)
def test_a_shard_count_runs_the_given_shards(
    env: pytest.MonkeyPatch, count: str, ids: str | None, scope: ShardScope
) -> None:
    env.setenv("CLAIMBOT_SHARD_COUNT", count)
    if ids is not None:
        env.setenv("CLAIMBOT_SHARD_IDS", ids)
    settings = load_settings()
    assert (settings.sharded, settings.shards) == (True, scope)


@pytest.mark.parametrize(
    ("count", "ids", "message"),
    [
        (
            None,
            "0,1",
            "CLAIMBOT_SHARD_IDS: needs CLAIMBOT_SHARD_COUNT, the number of shards in all "
            "(e.g. CLAIMBOT_SHARD_COUNT=2 CLAIMBOT_SHARD_IDS=1)",
        ),
        (
            "2",
            "0,2",
            "CLAIMBOT_SHARD_IDS: shard 2 is out of range: with CLAIMBOT_SHARD_COUNT=2 the ids "
            "are 0 to 1",
        ),
        ("3", "1,0-1", "CLAIMBOT_SHARD_IDS: shard 1 is given twice"),
        ("0", None, "CLAIMBOT_SHARD_COUNT: Input should be greater than or equal to 1"),
        ("10001", None, "CLAIMBOT_SHARD_COUNT: Input should be less than or equal to 10000"),
        (
            "two",
            "1",
            "CLAIMBOT_SHARD_COUNT: Input should be a valid integer, unable to parse string as "
            "an integer",
        ),
    ],
)
def test_shard_settings_that_cannot_run_are_one_line(
    env: pytest.MonkeyPatch, count: str | None, ids: str | None, message: str
) -> None:
    if count is not None:
        env.setenv("CLAIMBOT_SHARD_COUNT", count)
    if ids is not None:
        env.setenv("CLAIMBOT_SHARD_IDS", ids)
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value) == message


# -- the SQL copy of the formula --------------------------------------------------------------


@pytest.fixture(scope="module")
def sql() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE rows (guild_id INTEGER NOT NULL)")
    return conn


@given(scopes(), st.lists(SNOWFLAKES, min_size=1, max_size=20))
def test_the_sql_filter_is_the_python_rule(
    sql: sqlite3.Connection, scope: ShardScope, guild_ids: list[int]
) -> None:
    """Over random snowflakes, the rows SQLite keeps are exactly those the scope owns (the
    parentheses matter: `%` binds tighter than `>>`)."""
    owned, params = shard_filter(scope)
    sql.execute("DELETE FROM rows")
    sql.executemany("INSERT INTO rows VALUES (?)", [(g,) for g in guild_ids])
    kept = [g for (g,) in sql.execute(f"SELECT guild_id FROM rows WHERE {owned}", params)]
    assert sorted(kept) == sorted(g for g in guild_ids if scope.owns(g))


def test_the_sql_filter_names_its_column_and_is_free_for_every_shard() -> None:
    assert shard_filter(ShardScope(4, (1, 3)), "c.guild_id") == (
        "((c.guild_id >> 22) % ? IN (?, ?))",
        (4, 1, 3),
    )
    assert shard_filter(UNSHARDED) == ("1 = 1", ())
    assert shard_filter(ShardScope.every(3)) == ("1 = 1", ())


# -- the lock per shard -----------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()  # claimbot never creates it (see require_folder)
    return tmp_path / "data" / "bot.db"


def refusal(database: Path, shards: ShardScope) -> str:
    with pytest.raises(DatabaseInUse) as info:
        ShardLock(database, shards).acquire()
    return str(info.value)


PID = f"(pid {os.getpid()})"


def test_an_unsharded_bot_holds_the_database_alone(database: Path) -> None:
    with ShardLock(database, UNSHARDED):
        assert database.with_name("bot.db.lock").read_text() == f"{os.getpid()}\n"
        assert refusal(database, UNSHARDED) == f"another claimbot is running on {database} {PID}."
        assert refusal(database, ShardScope(2, (1,))) == (
            f"another claimbot is running on {database} {PID}."
        )
    with ShardLock(database, UNSHARDED):  # released, so free again
        pass
    assert sorted(p.name for p in database.parent.iterdir()) == ["bot.db.lock"]


def test_two_processes_on_one_shard_the_second_is_refused_naming_it(database: Path) -> None:
    with ShardLock(database, ShardScope(2, (1,))):
        assert database.with_name("bot.db.shard-1-of-2.lock").read_text() == f"{os.getpid()}\n"
        assert database.with_name("bot.db.lock").read_text() == ""  # shared: names nobody
        assert refusal(database, ShardScope(2, (1,))) == (
            f"another claimbot runs shard 1 of 2 on {database} {PID}."
        )
        assert refusal(database, ShardScope(2, (0, 1))) == (
            f"another claimbot runs shard 1 of 2 on {database} {PID}."
        )
        # The refused process took none of its locks: shard 0 is still free.
        with ShardLock(database, ShardScope(2, (0,))):
            pass


def test_different_shards_of_one_count_run_side_by_side(database: Path) -> None:
    with ShardLock(database, ShardScope(4, (0, 1))), ShardLock(database, ShardScope(4, (2,))):
        assert refusal(database, ShardScope(4, (1, 3))) == (
            f"another claimbot runs shard 1 of 4 on {database} {PID}."
        )
        with ShardLock(database, ShardScope(4, (3,))):
            pass


def test_an_unsharded_bot_and_sharded_ones_exclude_each_other(database: Path) -> None:
    with ShardLock(database, ShardScope(2, (1,))):
        assert refusal(database, UNSHARDED) == (
            f"another claimbot runs shard 1 of 2 on {database} {PID}."
        )
    # An unsharded bot's pid, left in the file after it stopped, is not taken for a holder.
    with ShardLock(database, UNSHARDED):
        pass
    with ShardLock(database, ShardScope(2, (0,))):
        assert refusal(database, UNSHARDED) == (
            f"another claimbot runs shard 0 of 2 on {database} {PID}."
        )


def test_another_shard_count_on_the_same_database_is_refused(database: Path) -> None:
    with ShardLock(database, ShardScope(2, (0,))):
        assert refusal(database, ShardScope(3, (1,))) == (
            f"another claimbot runs shard 0 of 2 on {database} {PID}; every process on one "
            "database needs the same CLAIMBOT_SHARD_COUNT."
        )
        # The refused one released what it had taken.
        with ShardLock(database, ShardScope(2, (1,))):
            pass
    # Shard files of a count no longer running hold nobody back.
    with ShardLock(database, ShardScope(3, (1,))):
        pass


def test_a_released_lock_is_taken_over_at_once(database: Path) -> None:
    first = ShardLock(database, ShardScope(2, (0, 1)))
    first.acquire()
    first.release()  # what the kernel does when the process dies, however it dies
    with ShardLock(database, ShardScope(2, (1,))), ShardLock(database, ShardScope(2, (0,))):
        pass
