"""The way in for submissions: how often a member may submit, and reading what they gave (a
claim as written, pasted text, a file, a link, a message) for the submission pipeline
(bot/services/submissions.py). `/claim add`, `/claim submit` and *Extract claims* each make
one call here.

Two token buckets per member per server (bot/core/fairness.py, sizes in bot/config.py): one
for single claims (`/claim add`, and a message without a link), one for articles (`/claim
submit`, and a message that links one), which cost a fetch, a parse and an extraction. A
submission that fails on the bot's or Discord's side gives its token back; one refused for the
member's own input (a bad file, link or text) keeps it spent, like one that worked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.core.access import Member
from bot.core.claims import MIN_MANUAL_CLAIM_CHARS
from bot.core.errors import UserFacingError
from bot.core.fairness import TokenBuckets, whole_seconds
from bot.core.records import SubmissionResult
from bot.core.urls import is_http_url, links_in
from bot.documents.document import Document, DocumentError
from bot.documents.reader import load_text
from bot.services.articles import document_from_url
from bot.services.clock import Clock
from bot.services.guild_configs import GuildConfigs
from bot.services.parsing import parse_off_loop
from bot.services.review_messages import ReviewChannelUnusable
from bot.services.submissions import Progress, Submissions
from bot.web.errors import FetchError
from bot.web.fetcher import SafeFetcher

MAX_FILE_BYTES = 2_000_000
FILE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")

# The submission passed its checks and took its token: acknowledge it (the slow part starts).
Accepted = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Upload:
    """A file given to `/claim submit`; `read` is called only once its name and size pass."""

    filename: str
    size: int
    content_type: str | None
    read: Callable[[], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message *Extract claims* was used on."""

    text: str
    jump_url: str
    author_name: str


