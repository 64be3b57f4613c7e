"""What the concern modules may rely on, whichever backend holds the data: SQLite (a file at
DATABASE_PATH) or PostgreSQL (DATABASE_URL).

Every concern function is written once, against `Connection`: SQL with `?` (or `:name`)
placeholders, as SQLite takes it, which the PostgreSQL connection translates
(bot/storage/postgresql.py); new ids read back with `INSERT ... RETURNING id` (SQLite 3.35
has it too), never `lastrowid`; rows read by column name or by index. The few statements
that cannot be the same in both (full-text search, planner hints) branch on
`Connection.dialect`, in bot/storage only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol, TypeAlias
from urllib.parse import urlsplit, urlunsplit

Dialect: TypeAlias = Literal["sqlite", "postgresql"]

#: Query parameters: positional for `?`, a mapping for `:name`.
Params: TypeAlias = Sequence[Any] | Mapping[str, Any]

_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class Row(Protocol):
    """A result row: `row["column"]` or `row[0]`, and unpacking."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What a statement hands back: its rows and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def close(self) -> None: ...


class Connection(Protocol):
    """The connection a concern function is given, on the database thread."""

    dialect: Dialect

    def execute(self, sql: str, parameters: Params = ..., /) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Params], /) -> Any: ...


def is_postgres_url(location: object) -> bool:
    """Whether a database location names a PostgreSQL server rather than an SQLite file."""
    return isinstance(location, str) and location.startswith(_POSTGRES_SCHEMES)


def redact_url(url: str) -> str:
    """The URL as a message may show it: the password replaced by `***`, the query dropped
    (libpq accepts `password=` there too)."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, _, host = netloc.rpartition("@")
            name, has_password, _ = user.partition(":")
            netloc = f"{name}:***@{host}" if has_password else f"{name}@{host}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "the DATABASE_URL server"


# Tokens of an SQL text that a translation to PostgreSQL's placeholders must see: quoted
# strings and identifiers and comments (kept whole), `::` casts, `?`, `:name`, `%`, and
# SQLite's planner hints, which PostgreSQL's planner does without.
_SQL_TOKENS = re.compile(
    r"""(?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*)"""
    r"|(?P<cast>::)"
    r"|(?P<positional>\?)"
    r"|:(?P<named>[A-Za-z_]\w*)"
    r"|(?P<percent>%)"
    r"|(?P<hint>\bNOT\s+INDEXED\b|\bINDEXED\s+BY\s+\w+)",
    re.IGNORECASE,
)


def to_format_placeholders(sql: str) -> str:
    """SQLite's `?` and `:name` placeholders as psycopg's `%s` and `%(name)s`, every literal
    `%` doubled (psycopg reads `%` anywhere, strings included), planner hints dropped."""

    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "quoted":
            return match[0].replace("%", "%%")
        if kind == "positional":
            return "%s"
        if kind == "named":
            return f"%({match['named']})s"
        if kind == "percent":
            return "%%"
        if kind == "hint":
            return ""
        return match[0]

    return _SQL_TOKENS.sub(replace, sql)
