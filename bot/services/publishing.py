"""A server's public verdict pages as `/claimbot publish` and `/claim publish` change them:
who signs them, where they are served, the slug in their URLs, and the claims a moderator
withholds. Who counts as a moderator is checked before these are called; every change is in
the audit log (`publish`, `publish_claim`), written by storage in the same transaction."""

from __future__ import annotations

import dataclasses

from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord, PublishedSite
from bot.pages.addresses import base_url_problem, is_slug, normal_base_url, slug_from
from bot.storage.database import Database

MAX_ORGANIZATION_CHARS = 100
FIRST_TIME = (
    "The first time, give `organization` (who signs the pages) and `base_url` (the address "
    "they are served at, like https://checks.example.org)."
)
BAD_SLUG = (
    "`slug` takes 1 to 40 lowercase letters, digits and hyphens, not at either end "
    "(like `les-verificateurs`)."
)


class Publishing:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def site(self, guild_id: int) -> PublishedSite | None:
        return await self._db.published_site(guild_id)

    async def turn_on(
        self,
        guild_id: int,
        *,
        organization: str | None,
        base_url: str | None,
        slug: str | None,
        actor_id: int,
    ) -> PublishedSite:
        """Publish the server's pages; what is left out keeps its earlier value (the slug
        defaults to one made of the organisation's name)."""
        previous = await self._db.published_site(guild_id)
        name = " ".join((organization or "").split()) or (previous and previous.organization)
        address = (base_url or "").strip() or (previous and previous.base_url)
        if not name or not address:
            raise UserFacingError(FIRST_TIME)
        if len(name) > MAX_ORGANIZATION_CHARS:
            raise UserFacingError(
                f"`organization` takes at most {MAX_ORGANIZATION_CHARS} characters."
            )
        if problem := base_url_problem(address):
            raise UserFacingError(f"`base_url` {problem}.")
        chosen = (slug or "").strip().lower() or (previous and previous.slug) or slug_from(name)
        if not is_slug(chosen):
            raise UserFacingError(BAD_SLUG)
        site = PublishedSite(
            guild_id=guild_id,
            slug=chosen,
            organization=name,
            base_url=normal_base_url(address),
            enabled=True,
        )
        if not await self._db.save_published_site(site, actor_id=actor_id):
            raise UserFacingError(
                f"Another server publishes at `{chosen}` already: choose another `slug`."
            )
        return site

    async def turn_off(self, guild_id: int, *, actor_id: int) -> PublishedSite | None:
        """Stop publishing (the choices are kept for the next `on`); None when it never was."""
        previous = await self._db.published_site(guild_id)
        if previous is None:
            return None
        site = dataclasses.replace(previous, enabled=False)
        await self._db.save_published_site(site, actor_id=actor_id)
        return site

    async def publish_claim(self, claim: ClaimRecord, *, published: bool, actor_id: int) -> bool:
        """Withhold a claim from the pages (`published` False) or let it back; returns
        whether that changed anything."""
        return await self._db.withhold_claim(
            claim.guild_id, claim.id, withheld=not published, actor_id=actor_id
        )
