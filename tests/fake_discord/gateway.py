"""Gateway v10 over aiohttp websockets: HELLO, IDENTIFY/READY, RESUME/replay, dispatch.

Sessions are kept separately from websocket connections, like Discord: a dropped
connection leaves its session resumable and buffering events, so a RESUME replays what
the client missed; a clean client close (1000/1001) or an INVALID_SESSION ends it, and a
fresh IDENTIFY never sees older events. Events are filtered by the intents the client
asked for, and message content is blanked without the MESSAGE_CONTENT intent, so a bot
with wrong intents fails here the way it would in production.

Frames are sent as TEXT JSON: discord.py asks for ``compress=zlib-stream`` but only
inflates BINARY frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .state import JSON, FakeState

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_MESSAGE_CONTENT = 1 << 15

#: Which intent a client needs to receive an event (events not listed are always sent).
EVENT_INTENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "GUILD_CREATE",
            "GUILD_UPDATE",
            "GUILD_DELETE",
            "GUILD_ROLE_CREATE",
            "GUILD_ROLE_UPDATE",
            "GUILD_ROLE_DELETE",
            "CHANNEL_CREATE",
            "CHANNEL_UPDATE",
            "CHANNEL_DELETE",
            "THREAD_CREATE",
            "THREAD_UPDATE",
            "THREAD_DELETE",
            "THREAD_MEMBER_UPDATE",
        ),
        INTENT_GUILDS,
    ),
    **dict.fromkeys(
        ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "THREAD_MEMBERS_UPDATE"),
        INTENT_GUILD_MEMBERS,
    ),
    **dict.fromkeys(
        ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"),
        INTENT_GUILD_MESSAGES,
    ),
    **dict.fromkeys(
        (
            "MESSAGE_REACTION_ADD",
            "MESSAGE_REACTION_REMOVE",
            "MESSAGE_REACTION_REMOVE_ALL",
            "MESSAGE_REACTION_REMOVE_EMOJI",
        ),
        INTENT_GUILD_MESSAGE_REACTIONS,
    ),
}

_CLOSE = object()


@dataclass
class GatewayLogEntry:
    """One frame seen by the fake: ``direction`` is "recv" (from client) or "send"."""

    direction: str
    op: int
    event: str | None = None
    session_id: str | None = None


@dataclass(eq=False)
class Session:
    """A gateway session: sequence numbers and a replay buffer that survive reconnects."""

    id: str
    intents: int
    token: str
    seq: int = 0
    conn: Connection | None = None
    dead: bool = False
    buffer: deque[JSON] = field(default_factory=lambda: deque(maxlen=5000))

    def push(self, event: str, data: JSON, log: list[GatewayLogEntry]) -> None:
        self.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
        self.buffer.append(payload)
        if self.conn is not None and not self.conn.closing:
            self.conn.send(payload)
            log.append(GatewayLogEntry("send", OP_DISPATCH, event, self.id))


class Connection:
    """One websocket; outgoing frames go through a queue so dispatch can be synchronous."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.session: Session | None = None
        self.closing = False
        self.done = asyncio.Event()

    def send(self, payload: JSON) -> None:
        self.queue.put_nowait(payload)

    def close(self, code: int) -> None:
        """Close after everything already queued has been written."""
        self.closing = True
        self.queue.put_nowait((_CLOSE, code))

    async def writer(self) -> None:
        while True:
            item = await self.queue.get()
            if isinstance(item, tuple) and item and item[0] is _CLOSE:
                with contextlib.suppress(Exception):
                    await self.ws.close(code=item[1])
                return
            try:
                await self.ws.send_str(json.dumps(item))
            except (ConnectionError, RuntimeError):
                return


