"""Gateway v10 over aiohttp websockets: HELLO, IDENTIFY/READY, RESUME/replay, dispatch.

Sessions are kept separately from websocket connections, like Discord: a dropped
connection leaves its session resumable and buffering events, so a RESUME replays what
the client missed; a clean client close (1000/1001) or an INVALID_SESSION ends it, and a
fresh IDENTIFY never sees older events. Events are filtered by the intents the client
asked for, and message content is blanked without the MESSAGE_CONTENT intent, so a bot
with wrong intents fails here the way it would in production.

Sessions are sharded like Discord's (see ``shards.py``): each gets only the guilds and
events of the ``[shard_id, num_shards]`` it identified with, an invalid shard is closed with
4010, and a session that would hold more than ``max_guilds_per_session`` guilds with 4011.
A RESUME keeps the session's shard. ``GET /gateway/bot`` recommends ``shard_count`` shards
and reports ``max_concurrency``, which the fake does not enforce: ``point_discord_py_at``
removes discord.py's 5 s wait between IDENTIFYs, and pacing them is the library's job.

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

from .shards import MAX_GUILDS_PER_SESSION, UNSHARDED, InvalidShard, ShardKey, event_guild_id
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

CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_SHARDING_REQUIRED = 4011

#: IDENTIFYs a bot may send a day (Discord's default; RESUMEs do not count)
SESSION_STARTS_PER_DAY = 1000

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
    #: a dispatch's ``d`` as this session got it
    data: JSON | None = None


@dataclass
class IdentifyRecord:
    """One IDENTIFY as received: its ``shard`` as sent (None if absent), and the session it
    opened or the close code that refused it."""

    shard: Any
    intents: int
    session_id: str | None = None
    close_code: int | None = None


@dataclass(eq=False)
class Session:
    """A gateway session: sequence numbers and a replay buffer that survive reconnects."""

    id: str
    intents: int
    token: str
    shard: ShardKey = UNSHARDED
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
            log.append(GatewayLogEntry("send", OP_DISPATCH, event, self.id, data))


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
        shard_count: int = 1,
        max_guilds_per_session: int = MAX_GUILDS_PER_SESSION,
        max_concurrency: int = 1,
    ) -> None:
        if shard_count < 1 or max_concurrency < 1:
            raise ValueError("shard_count and max_concurrency must be at least 1")
        self.state = state
        self._gateway_url = gateway_url
        self._token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        #: the number of shards ``GET /gateway/bot`` recommends
        self.shard_count = shard_count
        self.max_guilds_per_session = max_guilds_per_session
        self.max_concurrency = max_concurrency
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.log: list[GatewayLogEntry] = []
        self.identifies: list[IdentifyRecord] = []
        self.presence_updates: list[JSON] = []
        self._open = asyncio.Event()
        self._open.set()
        self._tasks: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ status

    def _live(self) -> list[Session]:
        return [
            s
            for s in self.sessions.values()
            if s.conn is not None and not s.conn.closing and not s.dead
        ]

    @property
    def connected(self) -> bool:
        return bool(self._live())

    def session_start_limit(self) -> JSON:
        """``GET /gateway/bot``'s ``session_start_limit``: each session opened uses one start."""
        started = sum(1 for i in self.identifies if i.session_id is not None)
        return {
            "total": SESSION_STARTS_PER_DAY,
            "remaining": max(0, SESSION_STARTS_PER_DAY - started),
            "reset_after": 14400000,
            "max_concurrency": self.max_concurrency,
        }

    def connected_for(self, guild_id: int | None) -> bool:
        """A connected session receives this guild's events (None: DMs)."""
        return any(s.shard.receives(guild_id) for s in self._live())

    @property
    def connected_shards(self) -> list[int]:
        """The shard id of each connected session, sorted (a shard connected twice twice)."""
        return sorted(s.shard.shard_id for s in self._live())

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
        record = IdentifyRecord(data.get("shard"), int(data.get("intents") or 0))
        self.identifies.append(record)
        session = self._open_session(conn, data, record.intents)
        if isinstance(session, int):
            record.close_code = session
            conn.close(session)
            return
        record.session_id = session.id
        state = self.state
        guilds = [gid for gid in state.guilds if session.shard.receives(gid)]
        ready = {
            "v": 10,
            "user": state.user_payload(state.bot_user_id)
            | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._gateway_url(),
            "application": {"id": str(state.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
        }
        if data.get("shard") is not None:
            ready["shard"] = [session.shard.shard_id, session.shard.num_shards]
        session.push("READY", ready, self.log)
        with_members = bool(session.intents & INTENT_GUILD_MEMBERS)
        for gid in guilds:
            payload = state.guild_payload(gid, gateway=True, include_members=with_members)
            session.push("GUILD_CREATE", payload, self.log)

    def _open_session(self, conn: Connection, data: JSON, intents: int) -> Session | int:
        """A new session for a valid IDENTIFY, else the close code Discord refuses it with."""
        expected = self._token()
        token = str(data.get("token", ""))
        if expected is not None and token.removeprefix("Bot ") != expected:
            return CLOSE_AUTHENTICATION_FAILED
        if conn.session is not None:
            return CLOSE_ALREADY_AUTHENTICATED
        try:
            shard = ShardKey.from_identify(data.get("shard"))
        except InvalidShard:
            return CLOSE_INVALID_SHARD
        held = sum(1 for gid in self.state.guilds if shard.receives(gid))
        if held > self.max_guilds_per_session:
            return CLOSE_SHARDING_REQUIRED
        session = Session(secrets.token_hex(16), intents, token, shard)
        self.sessions[session.id] = session
        session.conn = conn
        conn.session = session
        return session

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
                self.log.append(
                    GatewayLogEntry("send", OP_DISPATCH, payload["t"], session.id, payload["d"])
                )
        session.push("RESUMED", {}, self.log)

    def _request_members(self, conn: Connection, data: JSON) -> None:
        session = conn.session
        if session is None:
            conn.close(4003)
            return
        gid = int(data.get("guild_id") or 0)
        guild = self.state.guilds.get(gid)
        if guild is None or not session.shard.receives(gid):
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
        """Send an event to every live session of its guild's shard that has the intent;
        returns how many."""
        needed = EVENT_INTENTS.get(event, 0)
        guild_id = event_guild_id(event, data)
        sent = 0
        for session in list(self.sessions.values()):
            if session.dead or (needed and not session.intents & needed):
                continue
            if not session.shard.receives(guild_id):
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

    def _identified(self, shard_id: int | None) -> list[Connection]:
        """Open connections with a session (of ``shard_id``, when given)."""
        return [
            c
            for c in self.connections
            if c.session is not None
            and not c.closing
            and (shard_id is None or c.session.shard.shard_id == shard_id)
        ]

    async def drop(
        self,
        *,
        resumable: bool,
        use_reconnect_opcode: bool,
        hold: bool,
        shard_id: int | None = None,
    ) -> None:
        """Disconnect every identified client (of ``shard_id``, when given); optionally hold
        new connections before HELLO."""
        if hold:
            self._open.clear()
        conns = self._identified(shard_id)
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

    async def invalidate(self, shard_id: int | None = None) -> None:
        conns = self._identified(shard_id)
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
