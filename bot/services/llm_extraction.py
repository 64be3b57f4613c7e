"""Optional LLM backend: ask an OpenAI-compatible endpoint for decontextualised claims.

Off by default; the caller builds an `LLMConfig` and awaits `extract_with_llm`.
The reply is validated strictly (JSON object, `claims` list of objects with
string fields of bounded length, bounded count), each claim is located in the
source where possible and scored by the built-in scorer.  Any failure (timeout,
HTTP error, bad JSON, wrong schema, nothing usable) falls back to the built-in
extractor, run in a worker thread, and logs why on "claimbot.extraction".
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import re
from dataclasses import dataclass

import httpx

from bot.extraction.candidate import ClaimCandidate
from bot.extraction.language import detect_language
from bot.extraction.lexicon import get_lexicon
from bot.extraction.pipeline import extract_claims, prepare_text
from bot.extraction.scoring import assess
from bot.extraction.segment import split_sentences

logger = logging.getLogger("claimbot.extraction")

MAX_LLM_INPUT_CHARS = 30_000
MAX_CLAIM_CHARS = 600
MAX_FIELD_CHARS = 200
MIN_FUZZY_RATIO = 0.6
LLM_SCORE_FLOOR = 0.05

SYSTEM_PROMPT = (
    "You extract check-worthy factual claims from news articles for fact-checkers. "
    "Return only verifiable statements of fact (figures, dates, events, actions, reported "
    "statements), each rewritten to stand on its own (resolve pronouns, no connectors). "
    "Skip headlines, bylines, photo credits, questions, opinions, intentions, predictions "
    "and speculation. Keep the article's language. Answer with JSON only: "
    '{"claims": [{"text": str, "attribution": str or null, "quote": str}]} where '
    '"attribution" is who makes the claim according to the article and "quote" is the '
    "exact source sentence copied from the article."
)

_SPACES = re.compile(r"\s+")


class LLMOutputError(ValueError):
    """The endpoint answered, but not with what was asked."""


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Where and how to call the chat-completions endpoint."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class _LLMClaim:
    text: str
    attribution: str | None
    quote: str


def _field(item: dict[str, object], key: str, *, required: bool, limit: int) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise LLMOutputError(f"claim field {key!r} is not a string")
    value = _SPACES.sub(" ", value).strip()
    if required and not value:
        raise LLMOutputError(f"claim field {key!r} is empty")
    if len(value) > limit:
        raise LLMOutputError(f"claim field {key!r} is longer than {limit} characters")
    return value or None


def parse_llm_reply(content: str, max_claims: int) -> list[_LLMClaim]:
    """Strictly validate the model's JSON reply; raises LLMOutputError."""
    try:
        payload = json.loads(content)
    except (json.JSONDecodeError, TypeError) as error:
        raise LLMOutputError(f"reply is not JSON ({error})") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("claims"), list):
        raise LLMOutputError('reply is not an object with a "claims" list')
    items = payload["claims"]
    if len(items) > max_claims * 3:
        raise LLMOutputError(f"reply has {len(items)} claims, far above {max_claims}")
    claims: list[_LLMClaim] = []
    for item in items:
        if not isinstance(item, dict):
            raise LLMOutputError("a claim is not an object")
        text = _field(item, "text", required=True, limit=MAX_CLAIM_CHARS)
        attribution = _field(item, "attribution", required=False, limit=MAX_FIELD_CHARS)
        quote = _field(item, "quote", required=False, limit=MAX_CLAIM_CHARS * 2)
        assert text is not None
        claims.append(_LLMClaim(text, attribution, quote or ""))
    return claims


def locate(source: str, quote: str, text: str) -> tuple[int, int]:
    """Offsets of the claim in `source`: exact quote, else best fuzzy sentence, else -1, -1."""
    for needle in (quote, text):
        if needle:
            index = source.find(needle)
            if index >= 0:
                return index, index + len(needle)
    target = _SPACES.sub(" ", quote or text).casefold()
    best, best_ratio = (-1, -1), MIN_FUZZY_RATIO
    for start, end in split_sentences(source):
        candidate = _SPACES.sub(" ", source[start:end]).casefold()
        matcher = difflib.SequenceMatcher(None, target, candidate, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = (start, end), ratio
    return best


def _to_candidates(source: str, claims: list[_LLMClaim], max_claims: int) -> list[ClaimCandidate]:
    language = detect_language(source)
    lexicon = get_lexicon(language)
    candidates: list[ClaimCandidate] = []
    for claim in claims:
        assessment = assess(claim.text, lexicon, external_source=claim.attribution is not None)
        start, end = locate(source, claim.quote, claim.text)
        reasons = ("llm", *assessment.signals.tags())
        candidates.append(
            ClaimCandidate(
                text=claim.text,
                score=round(max(LLM_SCORE_FLOOR, assessment.score), 4),
                start=start,
                end=end,
                attribution=claim.attribution,
                language=language,
                reasons=reasons,
            )
        )
    candidates.sort(key=lambda c: -c.score)
    return candidates[:max_claims]


async def _ask(text: str, config: LLMConfig, max_claims: int, client: httpx.AsyncClient) -> str:
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    body = {
        "model": config.model,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": f"At most {max_claims} claims.\n\nArticle:\n{text}",
            },
        ],
    }
    url = config.base_url.rstrip("/") + "/chat/completions"
    response = await client.post(url, json=body, headers=headers, timeout=config.timeout)
    response.raise_for_status()
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise LLMOutputError(f"response is not a chat completion ({error!r})") from None
    if not isinstance(content, str):
        raise LLMOutputError("chat completion content is not a string")
    return content


async def extract_with_llm(
    text: str,
    config: LLMConfig,
    *,
    max_claims: int,
    client: httpx.AsyncClient | None = None,
) -> list[ClaimCandidate]:
    """Claims from the LLM, or from the built-in extractor when the LLM fails."""
    text = prepare_text(text)
    try:
        if client is None:
            async with httpx.AsyncClient() as own_client:
                content = await _ask(text[:MAX_LLM_INPUT_CHARS], config, max_claims, own_client)
        else:
            content = await _ask(text[:MAX_LLM_INPUT_CHARS], config, max_claims, client)
        claims = _to_candidates(text, parse_llm_reply(content, max_claims), max_claims)
        if not claims:
            raise LLMOutputError("no claims in the reply")
        return claims
    except httpx.TimeoutException:
        logger.warning("LLM claim extraction timed out after %.1fs; using built-in", config.timeout)
    except httpx.HTTPStatusError as error:
        logger.warning(
            "LLM claim extraction failed with HTTP %d; using built-in",
            error.response.status_code,
        )
    except httpx.HTTPError as error:
        logger.warning("LLM claim extraction failed (%s); using built-in", type(error).__name__)
    except LLMOutputError as error:
        logger.warning("LLM claim extraction gave unusable output: %s; using built-in", error)
    return await asyncio.to_thread(extract_claims, text, max_claims=max_claims)
