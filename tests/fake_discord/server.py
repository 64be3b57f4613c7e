"""``FakeDiscord``: the aiohttp server plus the test-driver API (see package docstring)."""

from __future__ import annotations

import json
import re
import socket
import traceback
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

from aiohttp import web

from .errors import DiscordHTTPError, not_found, unauthorized
from .gateway import (
    OP_HEARTBEAT,
    OP_IDENTIFY,
    OP_RESUME,
    Gateway,
    GatewayLogEntry,
    IdentifyRecord,
)
from .interactions import FakeFile, InteractionRecord, InteractionRegistry
from .permissions import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MEMBER_OVERWRITE,
    ROLE_OVERWRITE,
    Overwrite,
)
from .rest import RecordedFile, RecordedRequest, RestApi, RestOptions, RestResponse, UnhandledRoute
from .shards import MAX_GUILDS_PER_SESSION, event_guild_id, shard_of
from .state import (
    CHANNEL_TEXT,
    JSON,
    FakeState,
    MessageRec,
    normalize_emoji,
)
from .waiting import poll_until

T = TypeVar("T")

API_PREFIX = "/api/v10"


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get this answer."""

    method: str
    pattern: re.Pattern[str]
    status: int
    json: Any
    headers: dict[str, str]
    remaining: int
    hits: list[RecordedRequest] = field(default_factory=list)
    raw: RawBody | None = None

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0
            and self.method in ("*", method)
            and bool(self.pattern.fullmatch(path))
        )


@dataclass(frozen=True)
class RawBody:
    """A response body sent as given, not as JSON: what a proxy or a broken Discord may
    answer (an HTML error page, a cut-off document)."""

    data: bytes
    content_type: str


def _default_fault_body(status: int) -> Any:
    if status == 429:
        return {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
    if status == 403:
        return {"message": "Missing Permissions", "code": 50013}
    if status == 404:
        return {"message": "Unknown Message", "code": 10008}
    if status == 401:
        return {"message": "401: Unauthorized", "code": 0}
    return {"message": f"{status}: injected fault", "code": 0}


def _json_response(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Built by hand: discord.py only parses JSON when Content-Type is exactly
    # "application/json" (aiohttp's json_response appends "; charset=utf-8").
    if body is None:
        return web.Response(status=status, headers=dict(headers or {}))
    if isinstance(body, RawBody):
        return web.Response(
            status=status,
            body=body.data,
            headers={**(headers or {}), "Content-Type": body.content_type},
        )
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


class FakeDiscord:
    """A local Discord (REST v10 + Gateway v10) for end-to-end tests of discord.py bots."""

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "ClaimBot",
        enforce_permissions: bool = True,
        interaction_deadline: float | None = 3.0,
        shard_count: int = 1,
        max_guilds_per_session: int = MAX_GUILDS_PER_SESSION,
        max_concurrency: int = 1,
    ) -> None:
        self.token = token
        self.state = FakeState(bot_username=bot_username)
        self.options = RestOptions(
            enforce_permissions=enforce_permissions, interaction_deadline=interaction_deadline
        )
        self.port = 0
        self.gateway = Gateway(
            self.state,
            gateway_url=lambda: self.gateway_url,
            token=lambda: self.token,
            shard_count=shard_count,
            max_guilds_per_session=max_guilds_per_session,
            max_concurrency=max_concurrency,
        )
        self.registry = InteractionRegistry(self.state)
        self.rest = RestApi(
            self.state, self.gateway, self.registry, self.options, lambda: self.gateway_url
        )
        #: every REST request, in arrival order
        self.requests: list[RecordedRequest] = []
        #: requests no route matched (answered 404 code 0)
        self.unhandled: list[RecordedRequest] = []
        #: exceptions raised inside the fake itself (answered 400 so discord.py won't retry)
        self.internal_errors: list[str] = []
        self.faults: list[Fault] = []
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.state.base_url = self.base_url
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP entry

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.gateway.handle(request)
        if request.path.startswith("/attachments/"):
            return self._serve_attachment(request)
        if not request.path.startswith(API_PREFIX + "/"):
            return _json_response(404, {"message": "404: Not Found", "code": 0})
        rec = await self._record(request)
        try:
            response = await self._answer(request, rec)
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            response = RestResponse(400, {"message": "fake Discord internal error", "code": 0})
        rec.status, rec.response = response.status, response.body
        return _json_response(response.status, response.body, response.headers)

    async def _record(self, request: web.Request) -> RecordedRequest:
        body: Any = None
        files: list[RecordedFile] = []
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not hasattr(part, "read"):
                    continue
                data = await part.read()  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if name == "payload_json":
                    body = json.loads(data.decode())
                else:
                    files.append(
                        RecordedFile(
                            name,
                            part.filename,  # type: ignore[union-attr]
                            part.headers.get("Content-Type"),
                            bytes(data),
                        )
                    )
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw.decode())
                except ValueError:
                    body = raw
        rec = RecordedRequest(
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
        )
        self.requests.append(rec)
        return rec

    async def _answer(self, request: web.Request, rec: RecordedRequest) -> RestResponse:
        for fault in self.faults:
            if fault.matches(rec.method, rec.path):
                fault.remaining -= 1
                fault.hits.append(rec)
                rec.faulted = True
                body = fault.raw if fault.raw is not None else fault.json
                return RestResponse(fault.status, body, fault.headers)
        needs_auth = not rec.path.startswith(("/webhooks/", "/interactions/"))
        authorized = request.headers.get("Authorization") == f"Bot {self.token}"
        if needs_auth and self.token is not None and not authorized:
            return RestResponse(401, unauthorized().body())
        try:
            return await self.rest.handle(rec)
        except DiscordHTTPError as exc:
            return RestResponse(exc.status, exc.body())
        except UnhandledRoute:
            rec.handled = False
            self.unhandled.append(rec)
            return RestResponse(404, not_found(rec.method, rec.path).body())

    def _serve_attachment(self, request: web.Request) -> web.Response:
        parts = request.path.split("/")
        try:
            att = self.state.attachments[int(parts[3])]
        except (IndexError, ValueError, KeyError):
            return web.Response(status=404)
        return web.Response(
            body=att.data, content_type=att.content_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ identities

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def bot_user_id(self) -> int:
        return self.state.bot_user_id

    # ------------------------------------------------------------------ builders

    def add_guild(
        self,
        name: str,
        owner_id: int | None = None,
        *,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        shard_id: int | None = None,
    ) -> int:
        """Create a guild with @everyone (id == guild id), the bot's managed role, owner and bot.

        ``shard_id`` picks an id that falls on that shard of ``shard_count`` (Discord's
        formula), so a test knows which shard serves the guild."""
        gid = self.state.add_guild(
            name,
            owner_id,
            everyone_permissions=everyone_permissions,
            bot_permissions=bot_permissions,
            shard=None if shard_id is None else (shard_id, self.shard_count),
        )
        if self.gateway.connected:
            with_members = self.state.guild_payload(gid, gateway=True)
            self.gateway.dispatch("GUILD_CREATE", with_members)
        return gid

    def add_text_channel(
        self,
        guild_id: int,
        name: str,
        *,
        topic: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> int:
        cid = self.state.add_channel(
            guild_id, name, type=CHANNEL_TEXT, topic=topic, overwrites=overwrites
        )
        self.gateway.dispatch("CHANNEL_CREATE", self.state.channel_payload(cid))
        return cid

    def add_thread(self, parent_id: int, name: str, *, owner_id: int | None = None) -> int:
        """A public thread by ``owner_id`` (default: guild owner) that has no starter message."""
        parent = self.state.channel(parent_id)
        owner = owner_id if owner_id is not None else self.state.guild(parent.guild_id).owner_id
        thread = self.state.add_thread(parent_id, name, owner_id=owner)
        self.gateway.dispatch(
            "THREAD_CREATE", self.state.channel_payload(thread.id) | {"newly_created": True}
        )
        return thread.id

    def add_role(
        self, guild_id: int, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> int:
        rid = self.state.add_role(guild_id, name, permissions, mentionable=mentionable)
        self._role_event("GUILD_ROLE_CREATE", guild_id, rid)
        return rid

    def add_user(self, username: str, *, bot: bool = False) -> int:
        """A user who is in no guild (yet); see ``add_member(..., user_id=...)``."""
        return self.state.add_user(username, bot=bot)

    def add_member(
        self,
        guild_id: int,
        username: str,
        roles: Iterable[int] = (),
        permissions: int | None = None,
        *,
        user_id: int | None = None,
        nick: str | None = None,
    ) -> int:
        """Add a member; ``permissions`` creates a personal role granting them (Discord has no
        per-member guild permissions). Pass ``user_id`` to add an existing user."""
        before = set(self.state.guild(guild_id).roles)
        uid = self.state.add_member(
            guild_id, username, roles, permissions, user_id=user_id, nick=nick
        )
        for rid in set(self.state.guild(guild_id).roles) - before:
            self._role_event("GUILD_ROLE_CREATE", guild_id, rid)
        self.gateway.dispatch(
            "GUILD_MEMBER_ADD",
            self.state.member_payload(guild_id, uid) | {"guild_id": str(guild_id)},
        )
        return uid

    def set_role_permissions(self, guild_id: int, role_id: int, permissions: int) -> None:
        self.state.guild(guild_id).roles[role_id].permissions = int(permissions)
        self._role_event("GUILD_ROLE_UPDATE", guild_id, role_id)

    def set_everyone_permissions(self, guild_id: int, permissions: int) -> None:
        self.set_role_permissions(guild_id, guild_id, permissions)

    def set_bot_permissions(self, guild_id: int, permissions: int) -> None:
        """Set the bot's managed role. Effective permissions are still OR-ed with @everyone;
        use ``set_everyone_permissions`` or ``set_channel_overwrite`` to take bits away."""
        self.set_role_permissions(guild_id, self.state.guild(guild_id).bot_role_id, permissions)

    def set_channel_overwrite(
        self,
        channel_id: int,
        target_id: int,
        *,
        allow: int = 0,
        deny: int = 0,
        kind: Literal["role", "member"] | None = None,
    ) -> None:
        """Add/replace a permission overwrite (kind inferred from the id if omitted)."""
        code = None if kind is None else (ROLE_OVERWRITE if kind == "role" else MEMBER_OVERWRITE)
        self.state.set_overwrite(channel_id, target_id, allow=allow, deny=deny, kind=code)
        self.gateway.dispatch("CHANNEL_UPDATE", self.state.channel_payload(channel_id))

    def permissions_of(self, channel_id: int, user_id: int) -> int:
        return self.state.permissions_in(channel_id, user_id)

    def bot_permissions(self, channel_id: int) -> int:
        return self.state.permissions_in(channel_id, self.state.bot_user_id)

    def _role_event(self, event: str, guild_id: int, role_id: int) -> None:
        role = self.state.guild(guild_id).roles[role_id]
        self.gateway.dispatch(event, {"guild_id": str(guild_id), "role": role.payload()})

    # ------------------------------------------------------------------ users acting

    def _msg(self, message: int | JSON | MessageRec) -> MessageRec:
        if isinstance(message, MessageRec):
            return message
        mid = int(message["id"]) if isinstance(message, dict) else int(message)
        try:
            return self.state.messages[mid]
        except KeyError:
            raise KeyError(f"unknown message {mid}") from None

    async def user_send_message(
        self,
        user_id: int,
        channel_id: int,
        content: str,
        *,
        embeds: list[JSON] | None = None,
        reply_to: int | None = None,
    ) -> JSON:
        """A member posts a message (dispatches MESSAGE_CREATE); returns its snapshot."""
        channel = self.state.channel(channel_id)
        if self.state.member(channel.guild_id, user_id) is None:
            raise KeyError(f"user {user_id} is not in guild {channel.guild_id}")
        msg = self.state.new_message(
            channel_id, user_id, content=content, source="user", embeds=list(embeds or [])
        )
        if reply_to is not None:
            target = self._msg(reply_to)
            msg.type = 19
            msg.message_reference = {
                "type": 0,
                "message_id": str(target.id),
                "channel_id": str(target.channel_id),
                "guild_id": str(target.guild_id),
            }
        self.gateway.dispatch("MESSAGE_CREATE", self.state.message_payload(msg, gateway=True))
        return self.state.snapshot(msg)

    async def user_edit_message(self, channel_id: int, message_id: int, content: str) -> JSON:
        msg = self._msg(message_id)
        if msg.channel_id != channel_id or msg.deleted:
            raise KeyError(f"message {message_id} is not live in channel {channel_id}")
        msg.content = content
        msg.edits.append({"content": content})
        self.gateway.dispatch("MESSAGE_UPDATE", self.state.message_payload(msg, gateway=True))
        return self.state.snapshot(msg)

    async def delete_message(self, channel_id: int, message_id: int) -> None:
        """Delete any message as a user/moderator would (dispatches MESSAGE_DELETE)."""
        msg = self._msg(message_id)
        if msg.channel_id != channel_id or msg.deleted:
            raise KeyError(f"message {message_id} is not live in channel {channel_id}")
        msg.deleted = True
        self.rest._dispatch_delete(msg)

    async def user_add_reaction(
        self, user_id: int, channel_id: int, message_id: int, emoji: str
    ) -> bool:
        """A member reacts; returns False if they already had. Dispatches only to live sessions."""
        msg = self._live_in(channel_id, message_id)
        if msg.guild_id is not None and self.state.member(msg.guild_id, user_id) is None:
            raise KeyError(f"user {user_id} is not in guild {msg.guild_id}")
        return self.rest.add_reaction(msg, user_id, normalize_emoji(emoji))

    async def user_remove_reaction(
        self, user_id: int, channel_id: int, message_id: int, emoji: str
    ) -> bool:
        msg = self._live_in(channel_id, message_id)
        return self.rest.remove_reaction(msg, user_id, normalize_emoji(emoji))

    def _live_in(self, channel_id: int, message_id: int) -> MessageRec:
        msg = self._msg(message_id)
        if msg.channel_id != channel_id or msg.deleted:
            raise KeyError(f"message {message_id} is not live in channel {channel_id}")
        return msg

    # ------------------------------------------------------------------ interactions

    def _dispatch_interaction(self, rec: InteractionRecord) -> InteractionRecord:
        guild_id = event_guild_id("INTERACTION_CREATE", rec.payload)
        if not self.gateway.connected_for(guild_id):
            where = "DMs" if guild_id is None else f"guild {guild_id}"
            raise RuntimeError(
                f"no bot is connected to the fake gateway on the shard of {where}; "
                "nobody would answer"
            )
        self.gateway.dispatch("INTERACTION_CREATE", rec.payload)
        return rec

    async def invoke_slash(
        self,
        guild_id: int,
        channel_id: int,
        user_id: int,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        attachments: Mapping[str, FakeFile | tuple[str, bytes]] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Run ``/command`` ("group sub" paths allowed) as the synced tree defines it."""
        merged = {**(options or {}), **(attachments or {})}
        rec = self.registry.slash(guild_id, channel_id, user_id, command, merged, locale=locale)
        return self._dispatch_interaction(rec)

    async def invoke_autocomplete(
        self,
        guild_id: int,
        channel_id: int,
        user_id: int,
        command: str,
        *,
        focused: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Type ``value`` into option ``focused``; answer lands in ``rec.choices``."""
        rec = self.registry.slash(
            guild_id,
            channel_id,
            user_id,
            command,
            options,
            locale=locale,
            autocomplete=(focused, value),
        )
        return self._dispatch_interaction(rec)

    async def invoke_button(
        self, user_id: int, message: int | JSON, custom_id: str, *, locale: str = "en-US"
    ) -> InteractionRecord:
        """Click a button on a (current version of a) message the bot sent."""
        rec = self.registry.component(user_id, self._msg(message), custom_id, locale=locale)
        return self._dispatch_interaction(rec)

    async def invoke_select(
        self, user_id: int, message: int | JSON, custom_id: str, values: list[str]
    ) -> InteractionRecord:
        rec = self.registry.component(user_id, self._msg(message), custom_id, values=values)
        return self._dispatch_interaction(rec)

    async def invoke_message_context_menu(
        self, user_id: int, name: str, target_message: int | JSON, *, locale: str = "en-US"
    ) -> InteractionRecord:
        rec = self.registry.message_context_menu(
            user_id, name, self._msg(target_message), locale=locale
        )
        return self._dispatch_interaction(rec)

    async def invoke_user_context_menu(
        self, guild_id: int, channel_id: int, user_id: int, name: str, target_user_id: int
    ) -> InteractionRecord:
        rec = self.registry.user_context_menu(guild_id, channel_id, user_id, name, target_user_id)
        return self._dispatch_interaction(rec)

    async def submit_modal(
        self, opened_by: InteractionRecord, values: Mapping[str, str], *, user_id: int | None = None
    ) -> InteractionRecord:
        """Submit the modal the bot answered ``opened_by`` with (text inputs by custom_id)."""
        rec = self.registry.modal_submit(opened_by, values, user_id=user_id)
        return self._dispatch_interaction(rec)

    @property
    def interactions(self) -> list[InteractionRecord]:
        return self.registry.records

    # ------------------------------------------------------------------ inspection

    def messages_in(
        self, channel_id: int, *, include_deleted: bool = False, include_ephemeral: bool = False
    ) -> list[JSON]:
        """Snapshots of a channel's messages, oldest first."""
        out = []
        for mid in self.state.channel_messages.get(channel_id, []):
            msg = self.state.messages[mid]
            if (msg.deleted and not include_deleted) or (msg.ephemeral and not include_ephemeral):
                continue
            out.append(self.state.snapshot(msg))
        return out

    def message(self, channel_id: int, message_id: int) -> JSON | None:
        msg = self.state.messages.get(int(message_id))
        if msg is None or msg.channel_id != channel_id:
            return None
        return self.state.snapshot(msg)

    def reactions(self, message_id: int) -> dict[str, set[int]]:
        msg = self._msg(message_id)
        return {key: set(users) for key, users in msg.reactions.items() if users}

    def threads_of(self, message_id: int) -> list[JSON]:
        return [
            self.state.channel_payload(t.id) for t in self.state.threads_of_message(int(message_id))
        ]

    def edits_of(self, message_id: int) -> int:
        return len(self._msg(message_id).edits)

    def channel(self, channel_id: int) -> JSON:
        return self.state.channel_payload(channel_id)

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """Synced commands of one scope (global when ``guild_id`` is None)."""
        return [self.state.command_payload(c) for c in self.state.commands_for(guild_id).values()]

    def bot_messages_pinging(self) -> list[JSON]:
        """Bot messages (incl. interaction responses) whose allowed_mentions permit a ping.

        That is: allowed_mentions missing, ``parse`` non-empty, ``users``/``roles`` non-empty
        or ``replied_user`` true. Deferred "thinking" placeholders are judged by the edit or
        followup that fills them in.
        """
        out = []
        for msg in self.state.messages.values():
            if msg.author_id != self.state.bot_user_id or msg.loading:
                continue
            allowed = msg.allowed_mentions if msg.allowed_mentions_given else None
            if (
                allowed is None
                or allowed.get("parse")
                or allowed.get("users")
                or allowed.get("roles")
                or allowed.get("replied_user")
            ):
                out.append(self.state.snapshot(msg))
        return out

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded requests whose method matches (or "*") and path fully matches the regex."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if method in ("*", r.method) and pattern.fullmatch(r.path)]

    @overload
    async def wait_for(
        self,
        predicate: Callable[[], Awaitable[T]],
        timeout: float = ...,  # noqa: ASYNC109
        *,
        what: str | None = ...,
    ) -> T: ...
    @overload
    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = ...,  # noqa: ASYNC109
        *,
        what: str | None = ...,
    ) -> T: ...
    async def wait_for(
        self,
        predicate: Callable[[], T | Awaitable[T]],
        timeout: float = 5.0,  # noqa: ASYNC109 - part of the driver API
        *,
        what: str | None = None,
    ) -> T:
        """Poll ``predicate`` (sync or async) every 10 ms until truthy and return its value."""
        return await poll_until(predicate, timeout, what)

    @property
    def connected(self) -> bool:
        """A client is connected and has identified (or resumed)."""
        return self.gateway.connected

    async def wait_until_connected(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        shard_ids: Iterable[int] | None = None,
    ) -> None:
        """Wait for a client to identify (or resume); with ``shard_ids``, one on each of them."""
        if shard_ids is None:
            await poll_until(
                lambda: self.gateway.connected, timeout, "a gateway client to identify"
            )
            return
        wanted = set(shard_ids)
        await poll_until(
            lambda: wanted <= set(self.gateway.connected_shards),
            timeout,
            f"gateway clients on shards {sorted(wanted)}",
        )

    # ------------------------------------------------------------------ shards

    @property
    def shard_count(self) -> int:
        """The number of shards ``GET /gateway/bot`` recommends (``add_guild``'s shards)."""
        return self.gateway.shard_count

    def shard_of(self, guild_id: int) -> int:
        """The shard of ``shard_count`` that serves a guild (Discord's formula)."""
        return shard_of(guild_id, self.shard_count)

    @property
    def connected_shards(self) -> list[int]:
        """The shard id of each connected session, sorted; a shard connected twice twice."""
        return self.gateway.connected_shards

    @property
    def identifies(self) -> list[IdentifyRecord]:
        """Every IDENTIFY received: the shard it asked for, its session or its close code."""
        return self.gateway.identifies

    def shard_identify_count(self, shard_id: int) -> int:
        """Sessions opened on ``shard_id`` (refused IDENTIFYs do not count)."""
        return sum(
            1
            for rec in self.gateway.identifies
            if rec.session_id is not None
            and self.gateway.sessions[rec.session_id].shard.shard_id == shard_id
        )

    def shard_resume_count(self, shard_id: int) -> int:
        """RESUMEs that reconnected a session of ``shard_id``."""
        return sum(
            1
            for e in self.gateway.log
            if e.event == "RESUMED" and self._shard_of_session(e.session_id) == shard_id
        )

    @property
    def identify_count(self) -> int:
        return self.gateway.count(OP_IDENTIFY)

    @property
    def resume_count(self) -> int:
        return self.gateway.count(OP_RESUME)

    @property
    def heartbeat_count(self) -> int:
        return self.gateway.count(OP_HEARTBEAT)

    def dispatched(self, event: str | None = None, *, shard_id: int | None = None) -> list[str]:
        """Names of dispatched events actually written to sockets (optionally one kind, and
        only those written to sessions of one shard)."""
        return [e.event or "" for e in self._sent(event, shard_id)]

    def dispatched_payloads(self, event: str, *, shard_id: int | None = None) -> list[JSON]:
        """The ``d`` of each ``event`` written to a socket (of a session of ``shard_id``),
        as that session got it; a replay after RESUME counts again."""
        return [e.data or {} for e in self._sent(event, shard_id)]

    def _sent(self, event: str | None, shard_id: int | None) -> list[GatewayLogEntry]:
        return [
            e
            for e in self.gateway.log
            if e.direction == "send"
            and e.event
            and (event is None or e.event == event)
            and (shard_id is None or self._shard_of_session(e.session_id) == shard_id)
        ]

    def _shard_of_session(self, session_id: str | None) -> int | None:
        session = self.gateway.sessions.get(session_id or "")
        return None if session is None else session.shard.shard_id

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
        raw: bytes | None = None,
        content_type: str = "text/html",
    ) -> Fault:
        """Answer the next ``times`` requests matching method ("*" = any) and the path regex
        (``re.fullmatch`` against the decoded path after /api/v10) with ``status``.

        The body is ``json`` (any JSON value: a wrong-shape 200 is ``status=200`` with a
        ``json`` the caller did not expect), or ``raw`` bytes sent as ``content_type``
        instead of JSON (a proxy's HTML error page, a truncated document).

        429s get ``retry_after`` 0.05 s plus ``Retry-After``/``X-RateLimit-*`` headers and
        ``Via`` by default (discord.py treats a 429 without ``Via`` as a Cloudflare ban and
        raises instead of retrying).
        """
        body = _default_fault_body(status) if json is None else json
        hdrs: dict[str, str] = {}
        if status == 429:
            retry = float(body.get("retry_after", 0.05)) if isinstance(body, dict) else 0.05
            hdrs = {
                "Retry-After": str(max(1, round(retry))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry),
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",
            }
            if isinstance(body, dict) and body.get("global"):
                hdrs["X-RateLimit-Global"] = "true"
        hdrs.update(headers or {})
        fault = Fault(
            method.upper() if method != "*" else "*",
            re.compile(path_regex),
            status,
            body,
            hdrs,
            times,
            raw=RawBody(raw, content_type) if raw is not None else None,
        )
        self.faults.append(fault)
        return fault

    async def drop_gateway(
        self,
        resumable: bool = True,
        *,
        use_reconnect_opcode: bool = False,
        hold: bool = False,
        shard_id: int | None = None,
    ) -> None:
        """Disconnect the bot (only its sessions of ``shard_id``, when given). Resumable drops
        (close 4000, or op 7 RECONNECT) let it RESUME and get missed events replayed;
        non-resumable ones (close 4009) make its RESUME fail with op 9 so it re-IDENTIFYs.
        ``hold=True`` keeps every reconnect waiting before HELLO until ``release_gateway()``,
        so tests can act while the bot is away."""
        await self.gateway.drop(
            resumable=resumable,
            use_reconnect_opcode=use_reconnect_opcode,
            hold=hold,
            shard_id=shard_id,
        )

    def release_gateway(self) -> None:
        self.gateway.release()

    async def invalidate_session(self, *, shard_id: int | None = None) -> None:
        """Send op 9 (d=false) to every session (of ``shard_id``, when given): the client
        must IDENTIFY again (new session, no replay)."""
        await self.gateway.invalidate(shard_id)
