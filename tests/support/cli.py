"""The `claimbot` command for tests: as its own process (what a user runs, and the only way
to see its imports or its signals), or in this process through `main`, which is what most
tests need and costs no interpreter start-up."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Settings a developer's shell may hold; every run starts without them.
_SETTING_PREFIXES = ("DISCORD_", "CLAIMBOT_")
_DATABASE_SETTINGS = ("DATABASE_PATH", "DATABASE_URL")


def clean_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_SETTING_PREFIXES)}
    for name in _DATABASE_SETTINGS:
        clean.pop(name, None)
    clean["PYTHONPATH"] = str(REPO)
    clean.update(env or {})
    return clean


def claimbot(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    stdin: str = "",
    python_options: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as its own process, in `cwd`, with only the settings in `env`."""
    return subprocess.run(
        [sys.executable, *python_options, "-m", "bot", *args],
        cwd=cwd,
        env=clean_environment(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@dataclass(frozen=True)
class Outcome:
    """What `claimbot` gave back: the fields of subprocess.CompletedProcess that tests read."""

    returncode: int
    stdout: str
    stderr: str


class InProcess:
    """`bot.cli.main(ARGS)` in this process, in `cwd` with only the settings in `env` (over
    the `env` given here), stdin fed from bytes or text, stdout and stderr caught (the bytes
    written to `.buffer` too)."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, cwd: Path, env: dict[str, str] | None = None
    ) -> None:
        self._monkeypatch = monkeypatch
        self.cwd = cwd
        self.env = dict(env or {})

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, stdin: str | bytes = ""
    ) -> Outcome:
        from bot.cli import main

        raw = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
        with self._environment(env), _streams(raw) as (out, err):
            code = main(list(args))
        return Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))

    @contextmanager
    def _environment(self, env: dict[str, str] | None) -> Iterator[None]:
        with self._monkeypatch.context() as patch:
            patch.chdir(self.cwd)
            for name in list(os.environ):
                if name.startswith(_SETTING_PREFIXES) or name in _DATABASE_SETTINGS:
                    patch.delenv(name)
            for name, value in {**self.env, **(env or {})}.items():
                patch.setenv(name, value)
            yield


@contextmanager
def _streams(stdin: bytes) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    out, err = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    )
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for stream in streams:
            stream.detach()  # else closing the wrapper would close the bytes read afterwards
