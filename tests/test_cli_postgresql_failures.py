"""A DATABASE_URL that cannot be used, as an operator meets it through `claimbot migrate` and
`claimbot run`: one line naming the server (never the password) and the cause, no traceback,
and the exit code docs/operations.md gives: 3 when the server did not answer (a service
manager tries again), 2 when it answered no (a refused password, no such database, a version
too old), which trying again would not change."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

import bot.storage.postgresql
from tests.support.cli import InProcess
from tests.support.postgres import PASSWORD_ROLE, Cluster
from tests.support.world import TOKEN

COMMANDS = ["migrate", "run"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> InProcess:
    return InProcess(monkeypatch, tmp_path)


def one_line(cli: InProcess, command: str, url: str) -> tuple[int, str]:
    """The exit code and the one stderr line of `command` on `url`; nothing on stdout."""
    result = cli(command, env={"DATABASE_URL": url, "DISCORD_TOKEN": TOKEN})
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    return result.returncode, line


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_host_where_no_server_listens_is_exit_3(cli: InProcess, command: str) -> None:
    url = "postgresql://bot:hunter2@127.0.0.1:1/claims"  # port 1: nothing listens, no network
    code, line = one_line(cli, command, url)
    assert (code, line) == (
        3,
        "claimbot: Cannot use the database postgresql://bot:***@127.0.0.1:1/claims: "
        'connection to server at "127.0.0.1", port 1 failed: Connection refused.',
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_socket_directory_without_a_server_is_exit_3(
    cli: InProcess, tmp_path: Path, command: str
) -> None:
    code, line = one_line(cli, command, f"postgresql://bot:hunter2@/claims?host={tmp_path}")
    assert code == 3
    assert line == (
        "claimbot: Cannot use the database postgresql://bot:***@/claims: connection to server "
        f'on socket "{tmp_path}/.s.PGSQL.5432" failed: No such file or directory.'
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_refused_password_is_exit_2(
    cli: InProcess, postgres_cluster: Cluster, postgres_url: str, command: str
) -> None:
    name = database_name(postgres_url)
    wrong = postgres_cluster.password_url(name, password="hunter2")
    code, line = one_line(cli, command, wrong)
    assert (code, line) == (
        2,
        f"claimbot: Cannot use the database postgresql://{PASSWORD_ROLE}:***@/{name}: "
        f'password authentication failed for user "{PASSWORD_ROLE}".',
    )
    # The same role with its password is let in: the server asked for it, and checked it.
    right = cli("migrate", env={"DATABASE_URL": postgres_cluster.password_url(name)})
    assert (right.returncode, right.stderr) == (0, "")


def test_the_server_asks_that_role_for_its_password(
    postgres_cluster: Cluster, postgres_url: str
) -> None:
    wrong = postgres_cluster.password_url(database_name(postgres_url), password="hunter2")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_database_is_exit_2(cli: InProcess, postgres_url: str, command: str) -> None:
    missing = postgres_url.replace("/test_", "/missing_", 1)
    name = database_name(missing)
    code, line = one_line(cli, command, missing)
    assert (code, line) == (
        2,
        f'claimbot: Cannot use the database postgresql://postgres@/{name}: database "{name}" '
        "does not exist.",
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_server_older_than_the_minimum_is_exit_2(
    cli: InProcess, monkeypatch: pytest.MonkeyPatch, postgres_url: str, command: str
) -> None:
    """The real server and the real check, with the minimum raised past this server."""
    with psycopg.connect(postgres_url) as server:
        version = server.info.server_version
        shown = server.info.parameter_status("server_version")
    newer = (version // 10000 + 1) * 10000
    monkeypatch.setattr(bot.storage.postgresql, "MINIMUM_SERVER_VERSION", newer)
    code, line = one_line(cli, command, postgres_url)
    assert (code, line) == (
        2,
        f"claimbot: Cannot use the database {postgres_url.split('?')[0]}: PostgreSQL {shown} "
        f"is too old (claimbot needs {newer // 10000} or newer).",
    )
    # At the server's own version, it is enough.
    monkeypatch.setattr(bot.storage.postgresql, "MINIMUM_SERVER_VERSION", version)
    assert cli("migrate", env={"DATABASE_URL": postgres_url}).returncode == 0