class Gateway:
    """Serves websocket connections and fans out dispatches to live sessions."""

    def __init__(
        self,
        state: FakeState,
        *,
        gateway_url: Callable[[], str],
        token: Callable[[], str | None],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self.state = state
        self._gateway_url = gateway_url
        self._token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.log: list[GatewayLogEntry] = []
        self.presence_updates: list[JSON] = []
        self._open = asyncio.Event()
        self._open.set()
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ status

    @property
    def connected(self) -> bool:
        return any(
            s.conn is not None and not s.conn.closing and not s.dead for s in self.sessions.values()
        )

    def count(self, op: int) -> int:
        return sum(1 for e in self.log if e.direction == "recv" and e.op == op)

    # ------------------------------------------------------------------ websocket

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0, timeout=2.0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        writer = asyncio.create_task(conn.writer())
        try:
            await self._open.wait()
            conn.send({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
            self.log.append(GatewayLogEntry("send", OP_HELLO))
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    self._on_frame(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self._on_closed(conn, ws.close_code)
            if not conn.closing:
                conn.closing = True
                conn.queue.put_nowait((_CLOSE, 1000))
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(writer, timeout=3)
            self.connections.discard(conn)
            conn.done.set()
        return ws

    def _on_closed(self, conn: Connection, code: int | None) -> None:
        session = conn.session
        if session is None or session.conn is not conn:
            return
        session.conn = None
        if code in (1000, 1001) and not conn.closing:
            # A client closing cleanly ends its session (Discord invalidates it).
            session.dead = True

    def _on_frame(self, conn: Connection, frame: JSON) -> None:
        op = frame.get("op")
        data = frame.get("d")
        self.log.append(
            GatewayLogEntry(
                "recv",
                int(op) if isinstance(op, int) else -1,
                None,
                conn.session.id if conn.session else None,
            )
        )
        if op == OP_HEARTBEAT:
            conn.send({"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            self._identify(conn, data or {})
        elif op == OP_RESUME:
            self._resume(conn, data or {})
        elif op == OP_REQUEST_GUILD_MEMBERS:
            self._request_members(conn, data or {})
        elif op == OP_PRESENCE_UPDATE:
            self.presence_updates.append(data or {})

    def _identify(self, conn: Connection, data: JSON) -> None:
        expected = self._token()
        token = str(data.get("token", ""))
        if expected is not None and token.removeprefix("Bot ") != expected:
            conn.close(4004)
            return
        if conn.session is not None:
            conn.close(4005)
            return
        session = Session(secrets.token_hex(16), int(data.get("intents") or 0), token)
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        state = self.state
        ready = {
            "v": 10,
            "user": state.user_payload(state.bot_user_id)
            | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(gid), "unavailable": True} for gid in state.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._gateway_url(),
            "shard": data.get("shard", [0, 1]),
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
        }
        session.push("READY", ready, self.log)
        with_members = bool(session.intents & INTENT_GUILD_MEMBERS)
        for gid in state.guilds:
            payload = state.guild_payload(gid, gateway=True, include_members=with_members)
            session.push("GUILD_CREATE", payload, self.log)

    def _resume(self, conn: Connection, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.dead or str(data.get("token", "")) != session.token:
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            self.log.append(GatewayLogEntry("send", OP_INVALID_SESSION))
            return
        if session.conn is not None and session.conn is not conn:
            session.conn.close(4000)
        session.conn = conn
        conn.session = session
        last = int(data.get("seq") or 0)
        for payload in list(session.buffer):
            if payload["s"] > last:
                conn.send(payload)
                self.log.append(GatewayLogEntry("send", OP_DISPATCH, payload["t"], session.id))
        session.push("RESUMED", {}, self.log)

    def _request_members(self, conn: Connection, data: JSON) -> None:
        session = conn.session
        if session is None:
            conn.close(4003)
            return
        gid = int(data.get("guild_id") or 0)
        guild = self.state.guilds.get(gid)
        if guild is None:
            return
        wanted = [int(u) for u in data.get("user_ids") or []]
        query = data.get("query")
        limit = int(data.get("limit") or 0)
        if wanted:
            ids = [u for u in wanted if u in guild.members]
        else:
            prefix = (query or "").lower()
            ids = [
                uid
                for uid, m in guild.members.items()
                if self.state.users[uid].username.lower().startswith(prefix)
                or (m.nick or "").lower().startswith(prefix)
            ]
        if limit:
            ids = ids[:limit]
        chunk: JSON = {
            "guild_id": str(gid),
            "members": [self.state.member_payload(gid, uid) for uid in ids],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in wanted if u not in guild.members],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        session.push("GUILD_MEMBERS_CHUNK", chunk, self.log)

    # ------------------------------------------------------------------ dispatch

    def dispatch(self, event: str, data: JSON) -> int:
        """Send an event to every live session that has the intent; returns how many."""
        needed = EVENT_INTENTS.get(event, 0)
        sent = 0
        for session in list(self.sessions.values()):
            if session.dead or (needed and not session.intents & needed):
                continue
            session.push(event, self._for_session(session, event, data), self.log)
            sent += 1
        return sent

    def _for_session(self, session: Session, event: str, data: JSON) -> JSON:
        if event == "GUILD_CREATE" and not session.intents & INTENT_GUILD_MEMBERS:
            bot_id = str(self.state.bot_user_id)
            members = [m for m in data.get("members") or [] if m["user"]["id"] == bot_id]
            return data | {"members": members}
        if (
            event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            or session.intents & INTENT_MESSAGE_CONTENT
        ):
            return data
        bot_id = str(self.state.bot_user_id)
        author = (data.get("author") or {}).get("id")
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions") or [])
        if author == bot_id or mentioned:
            return data
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}

    # ------------------------------------------------------------------ faults

    async def drop(self, *, resumable: bool, use_reconnect_opcode: bool, hold: bool) -> None:
        """Disconnect every identified client; optionally hold new connections before HELLO."""
        if hold:
            self._open.clear()
        conns = [c for c in self.connections if c.session is not None and not c.closing]
        for conn in conns:
            assert conn.session is not None
            if not resumable:
                conn.session.dead = True
            if use_reconnect_opcode:
                conn.send({"op": OP_RECONNECT, "d": None})
                self.log.append(GatewayLogEntry("send", OP_RECONNECT))
            else:
                conn.close(4000 if resumable else 4009)
            # From now on the session buffers instead of writing to this socket.
            conn.session.conn = None
        await self._wait_closed(conns)

    def release(self) -> None:
        self._open.set()

    async def invalidate(self) -> None:
        conns = [c for c in self.connections if c.session is not None and not c.closing]
        for conn in conns:
            assert conn.session is not None
            conn.session.dead = True
            conn.session.conn = None
            conn.send({"op": OP_INVALID_SESSION, "d": False})
            self.log.append(GatewayLogEntry("send", OP_INVALID_SESSION))
        await self._wait_closed(conns)

    async def _wait_closed(self, conns: list[Connection]) -> None:
        if conns:
            await asyncio.wait_for(asyncio.gather(*(c.done.wait() for c in conns)), timeout=10)

    async def close_all(self) -> None:
        self._open.set()
        conns = list(self.connections)
        for conn in conns:
            if not conn.closing:
                conn.close(1001)
        with contextlib.suppress(asyncio.TimeoutError):
            await self._wait_closed(conns)
