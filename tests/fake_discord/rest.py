"""REST API v10 handlers: messages, reactions, threads, commands, interactions.

Each handler mutates :class:`FakeState`, dispatches the gateway events Discord would
send for the change (including for the bot's own messages and reactions), and answers
with Discord-shaped JSON. Failures raise :class:`DiscordHTTPError` so discord.py sees
the same status and error ``code`` it would get from Discord.

Paths given to handlers are relative to ``/api/v10`` and already percent-decoded, so a
reaction route sees ``/reactions/✅/@me`` and a custom emoji as ``name:id``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors as err
from .errors import DiscordHTTPError
from .gateway import Gateway
from .interactions import (
    CALLBACK_AUTOCOMPLETE_RESULT,
    CALLBACK_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_CHANNEL_MESSAGE,
    CALLBACK_DEFERRED_UPDATE_MESSAGE,
    CALLBACK_MODAL,
    CALLBACK_UPDATE_MESSAGE,
    INTERACTION_APPLICATION_COMMAND,
    INTERACTION_AUTOCOMPLETE,
    INTERACTION_MESSAGE_COMPONENT,
    INTERACTION_MODAL_SUBMIT,
    InteractionRecord,
    InteractionRegistry,
)
from .permissions import Perm
from .snowflake import now_iso
from .state import (
    CHANNEL_PRIVATE_THREAD,
    CHANNEL_PUBLIC_THREAD,
    CHANNEL_TEXT,
    FLAG_EPHEMERAL,
    FLAG_HAS_THREAD,
    FLAG_LOADING,
    JSON,
    MESSAGE_CHAT_INPUT_COMMAND,
    MESSAGE_CONTEXT_MENU_COMMAND,
    MESSAGE_DEFAULT,
    MESSAGE_REPLY,
    AttachmentRec,
    ChannelRec,
    FakeState,
    MessageRec,
    emoji_payload,
    looks_like_unicode_emoji,
    normalize_emoji,
)
from .validation import (
    ErrorTree,
    ensure_not_empty,
    validate_autocomplete,
    validate_commands,
    validate_message_fields,
    validate_modal,
    validate_thread_name,
)

#: Flags a bot may set when creating a channel message / an interaction message.
CHANNEL_MESSAGE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)
INTERACTION_MESSAGE_FLAGS = CHANNEL_MESSAGE_FLAGS | FLAG_EPHEMERAL
MAX_REACTION_EMOJIS = 20


@dataclass
class RecordedFile:
    """One multipart file part (``field`` is e.g. ``files[0]``)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """A REST request as the fake received it, plus how it answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[RecordedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 0
    response: Any = None
    handled: bool = True
    faulted: bool = False

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class RestResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RestOptions:
    """Knobs tests may flip on a running fake."""

    enforce_permissions: bool = True
    #: seconds the bot has to send the first interaction callback (Discord: 3); None = off
    interaction_deadline: float | None = 3.0


class UnhandledRoute(Exception):
    pass


Handler = Callable[..., Awaitable[RestResponse]]
_ROUTES: list[tuple[str, re.Pattern[str], str]] = []


def route(method: str, template: str) -> Callable[[Handler], Handler]:
    """Register a handler; ``{name}`` matches one path segment and is passed as a kwarg."""
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))

    def decorator(fn: Handler) -> Handler:
        _ROUTES.append((method, pattern, fn.__name__))
        return fn

    return decorator


def _id(value: str, missing: Callable[[], DiscordHTTPError]) -> int:
    try:
        return int(value)
    except ValueError:
        raise missing() from None


def ok(body: Any = None, status: int = 200) -> RestResponse:
    return RestResponse(status if body is not None else 204, body)


class RestApi:
    """The route table and handlers; ``handle`` is called once per REST request."""

    def __init__(
        self,
        state: FakeState,
        gateway: Gateway,
        interactions: InteractionRegistry,
        options: RestOptions,
        gateway_url: Callable[[], str],
    ) -> None:
        self.state = state
        self.gateway = gateway
        self.interactions = interactions
        self.options = options
        self._gateway_url = gateway_url

    async def handle(self, req: RecordedRequest) -> RestResponse:
        for method, pattern, name in _ROUTES:
            if method != req.method:
                continue
            match = pattern.fullmatch(req.path)
            if match:
                handler: Handler = getattr(self, name)
                return await handler(req, **match.groupdict())
        raise UnhandledRoute

    # ------------------------------------------------------------------ helpers

    def _channel(self, channel_id: str) -> ChannelRec:
        cid = _id(channel_id, err.unknown_channel)
        channel = self.state.channels.get(cid)
        if channel is None:
            raise err.unknown_channel()
        return channel

    def _message(self, channel: ChannelRec, message_id: str) -> MessageRec:
        mid = _id(message_id, err.unknown_message)
        msg = self.state.live_message(mid)
        if msg is None or msg.channel_id != channel.id or msg.ephemeral:
            raise err.unknown_message()
        return msg

    def _require(self, channel: ChannelRec, *perms: Perm) -> None:
        if not self.options.enforce_permissions:
            return
        have = self.state.permissions_in(channel.id, self.state.bot_user_id)
        if not have & Perm.VIEW_CHANNEL:
            raise err.missing_access()
        for perm in perms:
            if not have & perm:
                raise err.missing_permissions()

    def _dispatch_message(self, event: str, msg: MessageRec) -> None:
        if not msg.ephemeral:
            self.gateway.dispatch(event, self.state.message_payload(msg, gateway=True))

    def _dispatch_delete(self, msg: MessageRec) -> None:
        if msg.ephemeral:
            return
        data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        self.gateway.dispatch("MESSAGE_DELETE", data)

    def _attachments(
        self,
        channel_id: int,
        payload: JSON,
        files: list[RecordedFile],
        existing: list[AttachmentRec],
        *,
        ephemeral: bool = False,
    ) -> list[AttachmentRec]:
        """Resolve ``attachments`` entries against existing ones and uploaded ``files[n]``."""
        uploads = {f.field: f for f in files}
        used: set[str] = set()
        entries = payload.get("attachments")
        result: list[AttachmentRec] = [] if entries is not None else list(existing)
        errors = ErrorTree()
        by_id = {str(a.id): a for a in existing}
        for index, entry in enumerate(entries or []):
            key = str(entry.get("id"))
            if key in by_id:
                result.append(by_id[key])
                continue
            upload = uploads.get(f"files[{key}]")
            if upload is None:
                errors.add(
                    ("attachments", index, "id"), "ATTACHMENT_NOT_FOUND", "Unknown attachment"
                )
                continue
            used.add(upload.field)
            result.append(
                self.state.add_attachment(
                    channel_id,
                    str(entry.get("filename") or upload.filename or "file"),
                    upload.data,
                    upload.content_type,
                    description=entry.get("description"),
                    ephemeral=ephemeral,
                )
            )
        errors.raise_if_any()
        for upload in files:
            if upload.field not in used and upload.field.startswith("files"):
                result.append(
                    self.state.add_attachment(
                        channel_id,
                        upload.filename or "file",
                        upload.data,
                        upload.content_type,
                        ephemeral=ephemeral,
                    )
                )
        return result

    def _validate_new(self, payload: JSON, files: list[RecordedFile]) -> None:
        validate_message_fields(payload).raise_if_any()
        ensure_not_empty(
            content=payload.get("content"),
            embeds=payload.get("embeds"),
            attachments=len(files) + len(payload.get("attachments") or []),
            components=payload.get("components"),
            sticker_ids=payload.get("sticker_ids"),
            poll=payload.get("poll"),
        )

    def _new_message(
        self,
        channel: ChannelRec,
        payload: JSON,
        files: list[RecordedFile],
        *,
        source: str,
        flags: int,
        msg_type: int = MESSAGE_DEFAULT,
        interaction: InteractionRecord | None = None,
        metadata: JSON | None = None,
    ) -> MessageRec:
        ephemeral = bool(flags & FLAG_EPHEMERAL)
        attachments = self._attachments(channel.id, payload, files, [], ephemeral=ephemeral)
        msg = self.state.new_message(
            channel.id,
            self.state.bot_user_id,
            content=str(payload.get("content") or ""),
            source=source,
            embeds=[_embed(e) for e in payload.get("embeds") or []],
            components=list(payload.get("components") or []),
            attachments=attachments,
            allowed_mentions=payload.get("allowed_mentions"),
            allowed_mentions_given="allowed_mentions" in payload,
            flags=flags,
            type=msg_type,
            tts=bool(payload.get("tts", False)),
            nonce=payload.get("nonce"),
            sticker_ids=[str(s) for s in payload.get("sticker_ids") or []],
        )
        if interaction is not None:
            app = self.state.application_id
            msg.webhook_id = app
            msg.application_id = app
            msg.interaction_id = interaction.id
            msg.interaction_metadata = metadata or _interaction_metadata(self.state, interaction)
        return msg

    def _apply_edit(self, msg: MessageRec, payload: JSON, files: list[RecordedFile]) -> None:
        """Apply a PATCH-style edit, validating the message as it would end up."""
        validate_message_fields(payload).raise_if_any()
        content = msg.content
        if "content" in payload:
            content = str(payload["content"] or "")
        embeds = msg.embeds
        if "embeds" in payload:
            embeds = [_embed(e) for e in payload["embeds"] or []]
        components = msg.components
        if "components" in payload:
            components = list(payload["components"] or [])
        attachments = self._attachments(
            msg.channel_id, payload, files, msg.attachments, ephemeral=msg.ephemeral
        )
        ensure_not_empty(
            content=content,
            embeds=embeds,
            attachments=len(attachments),
            components=components,
            sticker_ids=msg.sticker_ids,
        )
        was_loading = msg.loading
        msg.content, msg.embeds, msg.components, msg.attachments = (
            content,
            embeds,
            components,
            attachments,
        )
        if "flags" in payload and payload["flags"] is not None:
            editable = (1 << 2) | (1 << 15)
            msg.flags = (msg.flags & ~editable) | (int(payload["flags"]) & editable)
        if was_loading:
            # The deferred "thinking" message is only now really sent: its mentions count.
            msg.flags &= ~FLAG_LOADING
            msg.allowed_mentions = payload.get("allowed_mentions")
            msg.allowed_mentions_given = "allowed_mentions" in payload
        else:
            msg.edited_timestamp = now_iso()
        msg.edits.append(payload)

    def _delete_message(self, msg: MessageRec) -> None:
        msg.deleted = True
        self._dispatch_delete(msg)

    # ------------------------------------------------------------------ users / app / gateway

    @route("GET", "/users/@me")
    async def get_me(self, req: RecordedRequest) -> RestResponse:
        data = self.state.user_payload(self.state.bot_user_id)
        return ok(data | {"verified": True, "mfa_enabled": False, "locale": "en-US", "email": None})

    @route("GET", "/users/{user_id}")
    async def get_user(self, req: RecordedRequest, user_id: str) -> RestResponse:
        uid = _id(user_id, err.unknown_user)
        if uid not in self.state.users:
            raise err.unknown_user()
        return ok(self.state.user_payload(uid))

    @route("GET", "/oauth2/applications/@me")
    async def get_application(self, req: RecordedRequest) -> RestResponse:
        return ok(self.state.application_payload())

    @route("GET", "/applications/@me")
    async def get_application_current(self, req: RecordedRequest) -> RestResponse:
        return ok(self.state.application_payload())

    @route("GET", "/gateway")
    async def get_gateway(self, req: RecordedRequest) -> RestResponse:
        return ok({"url": self._gateway_url()})

    @route("GET", "/gateway/bot")
    async def get_gateway_bot(self, req: RecordedRequest) -> RestResponse:
        return ok(
            {
                "url": self._gateway_url(),
                "shards": self.gateway.shard_count,
                "session_start_limit": self.gateway.session_start_limit(),
            }
        )

    # ------------------------------------------------------------------ application commands

    def _scope(self, application_id: str, guild_id: str | None) -> int | None:
        if _id(application_id, err.unknown_webhook) != self.state.application_id:
            raise DiscordHTTPError(404, 10002, "Unknown Application")
        if guild_id is None:
            return None
        gid = _id(guild_id, err.unknown_guild)
        if gid not in self.state.guilds:
            raise err.unknown_guild()
        return gid

    async def _list_commands(self, scope: int | None) -> RestResponse:
        cmds = self.state.commands_for(scope).values()
        return ok([self.state.command_payload(c) for c in cmds])

    async def _put_commands(self, scope: int | None, req: RecordedRequest) -> RestResponse:
        validate_commands(req.json)
        recs = self.state.bulk_overwrite_commands(scope, list(req.json))
        return ok([self.state.command_payload(c) for c in recs])

    async def _upsert_command(self, scope: int | None, req: RecordedRequest) -> RestResponse:
        validate_commands([req.json])
        data = dict(req.json)
        current = [c.data for c in self.state.commands_for(scope).values()]
        key = (int(data.get("type", 1)), data["name"])
        existed = any((int(c.get("type", 1)), c["name"]) == key for c in current)
        others = [c for c in current if (int(c.get("type", 1)), c["name"]) != key]
        recs = self.state.bulk_overwrite_commands(scope, [*others, data])
        rec = next(r for r in recs if (r.type, r.name) == key)
        return ok(self.state.command_payload(rec), 200 if existed else 201)

    async def _delete_command(self, scope: int | None, command_id: str) -> RestResponse:
        commands = self.state.commands_for(scope)
        if commands.pop(_id(command_id, err.unknown_command), None) is None:
            raise err.unknown_command()
        return ok()

    @route("GET", "/applications/{application_id}/commands")
    async def get_global_commands(self, req: RecordedRequest, application_id: str) -> RestResponse:
        return await self._list_commands(self._scope(application_id, None))

    @route("PUT", "/applications/{application_id}/commands")
    async def put_global_commands(self, req: RecordedRequest, application_id: str) -> RestResponse:
        return await self._put_commands(self._scope(application_id, None), req)

    @route("POST", "/applications/{application_id}/commands")
    async def post_global_command(self, req: RecordedRequest, application_id: str) -> RestResponse:
        return await self._upsert_command(self._scope(application_id, None), req)

    @route("DELETE", "/applications/{application_id}/commands/{command_id}")
    async def delete_global_command(
        self, req: RecordedRequest, application_id: str, command_id: str
    ) -> RestResponse:
        return await self._delete_command(self._scope(application_id, None), command_id)

    @route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
    async def get_guild_commands(
        self, req: RecordedRequest, application_id: str, guild_id: str
    ) -> RestResponse:
        return await self._list_commands(self._scope(application_id, guild_id))

    @route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
    async def put_guild_commands(
        self, req: RecordedRequest, application_id: str, guild_id: str
    ) -> RestResponse:
        return await self._put_commands(self._scope(application_id, guild_id), req)

    @route("POST", "/applications/{application_id}/guilds/{guild_id}/commands")
    async def post_guild_command(
        self, req: RecordedRequest, application_id: str, guild_id: str
    ) -> RestResponse:
        return await self._upsert_command(self._scope(application_id, guild_id), req)

    @route("DELETE", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}")
    async def delete_guild_command(
        self, req: RecordedRequest, application_id: str, guild_id: str, command_id: str
    ) -> RestResponse:
        return await self._delete_command(self._scope(application_id, guild_id), command_id)

    @route("GET", "/applications/{application_id}/guilds/{guild_id}/commands/permissions")
    async def get_command_permissions(
        self, req: RecordedRequest, application_id: str, guild_id: str
    ) -> RestResponse:
        self._scope(application_id, guild_id)
        return ok([])

    # ------------------------------------------------------------------ guilds

    def _guild(self, guild_id: str) -> int:
        gid = _id(guild_id, err.unknown_guild)
        if gid not in self.state.guilds:
            raise err.unknown_guild()
        return gid

    @route("GET", "/guilds/{guild_id}")
    async def get_guild(self, req: RecordedRequest, guild_id: str) -> RestResponse:
        gid = self._guild(guild_id)
        data = self.state.guild_payload(gid, gateway=False)
        if req.query.get("with_counts") in ("1", "true", "True"):
            count = len(self.state.guilds[gid].members)
            data.update(approximate_member_count=count, approximate_presence_count=0)
        return ok(data)

    @route("GET", "/guilds/{guild_id}/channels")
    async def get_guild_channels(self, req: RecordedRequest, guild_id: str) -> RestResponse:
        gid = self._guild(guild_id)
        ids = self.state.guilds[gid].channel_ids
        return ok(
            [self.state.channel_payload(c) for c in ids if not self.state.channels[c].is_thread]
        )

    @route("GET", "/guilds/{guild_id}/roles")
    async def get_guild_roles(self, req: RecordedRequest, guild_id: str) -> RestResponse:
        gid = self._guild(guild_id)
        return ok([r.payload() for r in self.state.guilds[gid].roles.values()])

    @route("GET", "/guilds/{guild_id}/members/{user_id}")
    async def get_guild_member(
        self, req: RecordedRequest, guild_id: str, user_id: str
    ) -> RestResponse:
        gid = self._guild(guild_id)
        uid = _id(user_id, err.unknown_member)
        if self.state.member(gid, uid) is None:
            raise err.unknown_member()
        return ok(self.state.member_payload(gid, uid))

    @route("GET", "/guilds/{guild_id}/members")
    async def list_guild_members(self, req: RecordedRequest, guild_id: str) -> RestResponse:
        gid = self._guild(guild_id)
        limit = int(req.query.get("limit", "1"))
        after = int(req.query.get("after", "0"))
        ids = sorted(u for u in self.state.guilds[gid].members if u > after)[:limit]
        return ok([self.state.member_payload(gid, u) for u in ids])

    @route("GET", "/guilds/{guild_id}/threads/active")
    async def get_active_threads(self, req: RecordedRequest, guild_id: str) -> RestResponse:
        gid = self._guild(guild_id)
        threads = [
            self.state.channel_payload(c.id)
            for c in self.state.channels.values()
            if c.guild_id == gid and c.is_thread and not c.archived
        ]
        return ok({"threads": threads, "members": []})

    # ------------------------------------------------------------------ channels

    @route("GET", "/channels/{channel_id}")
    async def get_channel(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        self._require(channel)
        return ok(self.state.channel_payload(channel.id))

    @route("PATCH", "/channels/{channel_id}")
    async def edit_channel(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        body = req.json or {}
        if channel.is_thread:
            if channel.owner_id != self.state.bot_user_id or "locked" in body:
                self._require(channel, Perm.MANAGE_THREADS)
        else:
            self._require(channel, Perm.MANAGE_CHANNELS)
        if "name" in body:
            validate_thread_name(body["name"])
            channel.name = body["name"]
        for key in ("archived", "locked"):
            if key in body:
                setattr(channel, key, bool(body[key]))
        if "auto_archive_duration" in body:
            channel.auto_archive_duration = int(body["auto_archive_duration"])
        if "topic" in body and not channel.is_thread:
            channel.topic = body["topic"]
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self.gateway.dispatch(event, self.state.channel_payload(channel.id))
        return ok(self.state.channel_payload(channel.id))

    @route("POST", "/channels/{channel_id}/typing")
    async def trigger_typing(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        self._require(
            channel, Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES
        )
        return ok()

    # ------------------------------------------------------------------ messages

    @route("GET", "/channels/{channel_id}/messages")
    async def list_messages(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        limit = int(req.query.get("limit", "50"))
        if not 1 <= limit <= 100:
            errors = ErrorTree()
            errors.add(("limit",), "NUMBER_TYPE_MAX", "int value should be <= 100 and >= 1.")
            errors.raise_if_any()
        stored = (
            self.state.messages[mid] for mid in self.state.channel_messages.get(channel.id, [])
        )
        msgs = [m for m in stored if not m.deleted and not m.ephemeral]
        msgs.sort(key=lambda m: m.id)
        if "after" in req.query:
            after = int(req.query["after"])
            picked = [m for m in msgs if m.id > after][:limit]
        elif "around" in req.query:
            around = int(req.query["around"])
            older = [m for m in msgs if m.id < around][-(limit // 2) :] if limit > 1 else []
            newer = [m for m in msgs if m.id >= around][: limit - len(older)]
            picked = older + newer
        else:
            before = int(req.query.get("before", str(1 << 64)))
            picked = [m for m in msgs if m.id < before][-limit:]
        picked.sort(key=lambda m: m.id, reverse=True)
        return ok([self.state.message_payload(m) for m in picked])

    @route("POST", "/channels/{channel_id}/messages")
    async def create_message(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        if channel.type not in (CHANNEL_TEXT, *_THREADS):
            raise err.wrong_channel_type()
        payload = dict(req.json or {})
        needed = [Perm.SEND_MESSAGES_IN_THREADS if channel.is_thread else Perm.SEND_MESSAGES]
        if req.files:
            needed.append(Perm.ATTACH_FILES)
        if payload.get("message_reference"):
            needed.append(Perm.READ_MESSAGE_HISTORY)
        self._require(channel, *needed)
        if channel.is_thread and channel.locked:
            raise DiscordHTTPError(400, 50083, "Thread is archived")
        self._validate_new(payload, req.files)
        reference = payload.get("message_reference")
        msg_type = MESSAGE_DEFAULT
        if reference:
            ref_id = int(reference.get("message_id") or 0)
            target = self.state.live_message(ref_id)
            if target is None or target.ephemeral:
                if reference.get("fail_if_not_exists", True):
                    errors = ErrorTree()
                    errors.add(
                        ("message_reference",),
                        "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
                        "Unknown message",
                    )
                    errors.raise_if_any()
                reference = None
            else:
                msg_type = MESSAGE_REPLY
                reference = {
                    "type": 0,
                    "message_id": str(target.id),
                    "channel_id": str(target.channel_id),
                    "guild_id": str(target.guild_id),
                }
        flags = int(payload.get("flags") or 0) & CHANNEL_MESSAGE_FLAGS
        msg = self._new_message(
            channel, payload, req.files, source="rest", flags=flags, msg_type=msg_type
        )
        msg.message_reference = reference
        if channel.is_thread and channel.archived:
            channel.archived = False
            self.gateway.dispatch("THREAD_UPDATE", self.state.channel_payload(channel.id))
        self._dispatch_message("MESSAGE_CREATE", msg)
        return ok(self.state.message_payload(msg))

    @route("GET", "/channels/{channel_id}/messages/{message_id}")
    async def get_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> RestResponse:
        channel = self._channel(channel_id)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        return ok(self.state.message_payload(self._message(channel, message_id)))

    @route("PATCH", "/channels/{channel_id}/messages/{message_id}")
    async def edit_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> RestResponse:
        channel = self._channel(channel_id)
        msg = self._message(channel, message_id)
        if msg.author_id != self.state.bot_user_id:
            raise err.cannot_edit_others()
        self._apply_edit(msg, dict(req.json or {}), req.files)
        self._dispatch_message("MESSAGE_UPDATE", msg)
        return ok(self.state.message_payload(msg))

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}")
    async def delete_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> RestResponse:
        channel = self._channel(channel_id)
        msg = self._message(channel, message_id)
        if msg.author_id != self.state.bot_user_id:
            self._require(channel, Perm.MANAGE_MESSAGES)
        self._delete_message(msg)
        return ok()

    @route("POST", "/channels/{channel_id}/messages/bulk-delete")
    async def bulk_delete(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        self._require(channel, Perm.MANAGE_MESSAGES)
        ids = [int(m) for m in (req.json or {}).get("messages") or []]
        if not 2 <= len(ids) <= 100:
            errors = ErrorTree()
            errors.bad_length(("messages",), 2, 100)
            errors.raise_if_any()
        for mid in ids:
            msg = self.state.live_message(mid)
            if msg is not None and msg.channel_id == channel.id:
                msg.deleted = True
        self.gateway.dispatch(
            "MESSAGE_DELETE_BULK",
            {
                "ids": [str(i) for i in ids],
                "channel_id": str(channel.id),
                "guild_id": str(channel.guild_id),
            },
        )
        return ok()

    # ------------------------------------------------------------------ reactions

    def _reaction_target(self, channel_id: str, message_id: str) -> tuple[ChannelRec, MessageRec]:
        channel = self._channel(channel_id)
        return channel, self._message(channel, message_id)

    @staticmethod
    def _emoji_key(emoji: str) -> str:
        key = normalize_emoji(emoji)
        if ":" not in key and not looks_like_unicode_emoji(key):
            raise err.unknown_emoji()
        return key

    def reaction_event(self, msg: MessageRec, user_id: int, key: str, *, added: bool) -> None:
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": emoji_payload(key),
            "burst": False,
            "type": 0,
        }
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        if added:
            data["message_author_id"] = str(msg.author_id)
            data["burst_colors"] = []
            if msg.guild_id is not None and self.state.member(msg.guild_id, user_id) is not None:
                data["member"] = self.state.member_payload(msg.guild_id, user_id)
        self.gateway.dispatch("MESSAGE_REACTION_ADD" if added else "MESSAGE_REACTION_REMOVE", data)

    def add_reaction(self, msg: MessageRec, user_id: int, key: str) -> bool:
        """Record a reaction; True if it was new (and an event was dispatched)."""
        users = msg.reactions.get(key)
        if users is None:
            if len([k for k, v in msg.reactions.items() if v]) >= MAX_REACTION_EMOJIS:
                raise DiscordHTTPError(400, 30010, "Maximum number of reactions reached (20)")
            users = msg.reactions[key] = {}
        if user_id in users:
            return False
        users[user_id] = None
        self.reaction_event(msg, user_id, key, added=True)
        return True

    def remove_reaction(self, msg: MessageRec, user_id: int, key: str) -> bool:
        users = msg.reactions.get(key)
        if not users or user_id not in users:
            return False
        del users[user_id]
        if not users:
            del msg.reactions[key]
        self.reaction_event(msg, user_id, key, added=False)
        return True

    @route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
    async def put_own_reaction(
        self, req: RecordedRequest, channel_id: str, message_id: str, emoji: str
    ) -> RestResponse:
        channel, msg = self._reaction_target(channel_id, message_id)
        key = self._emoji_key(emoji)
        needed = [Perm.READ_MESSAGE_HISTORY]
        if not msg.reactions.get(key):
            needed.append(Perm.ADD_REACTIONS)
        self._require(channel, *needed)
        self.add_reaction(msg, self.state.bot_user_id, key)
        return ok()

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}")
    async def delete_reaction(
        self, req: RecordedRequest, channel_id: str, message_id: str, emoji: str, user_id: str
    ) -> RestResponse:
        channel, msg = self._reaction_target(channel_id, message_id)
        key = self._emoji_key(emoji)
        if user_id == "@me":
            uid = self.state.bot_user_id
        else:
            uid = _id(user_id, err.unknown_user)
            self._require(channel, Perm.MANAGE_MESSAGES)
        self.remove_reaction(msg, uid, key)
        return ok()

    @route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
    async def list_reactions(
        self, req: RecordedRequest, channel_id: str, message_id: str, emoji: str
    ) -> RestResponse:
        channel, msg = self._reaction_target(channel_id, message_id)
        self._require(channel, Perm.READ_MESSAGE_HISTORY)
        key = self._emoji_key(emoji)
        limit = int(req.query.get("limit", "25"))
        if not 1 <= limit <= 100:
            errors = ErrorTree()
            errors.add(("limit",), "NUMBER_TYPE_MAX", "int value should be <= 100 and >= 1.")
            errors.raise_if_any()
        if req.query.get("type", "0") == "1":
            return ok([])  # no super reactions in the fake
        after = int(req.query.get("after", "0"))
        ids = sorted(u for u in msg.reactions.get(key, {}) if u > after)[:limit]
        return ok([self.state.user_payload(u) for u in ids])

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
    async def clear_emoji(
        self, req: RecordedRequest, channel_id: str, message_id: str, emoji: str
    ) -> RestResponse:
        channel, msg = self._reaction_target(channel_id, message_id)
        self._require(channel, Perm.MANAGE_MESSAGES)
        key = self._emoji_key(emoji)
        if msg.reactions.pop(key, None):
            self.gateway.dispatch(
                "MESSAGE_REACTION_REMOVE_EMOJI",
                {
                    "channel_id": str(msg.channel_id),
                    "guild_id": str(msg.guild_id),
                    "message_id": str(msg.id),
                    "emoji": emoji_payload(key),
                },
            )
        return ok()

    @route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
    async def clear_reactions(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> RestResponse:
        channel, msg = self._reaction_target(channel_id, message_id)
        self._require(channel, Perm.MANAGE_MESSAGES)
        msg.reactions.clear()
        self.gateway.dispatch(
            "MESSAGE_REACTION_REMOVE_ALL",
            {
                "channel_id": str(msg.channel_id),
                "guild_id": str(msg.guild_id),
                "message_id": str(msg.id),
            },
        )
        return ok()

    # ------------------------------------------------------------------ threads

    def _new_thread(
        self, parent: ChannelRec, body: JSON, *, thread_type: int, thread_id: int | None
    ) -> ChannelRec:
        validate_thread_name(body.get("name"))
        thread = self.state.add_thread(
            parent.id,
            str(body["name"]),
            owner_id=self.state.bot_user_id,
            thread_id=thread_id,
            type=thread_type,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        self.gateway.dispatch(
            "THREAD_CREATE", self.state.channel_payload(thread.id) | {"newly_created": True}
        )
        return thread

    @route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
    async def start_thread_from_message(
        self, req: RecordedRequest, channel_id: str, message_id: str
    ) -> RestResponse:
        channel = self._channel(channel_id)
        if channel.type != CHANNEL_TEXT:
            raise err.wrong_channel_type()
        msg = self._message(channel, message_id)
        self._require(channel, Perm.CREATE_PUBLIC_THREADS, Perm.READ_MESSAGE_HISTORY)
        if msg.thread_id is not None or msg.id in self.state.channels:
            raise DiscordHTTPError(
                400, 160004, "A thread has already been created for this message"
            )
        # On Discord a thread started from a message has the message's id.
        thread = self._new_thread(
            channel, dict(req.json or {}), thread_type=CHANNEL_PUBLIC_THREAD, thread_id=msg.id
        )
        msg.thread_id = thread.id
        msg.flags |= FLAG_HAS_THREAD
        return ok(self.state.channel_payload(thread.id), 201)

    @route("POST", "/channels/{channel_id}/threads")
    async def start_thread(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        if channel.type != CHANNEL_TEXT:
            raise err.wrong_channel_type()
        body = dict(req.json or {})
        thread_type = int(body.get("type") or CHANNEL_PRIVATE_THREAD)
        if thread_type not in (CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD):
            raise err.wrong_channel_type()
        perm = (
            Perm.CREATE_PUBLIC_THREADS
            if thread_type == CHANNEL_PUBLIC_THREAD
            else Perm.CREATE_PRIVATE_THREADS
        )
        self._require(channel, perm)
        thread = self._new_thread(channel, body, thread_type=thread_type, thread_id=None)
        return ok(self.state.channel_payload(thread.id), 201)

    @route("PUT", "/channels/{channel_id}/thread-members/@me")
    async def join_thread(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        if not channel.is_thread:
            raise err.wrong_channel_type()
        self._require(channel)
        channel.thread_member_ids.add(self.state.bot_user_id)
        return ok()

    @route("DELETE", "/channels/{channel_id}/thread-members/@me")
    async def leave_thread(self, req: RecordedRequest, channel_id: str) -> RestResponse:
        channel = self._channel(channel_id)
        if not channel.is_thread:
            raise err.wrong_channel_type()
        channel.thread_member_ids.discard(self.state.bot_user_id)
        return ok()

    # ------------------------------------------------------------------ interactions

    def _interaction(self, interaction_id: str, token: str) -> InteractionRecord:
        rec = self.interactions.by_id.get(_id(interaction_id, err.unknown_interaction))
        if rec is None or rec.token != token:
            raise err.unknown_interaction()
        return rec

    @route("POST", "/interactions/{interaction_id}/{token}/callback")
    async def interaction_callback(
        self, req: RecordedRequest, interaction_id: str, token: str
    ) -> RestResponse:
        rec = self._interaction(interaction_id, token)
        try:
            resource = self._accept_callback(rec, dict(req.json or {}), req.files)
        except DiscordHTTPError as exc:
            rec.rejected.append(
                {
                    "status": exc.status,
                    "code": exc.code,
                    "message": exc.message,
                    "errors": exc.errors,
                }
            )
            raise
        if req.query.get("with_response") not in ("1", "true", "True"):
            return ok()
        original = (
            self.state.messages.get(rec.original_message_id) if rec.original_message_id else None
        )
        interaction: JSON = {
            "id": str(rec.id),
            "type": rec.type,
            "activity_instance_id": None,
            "response_message_loading": rec.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(original and original.ephemeral),
        }
        if original is not None:
            interaction["response_message_id"] = str(original.id)
        return ok({"interaction": interaction, "resource": resource})

    def _accept_callback(
        self, rec: InteractionRecord, body: JSON, files: list[RecordedFile]
    ) -> JSON:
        deadline = self.options.interaction_deadline
        if rec.callback is not None:
            raise err.already_acknowledged()
        if deadline is not None and time.monotonic() - rec.created_at > deadline:
            raise err.unknown_interaction()
        ctype = body.get("type")
        data = body.get("data")
        allowed = {
            INTERACTION_APPLICATION_COMMAND: (4, 5, 9),
            INTERACTION_MESSAGE_COMPONENT: (4, 5, 6, 7, 9),
            INTERACTION_AUTOCOMPLETE: (8,),
            INTERACTION_MODAL_SUBMIT: (4, 5, 6, 7) if rec.source_message_id else (4, 5),
        }.get(rec.type, ())
        if ctype not in allowed:
            errors = ErrorTree()
            errors.add(
                ("type",),
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction callback type {ctype} is invalid for interaction type {rec.type}",
            )
            errors.raise_if_any()
        channel = self.state.channel(rec.channel_id)
        resource: JSON = {"type": ctype}
        if ctype == CALLBACK_CHANNEL_MESSAGE:
            data = dict(data or {})
            self._validate_new(data, files)
            flags = int(data.get("flags") or 0) & INTERACTION_MESSAGE_FLAGS
            msg = self._new_message(
                channel,
                data,
                files,
                source="interaction",
                flags=flags,
                msg_type=_response_type(rec),
                interaction=rec,
            )
            rec.original_message_id = msg.id
            self._dispatch_message("MESSAGE_CREATE", msg)
            resource["message"] = self.state.message_payload(msg)
        elif ctype == CALLBACK_DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int((data or {}).get("flags") or 0) & FLAG_EPHEMERAL)
            msg = self.state.new_message(
                channel.id,
                self.state.bot_user_id,
                source="interaction",
                flags=flags,
                type=_response_type(rec),
                webhook_id=self.state.application_id,
                application_id=self.state.application_id,
                interaction_id=rec.id,
                interaction_metadata=_interaction_metadata(self.state, rec),
            )
            rec.original_message_id = msg.id
            self._dispatch_message("MESSAGE_CREATE", msg)
        elif ctype == CALLBACK_DEFERRED_UPDATE_MESSAGE:
            rec.original_message_id = rec.source_message_id
        elif ctype == CALLBACK_UPDATE_MESSAGE:
            assert rec.source_message_id is not None
            msg = self.state.messages[rec.source_message_id]
            if msg.deleted:
                raise err.unknown_message()
            self._apply_edit(msg, dict(data or {}), files)
            rec.original_message_id = msg.id
            self._dispatch_message("MESSAGE_UPDATE", msg)
            resource["message"] = self.state.message_payload(msg)
        elif ctype == CALLBACK_AUTOCOMPLETE_RESULT:
            validate_autocomplete(data)
        elif ctype == CALLBACK_MODAL:
            validate_modal(data)
        rec.callback = {"type": ctype, "data": data}
        rec.responded.set()
        return resource

    def _webhook_interaction(self, application_id: str, token: str) -> InteractionRecord:
        rec = self.interactions.by_token.get(token)
        if rec is None or _id(application_id, err.unknown_webhook) != self.state.application_id:
            raise err.unknown_webhook()
        if rec.callback is None:
            raise err.unknown_webhook()
        return rec

    @route("POST", "/webhooks/{application_id}/{token}")
    async def create_followup(
        self, req: RecordedRequest, application_id: str, token: str
    ) -> RestResponse:
        rec = self._webhook_interaction(application_id, token)
        payload = dict(req.json or {})
        original = (
            self.state.messages.get(rec.original_message_id) if rec.original_message_id else None
        )
        if (
            rec.callback_type == CALLBACK_DEFERRED_CHANNEL_MESSAGE
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # Discord: the first followup after a type-5 defer replaces the "thinking" message.
            self._validate_new(payload, req.files)
            self._apply_edit(original, payload, req.files)
            original.edits.pop()
            msg = original
            self._dispatch_message("MESSAGE_UPDATE", msg)
        else:
            self._validate_new(payload, req.files)
            flags = int(payload.get("flags") or 0) & INTERACTION_MESSAGE_FLAGS
            channel = self.state.channel(rec.channel_id)
            metadata = _interaction_metadata(self.state, rec)
            if rec.original_message_id is not None:
                metadata["original_response_message_id"] = str(rec.original_message_id)
            msg = self._new_message(
                channel,
                payload,
                req.files,
                source="followup",
                flags=flags,
                interaction=rec,
                metadata=metadata,
            )
            self._dispatch_message("MESSAGE_CREATE", msg)
        rec.followup_ids.append(msg.id)
        if req.query.get("wait") in ("1", "true", "True"):
            return ok(self.state.message_payload(msg))
        return ok()

    def _webhook_message(self, rec: InteractionRecord, message_id: str) -> MessageRec:
        if message_id == "@original":
            mid = rec.original_message_id
        else:
            mid = _id(message_id, err.unknown_message)
            if mid != rec.original_message_id and mid not in rec.followup_ids:
                raise err.unknown_message()
        msg = self.state.messages.get(mid) if mid is not None else None
        if msg is None or msg.deleted:
            raise err.unknown_message()
        return msg

    @route("GET", "/webhooks/{application_id}/{token}/messages/{message_id}")
    async def get_webhook_message(
        self, req: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> RestResponse:
        rec = self._webhook_interaction(application_id, token)
        return ok(self.state.message_payload(self._webhook_message(rec, message_id)))

    @route("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}")
    async def edit_webhook_message(
        self, req: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> RestResponse:
        rec = self._webhook_interaction(application_id, token)
        msg = self._webhook_message(rec, message_id)
        payload = dict(req.json or {})
        self._apply_edit(msg, payload, req.files)
        if msg.id == rec.original_message_id:
            rec.edits.append(payload)
        self._dispatch_message("MESSAGE_UPDATE", msg)
        return ok(self.state.message_payload(msg))

    @route("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}")
    async def delete_webhook_message(
        self, req: RecordedRequest, application_id: str, token: str, message_id: str
    ) -> RestResponse:
        rec = self._webhook_interaction(application_id, token)
        self._delete_message(self._webhook_message(rec, message_id))
        return ok()


_THREADS = (10, CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD)


def _embed(embed: Any) -> JSON:
    data = dict(embed) if isinstance(embed, dict) else {}
    data.setdefault("type", "rich")
    return data


def _response_type(rec: InteractionRecord) -> int:
    if rec.type != INTERACTION_APPLICATION_COMMAND:
        return MESSAGE_DEFAULT
    if int((rec.payload.get("data") or {}).get("type", 1)) == 1:
        return MESSAGE_CHAT_INPUT_COMMAND
    return MESSAGE_CONTEXT_MENU_COMMAND


def _interaction_metadata(state: FakeState, rec: InteractionRecord) -> JSON:
    data: JSON = {
        "id": str(rec.id),
        "type": rec.type,
        "user": state.user_payload(rec.user_id),
        "authorizing_integration_owners": {"0": str(rec.guild_id)},
    }
    if rec.type == INTERACTION_APPLICATION_COMMAND:
        cmd = rec.payload.get("data") or {}
        data["name"] = cmd.get("name")
        data["command_type"] = cmd.get("type", 1)
    if rec.source_message_id is not None:
        data["interacted_message_id"] = str(rec.source_message_id)
    return data
