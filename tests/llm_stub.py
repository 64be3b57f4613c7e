"""A local OpenAI-compatible chat-completions endpoint for the LLM backend's tests.

It runs aiohttp on 127.0.0.1 in a thread of its own, so both async tests and tests that
run the real `claimbot` subprocess can use it. Replies queued with `then` are served in
order, one per request; after them the default reply judges by rule (a sentence with a
digit is check-worthy; an article's claims are its lines with a digit). Every request
is recorded. A reply with `hold` waits for `release` (set by the test, and on exit).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Reply:
    """One answer: a chat completion with `content`, or `raw` bytes as the whole body."""

    content: str | None = None
    status: int = 200
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False
    # Send this many bytes of the body, then wait for `release` before the rest.
    drip: int | None = None
    total_tokens: int | None = None
    chunked: bool = False
    # Send one byte every 50 ms until `release`: no single read is slow, the whole is.
    trickle: bool = False


def completion(content: str, total_tokens: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"choices": [{"message": {"role": "assistant", "content": content}}]}
    if total_tokens is not None:
        body["usage"] = {"total_tokens": total_tokens}
    return body


def sentences_of(request: dict[str, Any]) -> list[str] | None:
    """The sentences of a scoring request, or None for an extraction request."""
    try:
        payload = json.loads(request["messages"][1]["content"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(payload, dict) and isinstance(payload.get("sentences"), list):
        return [item["text"] for item in payload["sentences"]]
    return None


def judge_by_digits(request: dict[str, Any]) -> Reply:
    sentences = sentences_of(request)
    if sentences is not None:
        results = [
            {
                "id": n,
                "checkworthy": bool(_DIGIT.search(t)),
                "score": 0.9 if _DIGIT.search(t) else 0.1,
            }
            for n, t in enumerate(sentences)
        ]
        return Reply(json.dumps({"results": results}))
    article = request["messages"][1]["content"].split("Article:\n", 1)[-1]
    claims = [
        {"text": line.strip(), "speaker": None, "quote": line.strip()}
        for line in article.splitlines()
        if _DIGIT.search(line)
    ]
    return Reply(json.dumps({"claims": claims}))


class LLMStub:
    def __init__(self, default: Callable[[dict[str, Any]], Reply] = judge_by_digits) -> None:
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.release = threading.Event()
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def env(self, **extra: str) -> dict[str, str]:
        """Settings that point claimbot at this stub, with small timeouts and no backoff."""
        return {
            "CLAIMBOT_LLM_BASE_URL": self.base_url,
            "CLAIMBOT_LLM_MODEL": "stub-model",
            "CLAIMBOT_LLM_BACKOFF": "0",
            **extra,
        }

    def then(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def batch_sizes(self) -> list[int]:
        return [len(sentences_of(r) or []) for r in self.requests]

    def __enter__(self) -> LLMStub:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release.set()
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _wait_release(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 10)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        with self._lock:
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            reply = self._script.pop(0) if self._script else self.default(body)
        if reply.hold:
            await self._wait_release()
        data = reply.raw
        if data is None:
            data = json.dumps(completion(reply.content or "", reply.total_tokens)).encode()
        if reply.drip is None and not reply.chunked and not reply.trickle:
            return web.Response(
                status=reply.status,
                body=data,
                headers=reply.headers,
                content_type="application/json",
            )
        response = web.StreamResponse(status=reply.status, headers=reply.headers)
        response.content_type = "application/json"
        response.enable_chunked_encoding()
        await response.prepare(request)
        while reply.trickle and not self.release.is_set():
            await response.write(b" ")
            await asyncio.sleep(0.05)
        if reply.drip is not None:
            await response.write(data[: reply.drip])
            await self._wait_release()
            data = data[reply.drip :]
        for start in range(0, len(data), 65_536):
            await response.write(data[start : start + 65_536])
        await response.write_eof()
        return response
