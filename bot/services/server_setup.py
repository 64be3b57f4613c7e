"""A server's setup as `/claimbot setup`, `/claimbot settings` and `/claimbot thresholds`
change and show it: the options merged with what the server chose before, and new
thresholds applied to the open claims at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core.digest import DigestSchedule, render_digest_settings
from bot.core.notices import NOTICES_OPTION
from bot.core.records import GuildConfig
from bot.core.render import ALERTS_OPTION, render_settings
from bot.core.status import StatusSettings
from bot.services.digests import DigestScheduler
from bot.services.guild_configs import GuildConfigs
from bot.services.review_messages import DISCORD_REFUSED
from bot.services.status_refresh import STATUS_OPTION, StatusUpdates
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The server's thresholds after `/claimbot thresholds`; `moved` is how many open claims
    changed status, None when nothing was changed (the command only showed them)."""

    settings: StatusSettings
    moved: int | None


class ServerSetup:
    def __init__(
        self, db: Database, configs: GuildConfigs, digests: DigestScheduler, status: StatusUpdates
    ) -> None:
        self._db = db
        self._configs = configs
        self._digests = digests
        self._status = status

    async def setup(
        self,
        guild_id: int,
        *,
        review_channel_id: int,
        reviewer_role_id: int | None,
        moderator_role_id: int | None,
        alerts_channel_id: int | None,
        notices: str | None,
        actor_id: int,
    ) -> GuildConfig:
        """Roles and the alerts channel left out mean none; notices left out keep the
        server's choice; every other option (thresholds, emoji) is kept."""
        previous = await self._configs.get(guild_id)
        options = dict(previous.options) if previous else {}
        options.pop(ALERTS_OPTION, None)
        if alerts_channel_id is not None:
            options[ALERTS_OPTION] = alerts_channel_id
        if notices is not None:
            options[NOTICES_OPTION] = notices
        config = GuildConfig(
            guild_id=guild_id,
            review_channel_id=review_channel_id,
            reviewer_role_id=reviewer_role_id,
            moderator_role_id=moderator_role_id,
            options=options,
        )
        await self._configs.save(config, actor_id=actor_id)
        return config

    async def describe(self, guild_id: int) -> str:
        """The setup, the last refusal by Discord, and the digest once it was changed."""
        config = await self._configs.configured(guild_id)
        text = render_settings(config, await self._db.last_audit(guild_id, DISCORD_REFUSED))
        digest = (await self._db.digest_state(guild_id)).schedule
        if digest != DigestSchedule():
            text += "\n" + render_digest_settings(digest, self._digests.next_at(digest))
        return text

    async def thresholds(
        self,
        guild_id: int,
        changes: dict[str, Any],
        *,
        reset: bool,
        actor_id: int,
        accepted: Callable[[], Awaitable[None]],
    ) -> Thresholds:
        """Apply `changes` (StatusSettings field -> value; None left out) over the server's
        thresholds, or over the defaults with `reset`. Nothing changed: they are shown.
        Changed: `accepted` is told before the open claims are computed again."""
        config = await self._configs.configured(guild_id)
        raw = config.options.get(STATUS_OPTION)
        overrides = {} if reset or not isinstance(raw, dict) else dict(raw)
        overrides.update({name: value for name, value in changes.items() if value is not None})
        settings = StatusSettings.from_mapping(overrides)
        if overrides == raw or (not overrides and raw is None):
            return Thresholds(settings, moved=None)
        options = {k: v for k, v in config.options.items() if k != STATUS_OPTION}
        if overrides:
            options[STATUS_OPTION] = overrides
        await accepted()
        await self._configs.save(
            dataclasses.replace(config, options=options), actor_id=actor_id, action="thresholds"
        )
        return Thresholds(settings, moved=await self._status.recompute_open(guild_id))
