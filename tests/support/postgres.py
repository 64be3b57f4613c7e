"""A throwaway PostgreSQL cluster for the tests: found on this machine, never downloaded.

The cluster lives in a temporary directory and listens only on a Unix socket there (no TCP
port, so parallel workers and a system server never collide), with fsync off: its data is
thrown away at the end. Each test gets a database of its own, cloned from an empty template
(about 0.1 s), so no test sees another's tables.

As root, PostgreSQL refuses to run, so initdb and the server run as the `postgres` system
user (Debian's package creates it) through `runuser`; as anyone else, directly.

This module imports only the standard library at the top, so `.ci/run` can ask it, with the
system's python3 and before any virtualenv exists, whether PostgreSQL is installed:
`python3 -m tests.support.postgres` prints the directory of its programs, or exits 1.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import TupleRow

PROGRAMS = ("initdb", "pg_ctl", "postgres")

# When set, the one directory searched for PROGRAMS (a PostgreSQL installed elsewhere, or a
# directory without them to see how the suite behaves where PostgreSQL is missing).
BIN_VARIABLE = "CLAIMBOT_TEST_POSTGRES_BIN"

# Debian and Ubuntu keep the programs here, off PATH; the newest version is taken first.
DEBIAN_BIN_GLOB = "/usr/lib/postgresql/*/bin"

SUPERUSER = "postgres"
TEMPLATE = "claimbot_template"

# A login role that must give its password (scram-sha-256), as on a production server, for
# the tests of a refused password; every other role keeps trust on the socket. Its line is in
# pg_hba.conf from the start, so no reload races a test.
PASSWORD_ROLE = "claimbot_password"
PASSWORD = "correct horse"

# UTF-8 with a locale that folds case beyond ASCII, like a production server's; nothing
# synced to disk; trust on the socket, which only its owner (and root) can reach.
_INITDB_OPTIONS = ("--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")

# Settings for a cluster whose data does not outlive the test run: nothing is flushed to
# disk, and it stays small, since up to two of them run beside the suite on two cores.
_SERVER_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "40",
}


class PostgresUnavailable(Exception):
    """The PostgreSQL programs are installed but the cluster could not be made or started;
    the message says which step failed and ends with its output."""


def find_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: CLAIMBOT_TEST_POSTGRES_BIN alone
    when it is set, else PATH, else Debian's /usr/lib/postgresql/<version>/bin, newest first.
    PATH may hold symlinks (Debian's postgresql-common puts none there), so the directory of
    initdb's real file is returned."""
    forced = os.environ.get(BIN_VARIABLE, "").strip()
    if forced:
        return Path(forced) if _has_programs(Path(forced)) else None
    on_path = shutil.which("initdb")
    if on_path:
        real = Path(on_path).resolve().parent
        if _has_programs(real):
            return real
    versions = sorted(Path("/").glob(DEBIAN_BIN_GLOB.lstrip("/")), key=_version_key, reverse=True)
    return next((d for d in versions if _has_programs(d)), None)


def _has_programs(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in PROGRAMS)


def _version_key(bin_dir: Path) -> tuple[int, str]:
    version = bin_dir.parent.name
    return (int(version), version) if version.isdigit() else (0, version)


@dataclass(frozen=True, slots=True)
class _Runner:
    """How the server's programs are run: as root, through runuser as the postgres user."""

    prefix: tuple[str, ...]
    owner: tuple[int, int] | None  # (uid, gid) that must own the cluster's files

    @classmethod
    def for_this_process(cls) -> _Runner:
        if os.geteuid() != 0:
            return cls(prefix=(), owner=None)
        try:
            account = pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresUnavailable(
                "running as root, and there is no 'postgres' system user to run the server "
                "as (PostgreSQL refuses to run as root); install Debian's postgresql package, "
                "which creates it, or run the tests as another user"
            ) from None
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return cls(prefix=(runuser, "-u", SUPERUSER, "--"), owner=(account.pw_uid, account.pw_gid))


