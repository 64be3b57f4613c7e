"""Each server's setup, read once and kept: reactions look it up on every event."""

from __future__ import annotations

from bot.core.errors import NOT_SET_UP, UserFacingError
from bot.core.records import GuildConfig
from bot.core.status import StatusSettings
from bot.services.status_refresh import status_settings
from bot.storage.database import Database


class GuildConfigs:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[int, GuildConfig | None] = {}

    async def get(self, guild_id: int) -> GuildConfig | None:
        if guild_id not in self._cache:
            self._cache[guild_id] = await self._db.get_guild_config(guild_id)
        return self._cache[guild_id]

    async def configured(self, guild_id: int) -> GuildConfig:
        """The guild's setup, or a clear answer to the user that there is none yet."""
        config = await self.get(guild_id)
        if config is None or config.review_channel_id is None:
            raise UserFacingError(NOT_SET_UP)
        return config

    async def save(self, config: GuildConfig, *, actor_id: int, action: str = "setup") -> None:
        await self._db.save_guild_config(config, actor_id=actor_id, action=action)
        self._cache[config.guild_id] = config

    async def status_settings(self, guild_id: int) -> StatusSettings:
        return status_settings(await self.get(guild_id))
