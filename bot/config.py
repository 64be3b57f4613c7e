"""Typed settings read from the environment and `.env`, validated once at start-up.

Only `claimbot run` needs a Discord token; offline commands (extract, score,
export, migrate, recompute) load the same settings without one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.shards import (
    MAX_SHARD_COUNT,
    UNSHARDED,
    ShardError,
    ShardScope,
    parse_shard_ids,
)
from bot.core.snapshots import SnapshotBounds

# Three base64url parts separated by dots: user id, timestamp, HMAC.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")

DEFAULT_DATABASE_PATH = Path("claimbot.db")
# The URL schemes libpq reads as a URL; anything else it would take for "key=value" pairs.
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
# The most claims one submission may post, whoever sets the cap (CLAIMBOT_MAX_CLAIMS, or a
# member's `max_claims` on `/claim submit`): each is a post, 4 reactions and a thread.
MAX_CLAIMS_CEILING = 50

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line fit for a terminal."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    database_path: Path = Field(default=DEFAULT_DATABASE_PATH, validation_alias="DATABASE_PATH")
    guild_id: int | None = Field(default=None, validation_alias="CLAIMBOT_GUILD_ID")
    log_level: LogLevel = Field(default="INFO", validation_alias="LOG_LEVEL")
    discord_api_base: str | None = Field(default=None, validation_alias="DISCORD_API_BASE")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")

    # Shards (bot/core/shards.py): unset, the plain client and every server, as before. With a
    # count, discord.py's AutoShardedClient runs CLAIMBOT_SHARD_IDS (all of them when unset),
    # and this process does the work of those shards' servers only.
    shard_count: int | None = Field(
        default=None, ge=1, le=MAX_SHARD_COUNT, validation_alias="CLAIMBOT_SHARD_COUNT"
    )
    # Parsed here from "0,1" or "0-3" (NoDecode: pydantic-settings would read it as JSON).
    shard_ids: Annotated[tuple[int, ...] | None, NoDecode] = Field(
        default=None, validation_alias="CLAIMBOT_SHARD_IDS"
    )

    # extraction.DEFAULT_MAX_CLAIMS (tests/test_config.py holds them equal): a cap that real
    # articles do not reach, so every check-worthy fact is posted.
    max_claims_per_submission: int = Field(
        default=40, ge=1, le=MAX_CLAIMS_CEILING, validation_alias="CLAIMBOT_MAX_CLAIMS"
    )
    # Submissions per member per server, as token buckets (bot/core/fairness.py): a burst, then
    # one more every interval; an interval of 0 turns that limit off. `/claim add` (and
    # *Extract claims* on a message without a link) posts one claim as written: 5 at once
    # covers the claims of one exchange in a live debate, and one per 6 s (10 a minute) is
    # faster than anyone types a claim, while a script is held to what a review channel can
    # absorb (each claim is a post, 4 reactions and a thread). An article (`/claim submit`, or
    # a message that links one) costs a fetch, a parse, an extraction and up to 15 posts: 2 at
    # once lets a reviewer send two articles side by side, then one per 30 s, the old cooldown.
    add_burst: int = Field(default=5, ge=1, le=100, validation_alias="CLAIMBOT_ADD_BURST")
    add_interval_seconds: float = Field(
        default=6.0, ge=0, le=3600, validation_alias="CLAIMBOT_ADD_INTERVAL"
    )
    article_burst: int = Field(default=2, ge=1, le=100, validation_alias="CLAIMBOT_SUBMIT_BURST")
    article_interval_seconds: float = Field(
        default=30.0, ge=0, le=3600, validation_alias="CLAIMBOT_SUBMIT_INTERVAL"
    )
    # Deprecated: one submission of any kind per this many seconds (see `_old_cooldown`).
    submit_cooldown_seconds: float | None = Field(
        default=None, ge=0, le=3600, validation_alias="CLAIMBOT_SUBMIT_COOLDOWN"
    )
    edit_interval_seconds: float = Field(
        default=2.0, ge=0, validation_alias="CLAIMBOT_EDIT_INTERVAL"
    )
    edits_per_second: float = Field(default=5.0, gt=0, validation_alias="CLAIMBOT_EDIT_RATE")
    notice_window_seconds: float = Field(
        default=60.0, ge=0, le=3600, validation_alias="CLAIMBOT_NOTICE_WINDOW"
    )
    # Seconds between two polls of the fact-check library's versions (bot/services/
    # factcheck_library.py): an import by the CLI or another process is searchable here
    # within this. One small query; 0 turns it off (an import elsewhere then shows at the
    # next start).
    library_poll_seconds: float = Field(
        default=10.0, ge=0, le=3600, validation_alias="CLAIMBOT_LIBRARY_POLL"
    )
    # Snapshots of sources (docs/evidence.md): the main text kept of each (UTF-8 bytes, cut
    # at a character), the snapshots kept per source (the first and the latest always), the
    # bytes of snapshots per server (oldest pruned first; never a source's first, never one
    # of a published claim), and the seconds between two background rechecks (0: none).
    snapshot_text_bytes: int = Field(
        default=20_000, ge=1_000, le=1_000_000, validation_alias="CLAIMBOT_SNAPSHOT_TEXT_BYTES"
    )
    snapshots_per_source: int = Field(
        default=10, ge=2, le=1_000, validation_alias="CLAIMBOT_SNAPSHOTS_PER_SOURCE"
    )
    snapshot_server_bytes: int = Field(
        default=50_000_000, ge=100_000, validation_alias="CLAIMBOT_SNAPSHOT_SERVER_BYTES"
    )
    recheck_interval_seconds: float = Field(
        default=86_400.0, ge=0, le=31_536_000, validation_alias="CLAIMBOT_RECHECK_INTERVAL"
    )
    thread_links_per_window: int = Field(
        default=5, ge=1, le=100, validation_alias="CLAIMBOT_THREAD_LINKS"
    )
    thread_link_window_seconds: float = Field(
        default=60.0, ge=0, validation_alias="CLAIMBOT_THREAD_LINK_WINDOW"
    )

    # `/healthz` and `/metrics` on this port (0: off, the default for a team's one bot; a
    # deployment that watches the process sets it). Loopback by default: serving it beyond
    # the host (0.0.0.0, a LAN address) is the operator's choice, behind their firewall.
    health_port: int = Field(default=0, ge=0, le=65535, validation_alias="CLAIMBOT_HEALTH_PORT")
    health_host: str = Field(default="127.0.0.1", validation_alias="CLAIMBOT_HEALTH_HOST")

    # `claimbot web`, the public verdict pages (docs/publishing.md): loopback by default, for
    # a reverse proxy in front; a token bucket per client address (0 s turns it off), and
    # whether X-Forwarded-For's last address (the proxy's own) names the client.
    web_host: str = Field(default="127.0.0.1", validation_alias="CLAIMBOT_WEB_HOST")
    web_port: int = Field(default=8080, ge=0, le=65535, validation_alias="CLAIMBOT_WEB_PORT")
    web_burst: int = Field(default=30, ge=1, le=10_000, validation_alias="CLAIMBOT_WEB_BURST")
    web_interval: float = Field(
        default=0.5, ge=0, le=3600, validation_alias="CLAIMBOT_WEB_INTERVAL"
    )
    web_proxy: bool = Field(default=False, validation_alias="CLAIMBOT_WEB_PROXY")
    # Seconds a rendered page is kept (bot/publish/cache.py); a server that changes has its
    # pages dropped within a second whatever this is. 0: every request reads and renders.
    web_cache_seconds: float = Field(
        default=60.0, ge=0, le=3600, validation_alias="CLAIMBOT_WEB_CACHE"
    )
    # Processes serving the pages on one port (SO_REUSEPORT), each with its own cache and
    # database connection: more than one uses more than one core.
    web_workers: int = Field(default=2, ge=1, le=32, validation_alias="CLAIMBOT_WEB_WORKERS")

    llm_base_url: str | None = Field(default=None, validation_alias="CLAIMBOT_LLM_BASE_URL")
    llm_model: str | None = Field(default=None, validation_alias="CLAIMBOT_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(default=None, validation_alias="CLAIMBOT_LLM_API_KEY")
    llm_timeout_seconds: float = Field(
        default=30.0, gt=0, le=600, validation_alias="CLAIMBOT_LLM_TIMEOUT"
    )
    llm_batch_size: int = Field(
        default=20, ge=1, le=200, validation_alias="CLAIMBOT_LLM_BATCH_SIZE"
    )
    llm_concurrency: int = Field(
        default=2, ge=1, le=32, validation_alias="CLAIMBOT_LLM_CONCURRENCY"
    )
    llm_max_tokens_per_run: int = Field(
        default=200_000, ge=1_000, validation_alias="CLAIMBOT_LLM_MAX_TOKENS"
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, validation_alias="CLAIMBOT_LLM_MAX_RETRIES"
    )
    llm_backoff_seconds: float = Field(
        default=0.5, ge=0, le=60, validation_alias="CLAIMBOT_LLM_BACKOFF"
    )

    # PostgreSQL instead of the SQLite file at database_path. A secret: the URL may hold a
    # password, so it never shows in a repr or a log line.
    database_url: SecretStr | None = Field(default=None, validation_alias="DATABASE_URL")

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgresql_url(cls, value: object) -> object:
        """Only libpq's own URL schemes (lowercase, as libpq reads them). The message never
        repeats the value, which may hold a password."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(POSTGRESQL_SCHEMES):
                raise ValueError(
                    "must start with postgresql:// or postgres://, "
                    "e.g. postgresql://claimbot:PASSWORD@localhost/claimbot"
                )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "discord_token",
        "discord_api_base",
        "discord_gateway_url",
        "llm_base_url",
        "llm_model",
        "llm_api_key",
        "guild_id",
        "submit_cooldown_seconds",
        "shard_count",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object, info: ValidationInfo) -> object:
        """Ids need the count they are shards of (validated first, as it is declared first)."""
        if isinstance(value, list | tuple):  # given in code (the tests): checked the same way
            value = ",".join(str(shard_id) for shard_id in value)
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        if "shard_count" not in info.data:  # the count itself is wrong: its error is the one
            return None
        count = info.data["shard_count"]
        if count is None:
            raise PydanticCustomError(
                "shard_ids_without_count",
                "needs CLAIMBOT_SHARD_COUNT, the number of shards in all "
                "(e.g. CLAIMBOT_SHARD_COUNT=2 CLAIMBOT_SHARD_IDS=1)",
            )
        try:
            return parse_shard_ids(value, count)
        except ShardError as exc:
            raise PydanticCustomError("shard_ids", str(exc)) from None

    @field_validator("health_port", "health_host", "web_host", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object, info: ValidationInfo) -> object:
        """`CLAIMBOT_HEALTH_PORT=` as in .env.example is off; a blank host is loopback."""
        if isinstance(value, str) and not value.strip():
            return cls.model_fields[info.field_name or ""].default
        return value.strip() if isinstance(value, str) else value

    @field_validator("database_path", mode="before")
    @classmethod
    def _database_path_given(cls, value: object) -> object:
        """`DATABASE_PATH=` would be the current directory, reported as "a directory"."""
        if isinstance(value, str) and not value.strip():
            raise PydanticCustomError(
                "empty_path",
                f"is empty; set it to a file path, or remove it to use {DEFAULT_DATABASE_PATH}",
            )
        return value

    @field_validator("llm_base_url")
    @classmethod
    def _http_base_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip().lower().startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. http://127.0.0.1:11434/v1")
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _old_cooldown(self) -> Settings:
        """CLAIMBOT_SUBMIT_COOLDOWN=N, the setting the buckets replaced, still means what it
        meant (one submission per N s: buckets of 1 refilled every N s; 0 is no limit) unless
        one of the new settings is given, which then win."""
        cooldown = self.submit_cooldown_seconds
        buckets = {"add_burst", "add_interval_seconds", "article_burst", "article_interval_seconds"}
        if cooldown is not None and not buckets & self.model_fields_set:
            self.add_burst = self.article_burst = 1
            self.add_interval_seconds = self.article_interval_seconds = cooldown
        return self

    @property
    def database_location(self) -> Path | str:
        """Where the database is: DATABASE_URL's PostgreSQL server when it is set, else the
        SQLite file at DATABASE_PATH (what bot.storage's `Database.open` takes)."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @property
    def sharded(self) -> bool:
        """Whether the bot runs discord.py's AutoShardedClient (CLAIMBOT_SHARD_COUNT is set)."""
        return self.shard_count is not None

    @property
    def shards(self) -> ShardScope:
        """The shards this process runs; unsharded, shard 0 of 1 (every server)."""
        if self.shard_count is None:
            return UNSHARDED
        if self.shard_ids is None:
            return ShardScope.every(self.shard_count)
        return ShardScope(self.shard_count, self.shard_ids)

    @property
    def snapshot_bounds(self) -> SnapshotBounds:
        return SnapshotBounds(
            text_bytes=self.snapshot_text_bytes,
            per_source=self.snapshots_per_source,
            guild_bytes=self.snapshot_server_bytes,
        )

    @property
    def llm_enabled(self) -> bool:
        """The LLM backend is on when both its endpoint and its model are set."""
        return bool(self.llm_base_url and self.llm_model)

    def require_token(self) -> str:
        """The token for `run`; raises ConfigError (never echoing the token) when unusable."""
        if self.discord_token is None:
            raise ConfigError(
                "DISCORD_TOKEN is not set: put your bot token in the environment or in .env "
                "(see .env.example)."
            )
        token = self.discord_token.get_secret_value().strip()
        if token.lower().startswith("bot "):
            token = token[4:].strip()
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts): "
                "copy it again from the Developer Portal, Bot page, Reset Token."
            )
        return token


def load_settings(**overrides: object) -> Settings:
    """Settings from environment and `.env`; a validation error becomes one ConfigError line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigError(f"{name}: {first['msg']}") from None
