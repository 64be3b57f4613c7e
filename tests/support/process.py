"""The bot as its own process: `python -m bot run`, the real entry point, pointed at the
fake Discord through the environment (used by the kill test and the benchmarks)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.config import Settings
from tests.fake_discord import FakeDiscord
from tests.support.world import TOKEN

REPO = Path(__file__).resolve().parents[2]

# What the kill test runs with; `env` adds to or overrides these.
DEFAULT_ENV: dict[str, str] = {
    "CLAIMBOT_SUBMIT_COOLDOWN": "0",
    "CLAIMBOT_EDIT_INTERVAL": "0.3",
    "LOG_LEVEL": "WARNING",
}


class BotProcess:
    """`python -m bot run` as a user starts it, pointed at the fake Discord.

    `env` adds to or overrides `DEFAULT_ENV` (CLAIMBOT_*, LOG_LEVEL, ...); inherited
    DISCORD_* and CLAIMBOT_* variables are dropped so the caller's shell cannot leak in.
    stdout and stderr (the bot's log) are appended to `log_path` (default: next to the
    database, `<name>.log`); `log_tail()` shows the end of it on failure. `python_args`
    go between the interpreter and `-m bot run`, e.g. `["-m", "cProfile", "-o", "out.prof"]`.
    """

    def __init__(
        self,
        fake: FakeDiscord,
        database: Path,
        *,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
        python_args: Sequence[str] = (),
    ) -> None:
        self.fake = fake
        self.database = database
        self.env = {**DEFAULT_ENV, **(env or {})}
        self.log_path = log_path or database.with_name(database.name + ".log")
        self.python_args = list(python_args)
        self.process: asyncio.subprocess.Process | None = None
        #: True when the last `stop()` had to SIGKILL after the timeout
        self.killed = False

    @property
    def pid(self) -> int:
        assert self.process is not None, "the bot process was not started"
        return self.process.pid

    @property
    def shard_ids(self) -> list[int] | None:
        """The shards it runs, read from its CLAIMBOT_SHARD_* as the bot reads them; None
        unsharded."""
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            CLAIMBOT_SHARD_COUNT=self.env.get("CLAIMBOT_SHARD_COUNT", ""),
            CLAIMBOT_SHARD_IDS=self.env.get("CLAIMBOT_SHARD_IDS", ""),
        )
        return list(settings.shards.ids) if settings.sharded else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Start the process; returns once it has identified on the fake gateway (on each of
        its shards, when it runs shards)."""
        identified = self.fake.identify_count
        shard_ids = self.shard_ids
        sessions = len(shard_ids) if shard_ids is not None else 1
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CLAIMBOT_"))},
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": str(self.database),
            "DISCORD_API_BASE": self.fake.api_base,
            "DISCORD_GATEWAY_URL": self.fake.gateway_url,
            **self.env,
        }
        self.killed = False
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *self.python_args,
                "-m",
                "bot",
                "run",
                cwd=self.database.parent,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        process = self.process

        def identified_or_exited() -> bool:
            if process.returncode is not None:
                raise RuntimeError(
                    f"the bot exited with {process.returncode} before identifying:\n"
                    + self.log_tail()
                )
            return self.fake.identify_count >= identified + sessions

        await self.fake.wait_for(identified_or_exited, timeout=timeout, what="the bot to identify")
        await self.fake.wait_until_connected(timeout=timeout, shard_ids=shard_ids)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines the bot wrote to stdout/stderr."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self, timeout: float = 15.0) -> int | None:  # noqa: ASYNC109
        """SIGTERM, then SIGKILL after `timeout` seconds; returns the exit code."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), timeout)
            except TimeoutError:
                self.killed = True
                self.process.kill()
                await self.process.wait()
        return self.process.returncode
