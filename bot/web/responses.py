"""Reading a response body within its cap: decompressed by hand, typed, cut or refused.

Memory stays below the cap plus one chunk whatever the server sends: a gzip bomb yields at
most what is asked of it, a text page over the cap keeps its start (`truncated`), any other
type over the cap is refused, and a body with no Content-Type may only become HTML or text.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import zlib
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from typing import Self

import httpx

from bot.documents.decoding import decode_fetched, parse_content_type
from bot.web.errors import FetchError
from bot.web.url_syntax import ParsedTarget

# Types where the first `max_bytes` are still worth having; anything else over the cap is refused.
_TRUNCATABLE_EXTRA = frozenset({"application/xhtml+xml"})


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a successful fetch returns; `url` is the final URL with its hostname, not its IP."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    truncated: bool
    redirects: tuple[str, ...]

    def text(self) -> str:
        """Decode with the declared charset when it is a text encoding, else sniff, exactly
        as submitted documents are; never raises, whatever the server declared."""
        return decode_fetched(self.body, self.charset)


class _BodyDecoder:
    """Content-Encoding decoding that never produces more than asked for (no zip bombs)."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._started = False
        self._zlib: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)

    def decode(self, data: bytes, max_out: int) -> bytes:
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(data, max_out)
        except zlib.error:
            if self._encoding != "deflate" or self._started:
                raise
            # Some servers send raw deflate without the zlib header.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, max_out)
        self._started = True
        return out

    def flush(self, max_out: int) -> bytes:
        """End of body. Only reached when no `decode` call hit its limit, so all input has
        been consumed and at most zlib's last buffered bytes remain; `_read` still slices."""
        if self._zlib is None or max_out <= 0:
            return b""
        return self._zlib.flush(max_out)


def _sniff_text_type(body: bytes) -> str | None:
    """Missing Content-Type: only HTML or plain text are ever inferred."""
    head = body[:1024]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if not head or b"\x00" in head:
        return None
    try:
        sample = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x0c")
    return "text/plain" if controls * 20 <= len(sample) else None


def _is_truncatable(mime: str) -> bool:
    return mime.startswith("text/") or mime in _TRUNCATABLE_EXTRA


_SAFE_MIME_RE = re.compile(r"[a-z0-9][a-z0-9.+\-]{0,40}/[a-z0-9][a-z0-9.+\-]{0,60}")


def _describe_type(mime: str) -> str:
    return mime if _SAFE_MIME_RE.fullmatch(mime) else "an unsupported kind of"


class _SinkBuffer:
    """The body as `_read` grows it, passed on to a sink: only its size and first KiB (for
    sniffing the type) stay in memory."""

    def __init__(self, sink: Callable[[bytes], object]) -> None:
        self.sink = sink
        self.size = 0
        self.head = b""

    def __len__(self) -> int:
        return self.size

    def __iadd__(self, data: bytes | bytearray) -> Self:
        if data:
            self.sink(bytes(data))
            self.size += len(data)
            self.head = (self.head + data[: max(0, 1024 - len(self.head))])[:1024]
        return self

    __add__ = __iadd__

    def __getitem__(self, part: slice) -> bytes:
        return self.head[part]

    def __bytes__(self) -> bytes:
        return b""


async def _raw_chunks(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


async def read_response(
    target: ParsedTarget,
    response: httpx.Response,
    allowed: frozenset[str],
    redirects: tuple[str, ...],
    sink: Callable[[bytes], object] | None,
    *,
    max_bytes: int,
) -> FetchResult:
    """The body of an answer to `target`, of an `allowed` type, within `max_bytes`."""
    mime, charset = parse_content_type(response.headers.get("content-type"))
    if mime and mime not in allowed:
        raise FetchError(
            "bad_content_type",
            f"That link points to {_describe_type(mime)} content, which I can't read.",
        )
    cap = max_bytes
    too_large = FetchError("too_large", f"That file is too large (over {cap:,} bytes).")
    truncatable = (not mime or _is_truncatable(mime)) and sink is None
    declared = response.headers.get("content-length", "")
    if not truncatable and declared.isdigit() and int(declared) > cap:
        raise too_large

    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if response.is_stream_consumed:
        # A transport that hands back an already-read (and decoded) body, e.g. a mock.
        encoding = "identity"
    if encoding in ("", "identity"):
        encoding = "identity"
    elif encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError("bad_response", "The site compressed its answer in a way I can't read.")
    decoder = _BodyDecoder(encoding)
    body: bytearray | _SinkBuffer = bytearray() if sink is None else _SinkBuffer(sink)
    truncated = False
    try:
        async with contextlib.aclosing(_raw_chunks(response)) as chunks:
            async for chunk in chunks:
                room = cap - len(body)
                out = decoder.decode(chunk, room + 1)
                if len(out) > room:
                    if not truncatable:
                        raise too_large
                    body += out[:room]
                    truncated = True
                    break
                body += out
            else:
                room = cap - len(body)
                tail = decoder.flush(room + 1)
                if len(tail) > room:
                    if not truncatable:
                        raise too_large
                    tail, truncated = tail[:room], True
                body += tail
    except httpx.TimeoutException:
        raise FetchError("timeout", "The site took too long to respond.") from None
    except (httpx.HTTPError, zlib.error):
        raise FetchError("bad_response", "The site sent a response I couldn't read.") from None

    if not mime:
        sniffed = _sniff_text_type(bytes(body[:1024]))
        if sniffed is None or sniffed not in allowed:
            raise FetchError(
                "bad_content_type",
                "That link didn't say what kind of content it is, "
                "and it doesn't look like a web page or text.",
            )
        mime = sniffed
    return FetchResult(
        url=target.url,
        status=response.status_code,
        content_type=mime,
        charset=charset,
        body=bytes(body),
        truncated=truncated,
        redirects=redirects,
    )
