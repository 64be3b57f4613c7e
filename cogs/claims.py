"""`/claim`: submit articles and single claims for review (and the message command)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from dataclasses import replace
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.autocomplete import claim_choices
from bot.app.client import ClaimBot
from bot.app.guards import Claim, require_moderator, server_of
from bot.core.charts import status_chart
from bot.core.claims import MAX_MANUAL_CLAIM_CHARS
from bot.core.digest import DAY, STALE, STALE_LABEL, days
from bot.core.errors import UserFacingError
from bot.core.records import ClaimRecord, GuildConfig, SubmissionResult
from bot.core.render import (
    claim_page_embed,
    claim_status_embed,
    render_search,
    render_submission,
    review_stats,
)
from bot.core.search import search_terms
from bot.core.suggestions import render_similar
from bot.core.urls import is_http_url, links_in
from bot.core.vocabulary import RESOLVABLE_STATUSES, STATUS_LABELS, STATUSES
from bot.documents.document import Document, DocumentError
from bot.documents.reader import load_text
from bot.services.articles import document_from_url
from bot.services.export_files import export_guild
from bot.services.parsing import parse_off_loop
from bot.services.review_messages import ReviewChannelUnusable, vote_emoji
from bot.web.errors import FetchError

MAX_FILE_BYTES = 2_000_000
PAGE_SIZE = 10
STATS_ROWS = 5
STATS_CHART_NAME = "claim-stats.png"
SEARCH_RESULTS = 10
LIST_TIMEOUT_SECONDS = 300
STATUS_CHOICES = [app_commands.Choice(name=STATUS_LABELS[s], value=s) for s in STATUSES]
STATUS_CHOICES.append(app_commands.Choice(name=STALE_LABEL, value=STALE))
VERDICT_CHOICES = [app_commands.Choice(name=STATUS_LABELS[s], value=s) for s in RESOLVABLE_STATUSES]
FILE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")


@app_commands.guild_only()
class ClaimsCog(commands.GroupCog, group_name="claim", group_description="Claims under review"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._last_submit: dict[tuple[int, int], float] = {}
        self.extract_menu = app_commands.ContextMenu(
            name="Extract claims", callback=self.extract_from_message
        )
        app_commands.guild_only(self.extract_menu)
        self.extract_menu.on_error = self.cog_app_command_error
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.extract_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.extract_menu.name, type=self.extract_menu.type)

    # -- helpers ----------------------------------------------------------------------

    async def _config(self, interaction: discord.Interaction[ClaimBot]) -> GuildConfig:
        return await self.bot.configs.configured(server_of(interaction))

    def _check_cooldown(self, interaction: discord.Interaction[ClaimBot]) -> None:
        key = (interaction.guild_id or 0, interaction.user.id)
        wait = self.bot.settings.submit_cooldown_seconds
        last = self._last_submit.get(key)
        now = time.monotonic()
        if last is not None and now - last < wait:
            raise UserFacingError(
                f"Slow down: you can submit again in {wait - (now - last):.0f} s."
            )
        self._last_submit[key] = now
        interaction.extras["cooldown"] = (key, last)

    def _refund_cooldown(self, interaction: discord.Interaction[ClaimBot]) -> None:
        """A submission that failed on our side or Discord's does not cost the member."""
        spent = interaction.extras.pop("cooldown", None)
        if spent is not None:
            key, previous = spent
            if previous is None:
                self._last_submit.pop(key, None)
            else:
                self._last_submit[key] = previous

    async def cog_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Before the tree's handler answers: the cooldown back, unless the member's input
        was the problem (a bad file, link or text)."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(original, ReviewChannelUnusable) or not isinstance(original, UserFacingError):
            self._refund_cooldown(interaction)

    async def _reply_submission(
        self, interaction: discord.Interaction[ClaimBot], result: SubmissionResult
    ) -> None:
        if result.unposted:
            self._refund_cooldown(interaction)
        await interaction.edit_original_response(content=render_submission(result))

    async def _load_url(self, url: str, interaction: discord.Interaction[ClaimBot]) -> Document:
        owner = (interaction.guild_id or 0, interaction.user.id)  # the member's fetch share
        try:
            return await document_from_url(url, self.bot.fetcher, owner=owner)
        except (FetchError, DocumentError) as exc:
            raise UserFacingError(str(exc)) from None

    async def _load_file(self, file: discord.Attachment) -> Document:
        if not file.filename.lower().endswith(FILE_EXTENSIONS):
            raise UserFacingError("Attach a .txt, .md or .html file.")
        if file.size > MAX_FILE_BYTES:
            raise UserFacingError(
                f"That file is {file.size / 1e6:.1f} MB; "
                f"the limit is {MAX_FILE_BYTES / 1e6:.0f} MB."
            )
        data = await file.read()
        try:
            return await parse_off_loop(
                load_text, data, filename=file.filename, content_type=file.content_type
            )
        except DocumentError as exc:
            raise UserFacingError(str(exc)) from None

    # -- commands ---------------------------------------------------------------------

    @app_commands.command(
        name="submit", description="Extract the claims of an article and post them for review"
    )
    @app_commands.describe(
        text="The article text (paste it)",
        url="A link to the article",
        file="A .txt, .md or .html file",
    )
    async def submit(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, 6000] | None = None,
        url: app_commands.Range[str, 1, 2048] | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        given = [value for value in (text, url, file) if value is not None]
        if len(given) != 1:
            raise UserFacingError("Give exactly one of `text`, `url` or `file`.")
        config = await self._config(interaction)
        self._check_cooldown(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def progress(message: str) -> None:
            await interaction.edit_original_response(content=message)

        if file is not None:
            kind, document = "file", await self._load_file(file)
        elif url is not None:
            await progress("Fetching the article…")
            kind, document = "url", await self._load_url(url, interaction)
        else:
            assert text is not None
            try:
                kind, document = "text", await parse_off_loop(load_text, text)
            except DocumentError as exc:
                raise UserFacingError(str(exc)) from None
        await progress("Reading the claims…")
        result = await self.bot.submissions.submit_document(
            config,
            submitter_id=interaction.user.id,
            kind=kind,
            document=document,
            progress=progress,
        )
        await self._reply_submission(interaction, result)

    @app_commands.command(name="add", description="Post one claim for review, as written")
    @app_commands.describe(
        text="The claim, one self-contained statement", source="Where it was said"
    )
    async def add(
        self,
        interaction: discord.Interaction[ClaimBot],
        text: app_commands.Range[str, 1, MAX_MANUAL_CLAIM_CHARS],
        source: app_commands.Range[str, 1, 2048] | None = None,
    ) -> None:
        config = await self._config(interaction)
        statement = " ".join(text.split())
        if len(statement) < 10:
            raise UserFacingError("That is too short to be a claim: write the whole statement.")
        if source is not None and not is_http_url(source):
            raise UserFacingError("`source` must be an http(s) link.")
        self._check_cooldown(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.submissions.add_single(
            config,
            submitter_id=interaction.user.id,
            text=statement,
            source_url=source.strip() if source else None,
        )
        await self._reply_submission(interaction, result)

    async def extract_from_message(
        self, interaction: discord.Interaction[ClaimBot], message: discord.Message
    ) -> None:
        """Message command: the message's text, plus the article it links to, if any."""
        config = await self._config(interaction)
        self._check_cooldown(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = message.content.strip()
        links = links_in(text, limit=1)
        parts = [text] if text else []
        title = None
        if links:
            try:
                linked = await self._load_url(links[0], interaction)
            except UserFacingError:
                linked = None  # the message text alone may still hold claims
            if linked is not None:
                parts.append(linked.text)
                title = linked.title
        if not parts:
            raise UserFacingError("That message has no text to read.")
        try:
            document = await parse_off_loop(load_text, "\n\n".join(parts))
        except DocumentError as exc:
            raise UserFacingError(str(exc)) from None
        document = replace(document, title=title, url=message.jump_url, site_name=None)

        async def progress(note: str) -> None:
            await interaction.edit_original_response(content=note)

        result = await self.bot.submissions.submit_document(
            config,
            submitter_id=interaction.user.id,
            kind="message",
            document=document,
            default_attribution=message.author.display_name,
            source_url=message.jump_url,
            progress=progress,
        )
        await self._reply_submission(interaction, result)

    # -- queries ----------------------------------------------------------------------

    @app_commands.command(name="status", description="A claim's status, votes and sources")
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def status(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        config = await self.bot.configs.get(claim.guild_id)
        embed = claim_status_embed(
            claim,
            counts=await self.bot.db.vote_counts(claim.id),
            evidence=await self.bot.db.evidence_for(claim.id),
            emoji_by_verdict=vote_emoji(config).by_verdict,
        )
        await interaction.response.send_message(
            embed=discord.Embed.from_dict(embed), ephemeral=True
        )

    @app_commands.command(name="list", description="Claims of this server, newest first")
    @app_commands.describe(status="Only claims with this status", mine="Only claims you submitted")
    @app_commands.choices(status=STATUS_CHOICES)
    async def list(
        self,
        interaction: discord.Interaction[ClaimBot],
        status: app_commands.Choice[str] | None = None,
        mine: bool = False,
    ) -> None:
        view = ClaimListView(
            self.bot,
            owner_id=interaction.user.id,
            guild_id=server_of(interaction),
            status=status.value if status else None,
            submitter_id=interaction.user.id if mine else None,
        )
        embed = await view.render(0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
        view.message = await interaction.original_response()

    @app_commands.command(name="search", description="Full-text search over this server's claims")
    @app_commands.describe(query="Words to look for")
    async def search(
        self, interaction: discord.Interaction[ClaimBot], query: app_commands.Range[str, 1, 200]
    ) -> None:
        terms = search_terms(query)
        found = (
            await self.bot.db.search_claims(server_of(interaction), terms, limit=SEARCH_RESULTS)
            if terms
            else []
        )
        await interaction.response.send_message(render_search(query, found), ephemeral=True)

    @app_commands.command(
        name="similar", description="Fact-checks and claims of this server like a claim"
    )
    @app_commands.describe(claim="The claim (type its number or words)")
    @app_commands.autocomplete(claim=claim_choices)
    async def similar(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.bot.suggestions.similar(claim)
        await interaction.edit_original_response(content=render_similar(claim, found))

    # -- moderation -------------------------------------------------------------------

    @app_commands.command(name="resolve", description="Moderators: set a claim's final status")
    @app_commands.describe(
        claim="The claim", verdict="The final status", note="Why (shown with the status)"
    )
    @app_commands.autocomplete(claim=claim_choices)
    @app_commands.choices(verdict=VERDICT_CHOICES)
    async def resolve(
        self,
        interaction: discord.Interaction[ClaimBot],
        claim: Claim,
        verdict: app_commands.Choice[str],
        note: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        await require_moderator(interaction, action="resolve", claim_id=claim.id)
        await self.bot.db.add_moderation_event(
            guild_id=claim.guild_id,
            claim_id=claim.id,
            actor_id=interaction.user.id,
            action="resolve",
            status=verdict.value,
            note=note,
        )
        await self.bot.claims_changed({claim.id})
        await interaction.response.send_message(
            f"Claim #{claim.number} is now {verdict.name} (final until `/claim reopen`).",
            ephemeral=True,
        )

    @app_commands.command(name="reopen", description="Moderators: let votes move a claim again")
    @app_commands.describe(claim="The claim")
    @app_commands.autocomplete(claim=claim_choices)
    async def reopen(self, interaction: discord.Interaction[ClaimBot], claim: Claim) -> None:
        await require_moderator(interaction, action="reopen", claim_id=claim.id)
        if not claim.is_final:
            raise UserFacingError(f"Claim #{claim.number} is not resolved; nothing to reopen.")
        await self.bot.db.add_moderation_event(
            guild_id=claim.guild_id,
            claim_id=claim.id,
            actor_id=interaction.user.id,
            action="reopen",
            status=None,
            note=None,
        )
        await self.bot.claims_changed({claim.id})
        refreshed = await self.bot.db.get_claim(claim.guild_id, claim.id) or claim
        await interaction.response.send_message(
            f"Claim #{claim.number} is open again: {STATUS_LABELS[refreshed.status]}.",
            ephemeral=True,
        )

    @app_commands.command(name="export", description="Moderators: the server's claims as a file")
    @app_commands.describe(format="csv, json, or schema.org ClaimReview (resolved and verified)")
    async def export(
        self,
        interaction: discord.Interaction[ClaimBot],
        format: Literal["csv", "json", "claimreview"],
    ) -> None:
        assert interaction.guild is not None  # guild_only
        await require_moderator(interaction, action="export", claim_id=None)
        await interaction.response.defer(ephemeral=True, thinking=True)
        name, data, count = await export_guild(
            self.bot.db, interaction.guild.id, format, organization=interaction.guild.name
        )
        await self.bot.db.record_audit(
            guild_id=interaction.guild.id,
            actor_id=interaction.user.id,
            action="export",
            detail={"format": format, "claims": count},
        )
        await interaction.followup.send(
            f"{count} claim(s) exported as {format}.",
            file=discord.File(io.BytesIO(data), filename=name),
            ephemeral=True,
        )

    @app_commands.command(name="stats", description="How review is going in this server")
    async def stats(self, interaction: discord.Interaction[ClaimBot]) -> None:
        guild_id = server_of(interaction)
        db = self.bot.db
        counts = await db.status_counts(guild_id)
        summary = review_stats(
            status_counts=counts,
            oldest=await db.oldest_awaiting(guild_id, limit=STATS_ROWS),
            reviewers=await db.top_reviewers(guild_id, limit=STATS_ROWS),
            distributions=await db.vote_distribution(guild_id),
            now=time.time(),
        )
        chart = await asyncio.to_thread(status_chart, counts)
        if chart is None:
            await interaction.response.send_message(
                embed=discord.Embed.from_dict(summary), ephemeral=True
            )
            return
        summary["image"] = {"url": f"attachment://{STATS_CHART_NAME}"}
        await interaction.response.send_message(
            embed=discord.Embed.from_dict(summary),
            file=discord.File(io.BytesIO(chart), filename=STATS_CHART_NAME),
            ephemeral=True,
        )


class ClaimListView(discord.ui.View):
    """Previous / next buttons for `/claim list`, only for the member who asked."""

    def __init__(
        self,
        bot: ClaimBot,
        *,
        owner_id: int,
        guild_id: int,
        status: str | None,
        submitter_id: int | None,
    ) -> None:
        super().__init__(timeout=LIST_TIMEOUT_SECONDS)
        self.bot = bot
        self.owner_id = owner_id
        self.guild_id = guild_id
        self.status = status
        self.submitter_id = submitter_id
        self.page = 0
        self.pages = 1
        self.message: discord.InteractionMessage | None = None

    async def render(self, page: int) -> discord.Embed:
        if self.status == STALE:
            return await self._render_stale(page)
        claims, total = await self.bot.db.list_claims(
            self.guild_id,
            status=self.status,
            submitter_id=self.submitter_id,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        return self._page(claims, total, page, STATUS_LABELS[self.status] if self.status else "")

    async def _render_stale(self, page: int) -> discord.Embed:
        """Claims waiting for a verdict for longer than the server's stale age, oldest first."""
        stale_days = (await self.bot.db.digest_state(self.guild_id)).schedule.stale_after_days
        claims, total = await self.bot.db.stale_claims(
            self.guild_id,
            created_before=self.bot.clock.now() - stale_days * DAY,
            submitter_id=self.submitter_id,
            offset=page * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        label = f"{STALE_LABEL} (open longer than {days(stale_days)}), oldest first"
        return self._page(claims, total, page, label)

    def _page(
        self, claims: list[ClaimRecord], total: int, page: int, status_label: str
    ) -> discord.Embed:
        self.page = page
        self.pages = max(1, -(-total // PAGE_SIZE))
        self.previous.disabled = page == 0
        self.next.disabled = page >= self.pages - 1
        heading = "Claims"
        if status_label:
            heading += f" · {status_label}"
        if self.submitter_id:
            heading += " · submitted by you"
        embed = claim_page_embed(
            claims, page=page + 1, pages=self.pages, total=total, heading=heading
        )
        return discord.Embed.from_dict(embed)

    async def interaction_check(self, interaction: discord.Interaction[ClaimBot]) -> bool:  # type: ignore[override]
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "These buttons belong to whoever ran `/claim list`: run it yourself.", ephemeral=True
        )
        return False

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[ClaimBot], button: discord.ui.Button[ClaimListView]
    ) -> None:
        embed = await self.render(max(0, self.page - 1))
        await interaction.response.edit_message(embed=embed, view=self)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.primary)
    async def next(
        self, interaction: discord.Interaction[ClaimBot], button: discord.ui.Button[ClaimListView]
    ) -> None:
        embed = await self.render(min(self.pages - 1, self.page + 1))
        await interaction.response.edit_message(embed=embed, view=self)

    async def on_timeout(self) -> None:
        """Expire cleanly: the buttons turn grey instead of failing when clicked."""
        self.previous.disabled = True
        self.next.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ClaimsCog(bot))
