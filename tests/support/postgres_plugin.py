"""Pytest side of the throwaway PostgreSQL cluster: the `postgres` marker, its fixtures, and
the rule for a machine without PostgreSQL.

A test that needs PostgreSQL asks for `postgres_url` (a fresh database of its own) and is
marked `postgres` for it. Where PostgreSQL is missing, such tests are skipped, and the
terminal summary says so in one red line with the count: a quiet skip would let a run look
green while the PostgreSQL backend went untested. With CLAIMBOT_TEST_POSTGRES=require
(`.ci/run` sets it) they fail instead. Each xdist worker starts its own cluster, the first
time one of its tests needs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.postgres import BIN_VARIABLE, Cluster, PostgresUnavailable, find_bin_dir

MODE_VARIABLE = "CLAIMBOT_TEST_POSTGRES"
MODES = ("auto", "require")
FIXTURES = ("postgres_url", "postgres_cluster")

NOT_FOUND = "PostgreSQL not found"
INSTALL_HINT = "install postgresql (Debian: apt-get install postgresql)"
REQUIRED = (
    f"{NOT_FOUND}, and {MODE_VARIABLE}=require: {INSTALL_HINT}, "
    f"or set {BIN_VARIABLE} to the directory of initdb, pg_ctl and postgres"
)

_bin_dir = pytest.StashKey[Path | None]()
_mode = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "postgres: needs a PostgreSQL server (the postgres_url fixture); skipped with a loud "
        f"summary line where it is missing, failed under {MODE_VARIABLE}=require",
    )
    mode = os.environ.get(MODE_VARIABLE, "").strip().lower() or "auto"
    if mode not in MODES:
        raise pytest.UsageError(f"{MODE_VARIABLE} must be unset or 'require', not {mode!r}")
    config.stash[_mode] = mode
    config.stash[_bin_dir] = find_bin_dir()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the database is marked, so `-m postgres` selects exactly them."""
    for item in items:
        if any(name in getattr(item, "fixturenames", ()) for name in FIXTURES):
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        _require_binaries(item.config)


def _require_binaries(config: pytest.Config) -> Path:
    found = config.stash[_bin_dir]
    if found is not None:
        return found
    if config.stash[_mode] == "require":
        pytest.fail(REQUIRED, pytrace=False)
    pytest.skip(NOT_FOUND)


@pytest.fixture(scope="session")
def postgres_cluster(pytestconfig: pytest.Config) -> Iterator[Cluster]:
    """This worker's cluster. Found but failing to start is an error, never a skip."""
    bin_dir = _require_binaries(pytestconfig)
    cluster = Cluster(bin_dir)
    problem = None
    try:
        cluster.start()
    except PostgresUnavailable as exc:
        problem = f"PostgreSQL found in {bin_dir} but unusable: {exc}"
    try:
        if problem:
            pytest.fail(problem, pytrace=False)  # outside `except`: the cause once, no chain
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """A `postgresql://` URL of an empty database that only this test sees."""
    with postgres_cluster.database() as url:
        yield url


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line when PostgreSQL tests did not run (on xdist, the reports of all workers)."""
    stats = terminalreporter.stats
    skipped = sum(1 for report in stats.get("skipped", []) if _says_not_found(report))
    failed = sum(
        1
        for kind in ("failed", "error")
        for report in stats.get(kind, [])
        if _says_not_found(report)
    )
    if skipped:
        terminalreporter.write_line(
            f"{NOT_FOUND}: {skipped} tests did not run; {INSTALL_HINT}, or set "
            f"{MODE_VARIABLE}=require to make its absence fail the run",
            red=True,
            bold=True,
        )
    if failed:
        terminalreporter.write_line(
            f"{NOT_FOUND}: {failed} tests failed ({MODE_VARIABLE}=require); {INSTALL_HINT}",
            red=True,
            bold=True,
        )


def _says_not_found(report: object) -> bool:
    return NOT_FOUND in str(getattr(report, "longrepr", "") or "")
