"""The local servers of the fetcher's tests, as fixtures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.web.servers import (
    Handler,
    RawServer,
    Server,
    build_app,
    start_app,
)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    runner, port = await start_app(build_app())
    yield Server(port)
    await runner.cleanup()


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[Handler], Awaitable[RawServer]]]:
    servers: list[tuple[asyncio.Server, RawServer]] = []

    async def start(handler: Handler) -> RawServer:
        holder: RawServer | None = None

        async def wrapped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            assert holder is not None
            holder.writers.append(writer)
            try:
                await reader.readuntil(b"\r\n\r\n")
                await handler(reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        srv = await asyncio.start_server(wrapped, "127.0.0.1", 0)
        holder = RawServer(srv.sockets[0].getsockname()[1])
        servers.append((srv, holder))
        return holder

    yield start
    for srv, holder in servers:
        srv.close()
        for writer in holder.writers:
            writer.close()
        await srv.wait_closed()
