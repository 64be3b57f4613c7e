"""`/claim submit` with the LLM backend configured: the bot asks the endpoint, posts what
it says, and falls back to the built-in extractor when it fails."""

from __future__ import annotations

import json

from bot.core.render import escape_markdown
from bot.services.llm_extraction import SYSTEM_PROMPT
from tests.e2e.articles import HARBOUR_ARTICLE
from tests.e2e.test_submit import expected_claims, posted_texts
from tests.llm_stub import LLMStub, Reply
from tests.support.world import BotRunner, World, setup_review

VOTE = "The city council of Port Averly voted 9 to 2 on Tuesday to buy three electric ferries."
PING = "@everyone Mayor Ilse Moreno said harbour ridership rose by 14 percent in 2025 <@&42>."


async def test_submit_posts_the_llms_claims(runner: BotRunner, world: World) -> None:
    with LLMStub() as stub:
        stub.then(
            Reply(
                json.dumps(
                    {
                        "claims": [
                            {"text": VOTE, "speaker": None, "quote": VOTE},
                            {"text": PING, "speaker": "Mayor Ilse Moreno", "quote": ""},
                        ]
                    }
                )
            )
        )
        await runner.start(**stub.env())
        await setup_review(world)
        rec = await world.slash(world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})
        await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    assert sorted(posted_texts(world)) == sorted(escape_markdown(t) for t in (VOTE, PING))
    assert len(stub.requests) == 1
    assert stub.requests[0]["messages"][0]["content"] == SYSTEM_PROMPT
    assert stub.requests[0]["messages"][1]["content"].endswith(HARBOUR_ARTICLE.strip())
    # The runner fixture then checks that nothing the bot posted pinged anyone.


async def test_submit_falls_back_when_the_endpoint_fails(runner: BotRunner, world: World) -> None:
    with LLMStub() as stub:
        stub.then(Reply(status=503), Reply(status=503))
        await runner.start(**stub.env(CLAIMBOT_LLM_MAX_RETRIES="1"))
        await setup_review(world)
        rec = await world.slash(world.reviewers[0], "claim submit", {"text": HARBOUR_ARTICLE})
        await world.fake.wait_for(lambda: (rec.final_content() or "").startswith("Posted"))
    assert posted_texts(world) == [escape_markdown(t) for t in expected_claims(HARBOUR_ARTICLE)]
    assert len(stub.requests) == 2
