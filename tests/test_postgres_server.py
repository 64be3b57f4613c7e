"""The throwaway PostgreSQL server the tests run on: new enough, with what the backend needs,
and a database of its own for every test."""

from __future__ import annotations

import psycopg
import pytest

from bot.storage.postgresql import MINIMUM_SERVER_VERSION
from tests.support.postgres import SUPERUSER, TEMPLATE, Cluster

pytestmark = pytest.mark.postgres


def test_the_server_is_new_enough_and_speaks_utf8(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        version = conn.execute("SELECT version()").fetchone()
        number = conn.execute("SHOW server_version_num").fetchone()
        encoding = conn.execute("SHOW server_encoding").fetchone()
        lowered = conn.execute("SELECT lower('ÉCOLE ΑΘΗΝΑ')").fetchone()
    assert version is not None and str(version[0]).startswith("PostgreSQL ")
    assert number is not None and int(number[0]) >= MINIMUM_SERVER_VERSION
    assert encoding == ("UTF8",)
    assert lowered == ("école αθηνα",)  # the C.UTF-8 locale folds case beyond ASCII


def test_the_bots_own_role_can_create_unaccent(postgres_url: str) -> None:
    """unaccent ships in Debian's postgresql (contrib) and is trusted from PostgreSQL 13 on,
    so a database owner that is not a superuser may create it: the role the bot will run as."""
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        name = conn.info.dbname
        conn.execute("CREATE ROLE claimbot_owner LOGIN NOSUPERUSER")
        try:
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO claimbot_owner')
            conn.execute("SET ROLE claimbot_owner")
            conn.execute("CREATE EXTENSION unaccent")
            plain = conn.execute("SELECT unaccent('Élysée, ça coûte 3 €')").fetchone()
            owner = conn.execute(
                "SELECT r.rolname, r.rolsuper FROM pg_extension e"
                " JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'unaccent'"
            ).fetchone()
        finally:
            conn.execute("RESET ROLE")
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO {SUPERUSER}')
            conn.execute("DROP EXTENSION IF EXISTS unaccent")
            conn.execute("DROP ROLE claimbot_owner")
    assert plain == ("Elysee, ca coute 3 €",)
    assert owner == ("claimbot_owner", False)


def test_each_database_is_fresh_and_dropped_after(postgres_cluster: Cluster) -> None:
    """Through the same code path as the postgres_url fixture: a table made in one test's
    database is absent from the next, and the first database is gone once its test ends."""
    with postgres_cluster.database() as first:
        with psycopg.connect(first) as conn:
            conn.execute("CREATE TABLE leftover (id integer)")
            conn.execute("INSERT INTO leftover VALUES (1)")
        first_name = psycopg.conninfo.conninfo_to_dict(first)["dbname"]
    with postgres_cluster.database() as second:
        assert second != first
        with psycopg.connect(second) as conn:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchall()
        assert tables == []
    databases = postgres_cluster.admin().execute("SELECT datname FROM pg_database").fetchall()
    names = {str(row[0]) for row in databases}
    assert first_name not in names
    assert TEMPLATE in names


def test_a_connection_left_open_does_not_keep_the_database(postgres_cluster: Cluster) -> None:
    with postgres_cluster.database() as url:
        leaked = psycopg.connect(url)
        name = leaked.info.dbname
    with leaked:
        left = (
            postgres_cluster.admin()
            .execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
            .fetchone()
        )
        assert left == (0,)
        with pytest.raises(psycopg.OperationalError):
            leaked.execute("SELECT 1")


def test_the_server_listens_on_its_socket_only(postgres_cluster: Cluster) -> None:
    settings: dict[str, str] = dict(
        postgres_cluster.admin()
        .execute(
            "SELECT name, setting FROM pg_settings WHERE name IN"
            " ('listen_addresses', 'unix_socket_directories', 'fsync')"
        )
        .fetchall()
    )
    assert settings == {
        "listen_addresses": "",
        "unix_socket_directories": str(postgres_cluster.directory),
        "fsync": "off",
    }
