"""Turn what a user submits (text, a file, a URL) into a Document; shared by the CLI and the bot."""

from __future__ import annotations

from dataclasses import replace

from bot.core.fairness import FetchOwner
from bot.documents.document import Document
from bot.documents.reader import load_text
from bot.services.parsing import parse_off_loop
from bot.web.fetcher import SafeFetcher
from bot.web.responses import FetchResult

ARTICLE_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "text/markdown"}
)


async def document_from_url(
    url: str, fetcher: SafeFetcher, *, owner: FetchOwner | None = None
) -> Document:
    """Fetch through the safe fetcher (raises FetchError) and keep the article text (read
    off the event loop, within the parse budget: raises DocumentError)."""
    result = await fetcher.fetch(url, allowed_content_types=ARTICLE_CONTENT_TYPES, owner=owner)
    return await read_fetched(result)


async def read_fetched(result: FetchResult) -> Document:
    """The main text of a fetched page or text, read off the event loop within the parse
    budget (raises DocumentError): a submitted article, and a source's snapshot."""
    content_type = result.content_type
    if result.charset:
        content_type += f"; charset={result.charset}"
    document = await parse_off_loop(
        load_text, result.body, content_type=content_type, url=result.url
    )
    if result.truncated and not document.truncated:
        document = replace(document, truncated=True)
    return document
