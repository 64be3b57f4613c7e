"""`/claim`: submit articles and single claims for review (and the message command)."""

from __future__ import annotations

import re
import time

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClaimBot
from bot.documents import Document, DocumentError, load_text
from bot.errors import UserFacingError
from bot.fetch import FetchError
from bot.models import GuildConfig
from bot.render import render_submission
from bot.sources import document_from_url
from bot.submissions import MAX_MANUAL_CLAIM_CHARS

MAX_FILE_BYTES = 2_000_000
FILE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")
_URL = re.compile(r"https?://[^\s<>]+")


class ClaimsCog(commands.GroupCog, group_name="claim", group_description="Claims under review"):
    def __init__(self, bot: ClaimBot) -> None:
        self.bot = bot
        self._last_submit: dict[tuple[int, int], float] = {}
        self.extract_menu = app_commands.ContextMenu(
            name="Extract claims", callback=self.extract_from_message
        )
        self.extract_menu.guild_only = True
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.extract_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.extract_menu.name, type=self.extract_menu.type)

    # -- helpers ----------------------------------------------------------------------

    async def _config(self, interaction: discord.Interaction[ClaimBot]) -> GuildConfig:
        if interaction.guild_id is None:
            raise UserFacingError("This command only works inside a server.")
        config = await self.bot.guild_config(interaction.guild_id)
        if config is None or config.review_channel_id is None:
            raise UserFacingError(
                "claimbot is not set up here yet: someone with Manage Server runs "
                "`/claimbot setup`."
            )
        return config

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

    async def _load_url(self, url: str) -> Document:
        try:
            return await document_from_url(url, self.bot.fetcher)
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
            return load_text(data, filename=file.filename, content_type=file.content_type)
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
            kind, document = "url", await self._load_url(url)
        else:
            assert text is not None
            try:
                kind, document = "text", load_text(text)
            except DocumentError as exc:
                raise UserFacingError(str(exc)) from None
        await progress("Reading the claims…")
        result = await self.bot.intake.submit_document(
            config,
            submitter_id=interaction.user.id,
            kind=kind,
            document=document,
            progress=progress,
        )
        await interaction.edit_original_response(content=render_submission(result))

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
        if source is not None and not _URL.fullmatch(source.strip()):
            raise UserFacingError("`source` must be an http(s) link.")
        self._check_cooldown(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.intake.add_single(
            config,
            submitter_id=interaction.user.id,
            text=statement,
            source_url=source.strip() if source else None,
        )
        await interaction.edit_original_response(content=render_submission(result))

    async def extract_from_message(
        self, interaction: discord.Interaction[ClaimBot], message: discord.Message
    ) -> None:
        """Message command: the message's text, plus the article it links to, if any."""
        config = await self._config(interaction)
        self._check_cooldown(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = message.content.strip()
        links = _URL.findall(text)
        parts = [text] if text else []
        title = None
        if links:
            try:
                linked = await self._load_url(links[0])
            except UserFacingError:
                linked = None  # the message text alone may still hold claims
            if linked is not None:
                parts.append(linked.text)
                title = linked.title
        if not parts:
            raise UserFacingError("That message has no text to read.")
        try:
            document = load_text("\n\n".join(parts))
        except DocumentError as exc:
            raise UserFacingError(str(exc)) from None
        document = Document(
            text=document.text,
            title=title,
            kind=document.kind,
            url=message.jump_url,
            truncated=document.truncated,
        )

        async def progress(note: str) -> None:
            await interaction.edit_original_response(content=note)

        result = await self.bot.intake.submit_document(
            config,
            submitter_id=interaction.user.id,
            kind="message",
            document=document,
            default_attribution=message.author.display_name,
            source_url=message.jump_url,
            progress=progress,
        )
        await interaction.edit_original_response(content=render_submission(result))


async def setup(bot: ClaimBot) -> None:
    await bot.add_cog(ClaimsCog(bot))
