"""The optional LLM backend against a real local HTTP server (aiohttp on 127.0.0.1)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from aiohttp import web

from bot.extraction import extract_claims
from bot.services.llm_extraction import LLMConfig, extract_with_llm, locate, parse_llm_reply

ARTICLE = (
    "Le conseil municipal de Bréval a voté mardi un budget de 48 millions d'euros.\n"
    "Pourquoi la ville dépense-t-elle autant ?\n"
    "Selon la préfecture, 1 200 logements seront rénovés.\n"
)
Handler = Callable[[web.Request], Any]


def completion(content: str) -> dict[str, object]:
    return {"choices": [{"message": {"role": "assistant", "content": content}}]}


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Any]]:
    runners: list[web.AppRunner] = []
    seen: list[dict[str, Any]] = []

    async def start(handler: Handler) -> tuple[str, list[dict[str, Any]]]:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            seen.append({"body": await request.json(), "headers": dict(request.headers)})
            return await handler(request)

        app = web.Application()
        app.router.add_post("/v1/chat/completions", wrapped)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}/v1", seen

    yield start
    for runner in runners:
        await runner.cleanup()


async def test_good_output_is_used_and_located(serve: Callable[[Handler], Any]) -> None:
    reply = {
        "claims": [
            {
                "text": "Le conseil municipal de Bréval a voté un budget de 48 millions d'euros.",
                "speaker": None,
                "quote": (
                    "Le conseil municipal de Bréval a voté mardi un budget de 48 millions d'euros."
                ),
            },
            {
                "text": "La préfecture annonce que 1 200 logements seront rénovés à Bréval.",
                "speaker": "préfecture",
                "quote": "Selon la préfecture, 1 200 logements seront rénovés.",
            },
        ]
    }

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(completion(json.dumps(reply)))

    base_url, seen = await serve(handler)
    config = LLMConfig(base_url=base_url, model="test-model", api_key="k-123", timeout=5)
    claims = await extract_with_llm(ARTICLE, config, max_claims=5)
    assert [c.speaker for c in claims] == [None, "préfecture"] or [c.speaker for c in claims] == [
        "préfecture",
        None,
    ]
    first = next(c for c in claims if c.speaker is None)
    assert ARTICLE[first.start : first.end] == reply["claims"][0]["quote"]  # type: ignore[index]
    assert all("llm" in c.reasons and c.language == "fr" for c in claims)
    body = seen[0]["body"]
    assert body["model"] == "test-model"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    assert seen[0]["headers"]["Authorization"] == "Bearer k-123"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("this is not json", "not JSON"),
        (json.dumps({"items": []}), '"claims" list'),
        (json.dumps({"claims": [{"text": 42}]}), "not a string"),
        (json.dumps({"claims": [{"text": "x" * 5000}]}), "longer than"),
        (json.dumps({"claims": []}), "no claims"),
        ("[" * 200_000, "not JSON (maximum recursion depth exceeded"),
    ],
)
async def test_invalid_output_falls_back_to_builtin(
    serve: Callable[[Handler], Any], caplog: pytest.LogCaptureFixture, content: str, reason: str
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response(completion(content))

    base_url, _ = await serve(handler)
    with caplog.at_level(logging.WARNING, logger="claimbot.extraction"):
        claims = await extract_with_llm(ARTICLE, LLMConfig(base_url, "m", None), max_claims=5)
    assert claims == extract_claims(ARTICLE, max_claims=5)
    assert reason in caplog.text


async def test_http_500_falls_back(
    serve: Callable[[Handler], Any], caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    base_url, _ = await serve(handler)
    with caplog.at_level(logging.WARNING, logger="claimbot.extraction"):
        claims = await extract_with_llm(
            ARTICLE, LLMConfig(base_url, "m", None, backoff=0), max_claims=5
        )
    assert claims == extract_claims(ARTICLE, max_claims=5)
    assert "HTTP 500" in caplog.text


@pytest.mark.slow
async def test_timeout_falls_back(
    serve: Callable[[Handler], Any], caplog: pytest.LogCaptureFixture
) -> None:
    async def handler(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response(completion("{}"))

    base_url, _ = await serve(handler)
    config = LLMConfig(base_url, "m", None, timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="claimbot.extraction"):
        claims = await extract_with_llm(ARTICLE, config, max_claims=5)
    assert claims == extract_claims(ARTICLE, max_claims=5)
    assert "timed out" in caplog.text


async def test_connection_refused_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    async with httpx.AsyncClient() as client:
        with caplog.at_level(logging.WARNING, logger="claimbot.extraction"):
            claims = await extract_with_llm(
                ARTICLE, LLMConfig("http://127.0.0.1:9", "m", None), max_claims=5, client=client
            )
    assert claims == extract_claims(ARTICLE, max_claims=5)
    assert "ConnectError" in caplog.text


def test_parse_rejects_too_many_claims() -> None:
    with pytest.raises(ValueError, match="far above"):
        parse_llm_reply(json.dumps({"claims": [{"text": "a"}] * 10}), max_claims=3)


def test_locate_falls_back_to_fuzzy_sentence_then_to_minus_one() -> None:
    start, end = locate(ARTICLE, "", "Selon la préfecture, 1200 logements seront rénovés.")
    assert ARTICLE[start:end] == "Selon la préfecture, 1 200 logements seront rénovés."
    assert locate(ARTICLE, "", "Completely unrelated statement about the weather.") == (-1, -1)
