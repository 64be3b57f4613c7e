"""`claimbot web` as its own process, on a database the caller filled: started on a free port
(CLAIMBOT_WEB_PORT=0, the port read from the line it prints), stopped with SIGTERM. For the
CLI test, the browser test and benchmarks/web_pages.py."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.backends import database_setting
from tests.support.cli import REPO, clean_environment

_SERVING = re.compile(r"^Serving the public pages on http://127\.0\.0\.1:(\d+)/$")


class WebProcess:
    def __init__(self, database: Path | str, env: dict[str, str] | None = None) -> None:
        self.database = database
        self.env = {
            **database_setting(database),
            "CLAIMBOT_WEB_PORT": "0",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        """Start it and wait for its line (it has opened the database and listens)."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "web"],
            cwd=REPO,
            env=clean_environment(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        found = _SERVING.match(line)
        if found is None:
            error = self.process.stderr.read() if self.process.stderr else ""
            self.process.kill()
            raise RuntimeError(f"claimbot web did not start: {line!r} {error!r}")
        self.port = int(found.group(1))

    def rss_bytes(self) -> int:
        """Resident memory now (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        [line] = [f for f in fields if f.startswith("VmRSS:")]
        return int(line.split()[1]) * 1024

    def stop(self) -> int:
        """SIGTERM, then its exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            for stream in (self.process.stdout, self.process.stderr):
                if stream is not None:
                    stream.close()
