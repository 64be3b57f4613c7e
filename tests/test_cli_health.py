"""`claimbot run` with CLAIMBOT_HEALTH_PORT: a port another process holds is one line and
exit code 2 (a setting to change, not worth a restart), and nothing is left running; a free
one is served by the real process."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from tests.fake_discord import FakeDiscord
from tests.support.cli import claimbot
from tests.support.process import BotProcess
from tests.support.world import TOKEN
from tests.test_metrics import free_port


def run_env(fake: FakeDiscord, database: Path, **extra: str) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": TOKEN,
        "DATABASE_PATH": str(database),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


@pytest.mark.slow
async def test_a_health_port_in_use_is_one_line_and_exit_2(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = run_env(fake_discord, tmp_path / "bot.db", CLAIMBOT_HEALTH_PORT=str(port))
        result = await asyncio.to_thread(claimbot, "run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"claimbot: Cannot serve /healthz and /metrics on 127.0.0.1:{port} "
        "(CLAIMBOT_HEALTH_HOST, CLAIMBOT_HEALTH_PORT): Address already in use."
    ]
    assert result.stdout == ""
    assert fake_discord.identify_count == 0  # it stopped before the gateway


@pytest.mark.slow
async def test_the_bot_process_serves_health_and_metrics(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    port = free_port()
    bot = BotProcess(fake_discord, tmp_path / "bot.db", env={"CLAIMBOT_HEALTH_PORT": str(port)})
    await bot.start()
    try:

        async def healthy() -> bool:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{port}/healthz") as response,
            ):
                return response.status == 200 and await response.text() == "ok\n"

        assert await fake_discord.wait_for(healthy, timeout=10)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            text = await response.text()
        assert response.status == 200
        assert 'claimbot_gateway_events_received_total{event="READY"} 1.0' in text.splitlines()
    finally:
        assert await bot.stop() == 0
