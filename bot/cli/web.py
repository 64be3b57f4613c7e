"""`claimbot web`: the public verdict pages of the servers that publish, until SIGINT or
SIGTERM (bot/publish/server.py; docs/publishing.md).

With CLAIMBOT_WEB_WORKERS above 1 this process only looks after its workers: it checks the
port is free (and picks it when CLAIMBOT_WEB_PORT is 0), forks the workers before any thread
or event loop exists, waits until each listens on that port (SO_REUSEPORT: the kernel spreads
the connections), prints the one line, and passes SIGINT and SIGTERM on. One worker that
stops stops them all, with its exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import select
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from bot.cli.common import (
    DATABASE_FAILURES,
    EXIT_CONFIG,
    EXIT_OK,
    NO_DATABASE,
    WEB_PORT_UNAVAILABLE,
    CliError,
    database_errors,
    with_database,
)
from bot.cli.run import configure_logging

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.database import Database

FAILURES = (NO_DATABASE, *DATABASE_FAILURES, WEB_PORT_UNAVAILABLE)
STOP_SIGNALS: Final = {signal.SIGINT, signal.SIGTERM}
READY: Final = b"."  # a worker writes it to the pipe once it listens


def announce(host: str, port: int) -> None:
    """One line a supervisor (or a test) can wait for, with the port actually bound."""
    print(f"Serving the public pages on http://{host}:{port}/", flush=True)


async def serve(
    settings: Settings,
    db: Database,
    *,
    reuse_port: bool = False,
    ready: Callable[[int], None] | None = None,
) -> None:
    from bot.publish.cache import MAX_BYTES
    from bot.publish.server import PageServer, RateLimit, WebPortUnavailable

    server = PageServer(
        db,
        rate=RateLimit(settings.web_burst, settings.web_interval),
        cache_seconds=settings.web_cache_seconds,
        cache_bytes=MAX_BYTES // settings.web_workers,  # the workers share one budget
        behind_proxy=settings.web_proxy,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        port = await server.start(settings.web_host, settings.web_port, reuse_port=reuse_port)
    except WebPortUnavailable as exc:
        raise CliError(str(exc), EXIT_CONFIG) from None
    # What start-up made lives as long as the process: out of the collector's sight, so a
    # full collection scans only the pages of the moment (as `claimbot run` does).
    gc.collect()
    gc.freeze()
    if ready is None:
        announce(settings.web_host, port)
    else:
        ready(port)
    try:
        await stop.wait()
    finally:
        logging.getLogger("claimbot").info("shutting down")
        await server.close()


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    if settings.web_workers > 1:
        return _serve_with_workers(settings)

    async def work(db: Database) -> None:
        await serve(settings, db)

    with database_errors():
        asyncio.run(with_database(settings, work))
    return EXIT_OK


# -- workers ----------------------------------------------------------------------------------


def _claim_port(host: str, port: int) -> socket.socket:
    """A socket bound (not listening) to host:port with SO_REUSEPORT: it picks the port when
    `port` is 0, says at once when another program holds it, and keeps it until the workers
    listen on it."""
    from bot.publish.server import port_unavailable

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        probe = socket.socket(family, kind, proto)
    except OSError as exc:
        raise CliError(str(port_unavailable(host, port, exc)), EXIT_CONFIG) from None
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.bind(address)
    except OSError as exc:
        probe.close()
        raise CliError(str(port_unavailable(host, port, exc)), EXIT_CONFIG) from None
    return probe


def _check_database(settings: Settings) -> None:
    """Open (and migrate) the database once here, so that a database the workers cannot use
    is one line, not one per worker; then wait for its thread to end before forking."""

    async def nothing(db: Database) -> None:
        return None

    with database_errors():
        asyncio.run(with_database(settings, nothing))
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(timeout=5)


def _serve_with_workers(settings: Settings) -> int:
    _check_database(settings)
    # Imported and frozen once here, before the fork: the workers share these pages rather
    # than each importing its own copy (the collector then never writes to them either).
    import bot.publish.server
    import bot.storage.database  # noqa: F401

    gc.collect()
    gc.freeze()
    probe = _claim_port(settings.web_host, settings.web_port)
    port = int(probe.getsockname()[1])
    worker_settings = settings.model_copy(update={"web_port": port})
    # Blocked before forking (each worker unblocks them), so a signal arriving meanwhile
    # waits for `sigwaitinfo` below instead of killing this process without its workers.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS | {signal.SIGCHLD})
    readiness, ready_end = os.pipe()
    workers: list[int] = []
    for _ in range(settings.web_workers):
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(readiness)
            probe.close()
            os._exit(_worker(worker_settings, ready_end))
        workers.append(pid)
    os.close(ready_end)
    try:
        if _all_ready(readiness, workers):
            announce(settings.web_host, port)
    finally:
        os.close(readiness)
        probe.close()
    return _supervise(workers)


def _worker(settings: Settings, ready_end: int) -> int:
    """One worker's life, in the forked process; its exit code."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS | {signal.SIGCHLD})

    def ready(port: int) -> None:
        os.write(ready_end, READY)
        os.close(ready_end)

    async def work(db: Database) -> None:
        await serve(settings, db, reuse_port=True, ready=ready)

    code = EXIT_OK
    try:
        with database_errors():
            asyncio.run(with_database(settings, work))
    except CliError as exc:
        print(f"claimbot: {exc}", file=sys.stderr)
        code = exc.code
    except BaseException:  # an unexpected error: its traceback, as the main process would
        logging.getLogger("claimbot").exception("a web worker failed")
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _all_ready(readiness: int, workers: list[int]) -> bool:
    """Wait until every worker listens (True) or one of them has stopped (False, the worker
    left for `_supervise` to collect)."""
    count = 0
    while count < len(workers):
        readable, _, _ = select.select([readiness], [], [], 0.1)
        if readable:
            count += len(os.read(readiness, len(workers)))
        for pid in workers:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return False
    return True


def _supervise(workers: list[int]) -> int:
    """Until a stop signal or a worker's end; then stop every worker. The first failing
    worker's exit code (1 for one killed by a signal), else 0."""
    running = set(workers)
    codes: list[int] = []

    def collect(block: bool) -> None:
        for pid in list(running):
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            if done:
                running.discard(pid)
                codes.append(os.waitstatus_to_exitcode(status))

    collect(block=False)  # one that stopped while the others started
    while not codes:
        if signal.sigwaitinfo(STOP_SIGNALS | {signal.SIGCHLD}).si_signo in STOP_SIGNALS:
            break
        collect(block=False)
    for pid in running:
        os.kill(pid, signal.SIGTERM)
    collect(block=True)
    failed = [code for code in codes if code != 0]
    if not failed:
        return EXIT_OK
    return failed[0] if failed[0] > 0 else 1