class Intake:
    def __init__(
        self,
        configs: GuildConfigs,
        submissions: Submissions,
        fetcher: SafeFetcher,
        *,
        claims: TokenBuckets,
        articles: TokenBuckets,
        clock: Clock,
    ) -> None:
        """`claims` and `articles` are the two buckets, timed on `clock`; `fetcher` reads
        linked articles (tests point it at a local host)."""
        self._configs = configs
        self._submissions = submissions
        self.fetcher = fetcher
        self._claims = claims
        self._articles = articles
        self._clock = clock

    async def close(self) -> None:
        await self.fetcher.aclose()

    async def add(
        self, member: Member, *, text: str, origin: str | None, accepted: Accepted
    ) -> SubmissionResult:
        """`/claim add`: one claim, posted as written (spaces folded)."""
        config = await self._configs.configured(member.guild_id)
        statement = " ".join(text.split())
        if len(statement) < MIN_MANUAL_CLAIM_CHARS:
            raise UserFacingError("That is too short to be a claim: write the whole statement.")
        if origin is not None and not is_http_url(origin):
            raise UserFacingError("`origin` must be an http(s) link.")

        async def post() -> SubmissionResult:
            return await self._submissions.add_single(
                config,
                submitter_id=member.id,
                text=statement,
                origin_url=origin.strip() if origin else None,
            )

        return await self._spend(self._claims, member, accepted, post)

    async def submit(
        self,
        member: Member,
        *,
        text: str | None = None,
        url: str | None = None,
        upload: Upload | None = None,
        accepted: Accepted,
        progress: Progress,
        max_claims: int | None = None,
    ) -> SubmissionResult:
        """`/claim submit`: an article given as exactly one of text, a link or a file;
        `max_claims` replaces the server's cap for this one."""
        if sum(given is not None for given in (text, url, upload)) != 1:
            raise UserFacingError("Give exactly one of `text`, `url` or `file`.")
        config = await self._configs.configured(member.guild_id)

        async def read_and_post() -> SubmissionResult:
            if upload is not None:
                kind, document = "file", await self._read_upload(upload)
            elif url is not None:
                await progress("Fetching the article…")
                kind, document = "url", await self._fetch(url, member)
            else:
                kind, document = "text", await _parse(text or "")
            await progress("Reading the claims…")
            return await self._submissions.submit_document(
                config,
                submitter_id=member.id,
                kind=kind,
                document=document,
                progress=progress,
                max_claims=max_claims,
            )

        return await self._spend(self._articles, member, accepted, read_and_post)

    async def post_held(
        self, member: Member, document_id: int, *, accepted: Accepted, progress: Progress
    ) -> SubmissionResult:
        """**Post the rest**: the next claims the cap held back from a submission, the
        server's cap at a time. It posts what an article would, so it takes the article
        bucket's token; a press that posts nothing (another server's, not the member's, or
        posted already) is refused before it takes one."""
        config = await self._configs.configured(member.guild_id)
        batch = await self._submissions.held_for(config, member, document_id)

        async def post() -> SubmissionResult:
            return await self._submissions.post_held(config, batch, progress=progress)

        return await self._spend(self._articles, member, accepted, post)

    async def from_message(
        self, member: Member, message: PostedMessage, *, accepted: Accepted, progress: Progress
    ) -> SubmissionResult:
        """*Extract claims*: the message's text, plus the article it links to, if any; its
        author is who says the claims unless the text names someone."""
        config = await self._configs.configured(member.guild_id)
        text = message.text.strip()
        if not text:
            raise UserFacingError("That message has no text to read.")
        links = links_in(text, limit=1)

        async def read_and_post() -> SubmissionResult:
            parts, title = [text], None
            if links:
                try:
                    linked = await self._fetch(links[0], member)
                except UserFacingError:
                    linked = None  # the message text alone may still hold claims
                if linked is not None:
                    parts.append(linked.text)
                    title = linked.title
            document = await _parse("\n\n".join(parts))
            document = replace(document, title=title, url=message.jump_url, site_name=None)
            return await self._submissions.submit_document(
                config,
                submitter_id=member.id,
                kind="message",
                document=document,
                default_speaker=message.author_name,
                origin_url=message.jump_url,
                progress=progress,
            )

        buckets = self._articles if links else self._claims
        return await self._spend(buckets, member, accepted, read_and_post)

    async def _spend(
        self,
        buckets: TokenBuckets,
        member: Member,
        accepted: Accepted,
        work: Callable[[], Awaitable[SubmissionResult]],
    ) -> SubmissionResult:
        """Take a token (or refuse with the real wait), then do the work; the token comes
        back when the work failed on our side or Discord's, or left claims unposted."""
        wait = buckets.take(member.key, self._clock.now())
        if wait > 0:
            raise UserFacingError(f"Slow down: you can submit again in {whole_seconds(wait)} s.")
        try:
            await accepted()
            result = await work()
        except UserFacingError as exc:
            if isinstance(exc, ReviewChannelUnusable):  # the server's setup, not the member
                buckets.refund(member.key, self._clock.now())
            raise
        except BaseException:
            buckets.refund(member.key, self._clock.now())
            raise
        if result.unposted:
            buckets.refund(member.key, self._clock.now())
        return result

    async def _fetch(self, url: str, member: Member) -> Document:
        try:
            return await document_from_url(url, self.fetcher, owner=member.key)
        except (FetchError, DocumentError) as exc:
            raise UserFacingError(str(exc)) from None

    async def _read_upload(self, upload: Upload) -> Document:
        if not upload.filename.lower().endswith(FILE_EXTENSIONS):
            raise UserFacingError("Attach a .txt, .md or .html file.")
        if upload.size > MAX_FILE_BYTES:
            raise UserFacingError(
                f"That file is {upload.size / 1e6:.1f} MB; "
                f"the limit is {MAX_FILE_BYTES / 1e6:.0f} MB."
            )
        data = await upload.read()
        try:
            return await parse_off_loop(
                load_text, data, filename=upload.filename, content_type=upload.content_type
            )
        except DocumentError as exc:
            raise UserFacingError(str(exc)) from None


async def _parse(text: str) -> Document:
    try:
        return await parse_off_loop(load_text, text)
    except DocumentError as exc:
        raise UserFacingError(str(exc)) from None