class Cluster:
    """One initdb'd, started server in a temporary directory; `close` stops it and deletes
    the directory. Databases are created and dropped through one autocommit connection."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self._runner = _Runner.for_this_process()
        # Short and in /tmp: a Unix socket's path is limited to about 100 bytes, and the
        # postgres user must reach it (pytest's own temporary directories are private to
        # whoever runs pytest).
        self.directory = Path(tempfile.mkdtemp(prefix="claimbot-pg-", dir="/tmp"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self._names = itertools.count(1)
        self._admin: psycopg.Connection[TupleRow] | None = None
        self._started = False

    def start(self) -> None:
        """initdb, start and make the template: about 3 s, almost all of it initdb."""
        if self._runner.owner is not None:
            os.chown(self.directory, *self._runner.owner)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, *_INITDB_OPTIONS)
        hba = self.data / "pg_hba.conf"  # rewritten in place: its owner stays the server's
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n{hba.read_text()}")
        self._started = True  # from here on, close() stops it, whatever start did
        self._start_server()
        self.admin().execute(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')

    def _start_server(self) -> None:
        options = " ".join(f"-c {name}={value}" for name, value in _SERVER_SETTINGS.items())
        options += f" -c unix_socket_directories='{self.directory}'"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    @contextlib.contextmanager
    def stopped(self) -> Iterator[None]:
        """The server stopped (fast: every session ended, as in a restart) while the block
        runs, then started again on the same socket, its data kept."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        try:
            yield
        finally:
            self._start_server()

    def url(self, database: str) -> str:
        """A libpq URL for `database`, through this cluster's socket directory."""
        return f"postgresql://{SUPERUSER}@/{database}?host={self.directory}"

    def admin(self) -> psycopg.Connection[TupleRow]:
        """The cluster's autocommit connection to its `postgres` database."""
        import psycopg

        if self._admin is None:
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin

    def create_database(self) -> str:
        """A new, empty database cloned from the template; returns its name.
        FILE_COPY: on a small database it is about 1.5x faster than WAL_LOG (PG 15's default,
        which the PG 13 and 14 servers do not know, so it is named only from 15 on)."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        strategy = " STRATEGY FILE_COPY" if self.admin().info.server_version >= 150000 else ""
        self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"{strategy}')
        return name

    def password_url(self, database: str, password: str = PASSWORD) -> str:
        """A URL of `database` as PASSWORD_ROLE, which owns it, giving `password`."""
        admin = self.admin()
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PASSWORD_ROLE,))
        if exists.fetchone() is None:
            admin.execute("SET password_encryption = 'scram-sha-256'")
            admin.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")
        admin.execute(f'ALTER DATABASE "{database}" OWNER TO {PASSWORD_ROLE}')
        quoted = password.replace(" ", "%20")
        return f"postgresql://{PASSWORD_ROLE}:{quoted}@/{database}?host={self.directory}"

    def drop_database(self, name: str) -> None:
        """Drop it even if a test left connections open (WITH FORCE ends them)."""
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """A URL of a fresh database, dropped afterwards: what each test is given."""
        name = self.create_database()
        try:
            yield self.url(name)
        finally:
            self.drop_database(name)

    def close(self) -> None:
        """Stop at once (the data is thrown away, so no clean shutdown is needed) and delete
        the directory. Idempotent."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._started:
            self._started = False
            with contextlib.suppress(PostgresUnavailable):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-s", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _run(self, program: str, *args: str) -> None:
        step = f"{program} {args[-1]}" if program == "pg_ctl" else program
        try:
            subprocess.run(
                [*self._runner.prefix, str(self.bin_dir / program), *args],
                cwd=self.directory,  # the postgres user may not read the caller's directory
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            )
        except subprocess.CalledProcessError as exc:
            output = (exc.stdout + exc.stderr).strip()
            if self.log.exists():
                output += "\n" + self.log.read_text(errors="replace")[-2000:]
            raise PostgresUnavailable(f"{step} failed (exit {exc.returncode}):\n{output}") from None
        except subprocess.TimeoutExpired:
            raise PostgresUnavailable(f"{step} did not finish within 120 s") from None


def main() -> int:
    """For .ci/run: print where PostgreSQL's programs are, or say they are missing."""
    found = find_bin_dir()
    if found is None:
        print("PostgreSQL not found (initdb, pg_ctl, postgres)", file=sys.stderr)
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
