"""Where PostgreSQL is missing, its tests say so: skipped with one red summary line, or failed
under CLAIMBOT_TEST_POSTGRES=require; where it is present, each test gets its own database.
Each case runs pytest inside the test (pytester), with the plugin as the suite loads it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.postgres import BIN_VARIABLE, PROGRAMS
from tests.support.postgres_plugin import MODE_VARIABLE, REQUIRED

# The plugin alone: the suite's other plugins only slow the inner runs down.
PLUGIN = (
    *("-p", "tests.support.postgres_plugin"),
    *("-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:hypothesispytest", "-p", "no:xdist"),
    "-rN",  # no short summary: pytest 9 repeats multi-line messages there
)

TESTS = """
import psycopg
import pytest

def test_one_makes_a_table(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE leftover (id integer)")

def test_two_does_not_see_it(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        found = conn.execute("SELECT to_regclass('leftover') IS NULL").fetchone()
    assert found == (True,)

def test_without_the_database():
    pass
"""

ABSENT_LINE = (
    "PostgreSQL not found: 2 tests did not run; install postgresql (Debian: apt-get install "
    "postgresql), or set CLAIMBOT_TEST_POSTGRES=require to make its absence fail the run"
)


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without PostgreSQL: its programs are looked for in an empty directory only."""
    empty = tmp_path / "no-postgres"
    empty.mkdir()
    monkeypatch.setenv(BIN_VARIABLE, str(empty))


@pytest.mark.usefixtures("nowhere")
def test_absent_postgres_skips_its_tests_and_says_so(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    pytester.makepyfile(TESTS)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, skipped=2)
    assert result.outlines.count(ABSENT_LINE) == 1


@pytest.mark.usefixtures("nowhere")
def test_absent_postgres_fails_when_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODE_VARIABLE, "require")
    pytester.makepyfile(TESTS)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1, errors=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert sum(REQUIRED in line for line in result.outlines) == 2
    assert (
        "PostgreSQL not found: 2 tests failed (CLAIMBOT_TEST_POSTGRES=require); install "
        "postgresql (Debian: apt-get install postgresql)"
    ) in result.outlines
    assert ABSENT_LINE not in result.outlines


def test_an_unknown_mode_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODE_VARIABLE, "sometimes")
    pytester.makepyfile(TESTS)
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.errlines == [
        "ERROR: CLAIMBOT_TEST_POSTGRES must be unset or 'require', not 'sometimes'",
        "",
    ]


@pytest.mark.postgres
def test_present_postgres_gives_each_test_its_own_database(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real fixture in a session of its own (which starts its own cluster): run in this
    order, the second test would see the first one's table if they shared a database. Only
    the tests that ask for the database are marked `postgres`."""
    monkeypatch.setenv(MODE_VARIABLE, "require")
    pytester.makepyfile(TESTS)
    result = pytester.runpytest(*PLUGIN, "-m", "postgres")
    result.assert_outcomes(passed=2, deselected=1)
    assert not any("PostgreSQL not found" in line for line in result.outlines)


def test_postgres_found_but_failing_is_an_error_not_a_skip(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An initdb that fails: the tests that need it error with its output, in auto mode too."""
    # Readable by the postgres user, who runs these programs when the tests run as root.
    broken = Path(tempfile.mkdtemp(prefix="claimbot-broken-pg-", dir="/tmp"))
    try:
        broken.chmod(0o755)
        for name in PROGRAMS:
            program = broken / name
            program.write_text("#!/bin/sh\necho 'initdb: cannot bootstrap here' >&2\nexit 3\n")
            program.chmod(0o755)
        monkeypatch.setenv(BIN_VARIABLE, str(broken))
        monkeypatch.delenv(MODE_VARIABLE, raising=False)
        pytester.makepyfile(TESTS)
        result = pytester.runpytest(*PLUGIN)
    finally:
        shutil.rmtree(broken)
    result.assert_outcomes(passed=1, errors=2)
    expected = f"PostgreSQL found in {broken} but unusable: initdb failed (exit 3):"
    assert result.outlines.count(expected) == 2
    assert result.outlines.count("initdb: cannot bootstrap here") == 2
    assert not any("PostgreSQL not found" in line for line in result.outlines)
