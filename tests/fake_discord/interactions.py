"""Interaction payloads built from the *synced* command tree, and what came back.

``invoke_*`` deliberately looks commands and options up in what the bot PUT to
``/applications/{app}/.../commands``: a test that invokes ``/claim submit`` therefore
also proves that the bot synced that command with that option, with the right types.
Values are checked against the synced definition (types, required, choices, min/max,
channel types) the way Discord's client would before it ever sends an interaction.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .state import (
    FLAG_EPHEMERAL,
    JSON,
    THREAD_TYPES,
    CommandRec,
    FakeState,
    MessageRec,
)
from .validation import iter_components
from .waiting import poll_until

INTERACTION_PING = 1
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
INTERACTION_MODAL_SUBMIT = 5

CALLBACK_CHANNEL_MESSAGE = 4
CALLBACK_DEFERRED_CHANNEL_MESSAGE = 5
CALLBACK_DEFERRED_UPDATE_MESSAGE = 6
CALLBACK_UPDATE_MESSAGE = 7
CALLBACK_AUTOCOMPLETE_RESULT = 8
CALLBACK_MODAL = 9

COMMAND_CHAT_INPUT = 1
COMMAND_USER = 2
COMMAND_MESSAGE = 3

OPT_SUB_COMMAND = 1
OPT_SUB_COMMAND_GROUP = 2
OPT_STRING = 3
OPT_INTEGER = 4
OPT_BOOLEAN = 5
OPT_USER = 6
OPT_CHANNEL = 7
OPT_ROLE = 8
OPT_MENTIONABLE = 9
OPT_NUMBER = 10
OPT_ATTACHMENT = 11


class InvocationError(AssertionError):
    """The test asked for something a real Discord client could not send."""


@dataclass(frozen=True)
class FakeFile:
    """A file a user attaches to a slash command option of type ATTACHMENT."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(eq=False)
class InteractionRecord:
    """One interaction sent to the bot and everything the bot answered.

    ``callback`` is the accepted initial response ``{"type", "data"}``; ``rejected``
    holds refused attempts (``{"status", "code", "message", "errors"}``), e.g. a second
    callback (40060) or one after the deadline (10062). ``edits`` are the PATCH payloads
    sent to ``@original``; ``followups`` are the current states of the messages created
    through ``POST /webhooks/{app}/{token}`` (after a type-5 defer, the first followup
    fills in the "thinking" original message, so its id equals ``original_message_id``).
    """

    id: int
    token: str
    type: int
    payload: JSON
    guild_id: int | None
    channel_id: int
    user_id: int
    state: FakeState
    command_name: str | None = None
    source_message_id: int | None = None
    created_at: float = field(default_factory=time.monotonic)
    callback: Any = None  # JSON | None; Any so that a test indexes an answered one directly
    rejected: list[JSON] = field(default_factory=list)
    edits: list[JSON] = field(default_factory=list)
    followup_ids: list[int] = field(default_factory=list)
    original_message_id: int | None = None
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    # ------------------------------------------------------------------ waiting

    async def wait_response(self, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        """The first accepted callback; fails with the rejected attempts if none came."""
        try:
            await asyncio.wait_for(self.responded.wait(), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"interaction {self.command_name or self.type} got no accepted callback "
                f"within {timeout}s; rejected attempts: {self.rejected}"
            ) from None
        assert self.callback is not None
        return self.callback

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[JSON]:  # noqa: ASYNC109
        await poll_until(lambda: len(self.followup_ids) >= count, timeout, f"{count} followup(s)")
        return self.followups

    async def wait_edits(self, count: int = 1, timeout: float = 5.0) -> list[JSON]:  # noqa: ASYNC109
        await poll_until(lambda: len(self.edits) >= count, timeout, f"{count} @original edit(s)")
        return list(self.edits)

    async def wait_rejected(self, count: int = 1, timeout: float = 5.0) -> list[JSON]:  # noqa: ASYNC109
        await poll_until(lambda: len(self.rejected) >= count, timeout, f"{count} rejection(s)")
        return list(self.rejected)

    # ------------------------------------------------------------------ views

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def original(self) -> JSON | None:
        """Current state of the original response message (None if none or deleted)."""
        if self.original_message_id is None:
            return None
        msg = self.state.live_message(self.original_message_id)
        return None if msg is None else self.state.snapshot(msg)

    @property
    def followups(self) -> list[JSON]:
        return [self.state.snapshot(self.state.messages[mid]) for mid in self.followup_ids]

    @property
    def ephemeral(self) -> bool:
        if self.original_message_id is not None:
            msg = self.state.messages.get(self.original_message_id)
            if msg is not None:
                return msg.ephemeral
        data = (self.callback or {}).get("data") or {}
        return bool(int(data.get("flags") or 0) & FLAG_EPHEMERAL)

    def final_content(self) -> str | None:
        original = self.original
        return None if original is None else str(original["content"])

    def final_embeds(self) -> list[JSON]:
        original = self.original
        return [] if original is None else list(original["embeds"])

    def final_components(self) -> list[JSON]:
        original = self.original
        return [] if original is None else list(original["components"])

    @property
    def choices(self) -> list[JSON] | None:
        """Autocomplete choices (callback type 8), else None."""
        if self.callback_type != CALLBACK_AUTOCOMPLETE_RESULT:
            return None
        return list(((self.callback or {}).get("data") or {}).get("choices") or [])

    @property
    def modal(self) -> JSON | None:
        """The modal the bot opened (callback type 9), else None."""
        if self.callback_type != CALLBACK_MODAL:
            return None
        return dict((self.callback or {}).get("data") or {})


class InteractionRegistry:
    """Builds interaction payloads and remembers every record by id and token."""

    def __init__(self, state: FakeState) -> None:
        self.state = state
        self.records: list[InteractionRecord] = []
        self.by_id: dict[int, InteractionRecord] = {}
        self.by_token: dict[str, InteractionRecord] = {}

    # ------------------------------------------------------------------ lookups

    def find_command(self, guild_id: int | None, name: str, ctype: int) -> CommandRec:
        scopes: list[dict[int, CommandRec]] = []
        if guild_id is not None:
            scopes.append(self.state.guild_commands.get(guild_id, {}))
        scopes.append(self.state.global_commands)
        for scope in scopes:
            for cmd in scope.values():
                if cmd.name == name and cmd.type == ctype:
                    return cmd
        synced = sorted(
            f"{c.name}(type {c.type}{', guild' if c.guild_id else ''})"
            for scope in scopes
            for c in scope.values()
        )
        raise InvocationError(f"command {name!r} (type {ctype}) is not synced; synced: {synced}")

    # ------------------------------------------------------------------ builders

    def _base(
        self,
        *,
        itype: int,
        guild_id: int,
        channel_id: int,
        user_id: int,
        data: JSON,
        locale: str,
        message: MessageRec | None = None,
    ) -> tuple[int, str, JSON]:
        state = self.state
        if state.member(guild_id, user_id) is None:
            raise InvocationError(f"user {user_id} is not a member of guild {guild_id}")
        channel = state.channel(channel_id)
        if channel.guild_id != guild_id:
            raise InvocationError(f"channel {channel_id} is not in guild {guild_id}")
        iid = state.ids.next()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        channel_data = state.channel_payload(channel_id)
        channel_data["permissions"] = str(state.permissions_in(channel_id, user_id))
        payload: JSON = {
            "id": str(iid),
            "application_id": str(state.application_id),
            "type": itype,
            "data": data,
            "guild_id": str(guild_id),
            "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": channel_data,
            "member": state.member_payload(guild_id, user_id, permissions_channel=channel_id),
            "token": token,
            "version": 1,
            "app_permissions": str(state.permissions_in(channel_id, state.bot_user_id)),
            "locale": locale,
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = state.message_payload(message, gateway=True)
        return iid, token, payload

    def _record(
        self,
        iid: int,
        token: str,
        payload: JSON,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        command_name: str | None = None,
        source_message_id: int | None = None,
    ) -> InteractionRecord:
        rec = InteractionRecord(
            id=iid,
            token=token,
            type=int(payload["type"]),
            payload=payload,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            state=self.state,
            command_name=command_name,
            source_message_id=source_message_id,
        )
        self.records.append(rec)
        self.by_id[iid] = rec
        self.by_token[token] = rec
        return rec

    def slash(
        self,
        guild_id: int,
        channel_id: int,
        user_id: int,
        command: str,
        options: Mapping[str, Any] | None,
        *,
        locale: str = "en-US",
        autocomplete: tuple[str, str] | None = None,
    ) -> InteractionRecord:
        parts = command.split()
        if not parts:
            raise InvocationError("empty command path")
        cmd = self.find_command(guild_id, parts[0], COMMAND_CHAT_INPUT)
        resolved: JSON = {}
        top: list[JSON] = []
        container = top
        defs: list[JSON] = list(cmd.data.get("options") or [])
        for part in parts[1:]:
            sub = next(
                (
                    o
                    for o in defs
                    if o.get("name") == part
                    and o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP)
                ),
                None,
            )
            if sub is None:
                names = [o.get("name") for o in defs if o.get("type") in (1, 2)]
                raise InvocationError(
                    f"{command!r}: subcommand {part!r} is not synced; synced: {names}"
                )
            node: JSON = {"type": sub["type"], "name": part, "options": []}
            container.append(node)
            container = node["options"]
            defs = list(sub.get("options") or [])
        if any(o.get("type") in (OPT_SUB_COMMAND, OPT_SUB_COMMAND_GROUP) for o in defs):
            names = [o.get("name") for o in defs]
            raise InvocationError(f"{command!r} needs a subcommand; synced: {names}")
        ctx = _OptionContext(self.state, guild_id, channel_id, user_id, resolved)
        container.extend(ctx.convert(defs, dict(options or {}), autocomplete=autocomplete))
        data: JSON = {"id": str(cmd.id), "name": cmd.name, "type": COMMAND_CHAT_INPUT}
        if top:
            data["options"] = top
        if resolved:
            data["resolved"] = resolved
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        itype = INTERACTION_AUTOCOMPLETE if autocomplete else INTERACTION_APPLICATION_COMMAND
        iid, token, payload = self._base(
            itype=itype,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            data=data,
            locale=locale,
        )
        return self._record(
            iid,
            token,
            payload,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            command_name=command,
        )

    def component(
        self,
        user_id: int,
        message: MessageRec,
        custom_id: str,
        *,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        if message.guild_id is None:
            raise InvocationError("only guild messages are supported")
        if message.author_id != self.state.bot_user_id:
            raise InvocationError(f"message {message.id} was not sent by the bot")
        comp = next(
            (c for c in iter_components(message.components) if c.get("custom_id") == custom_id),
            None,
        )
        if comp is None:
            ids = [
                c.get("custom_id")
                for c in iter_components(message.components)
                if c.get("custom_id")
            ]
            raise InvocationError(f"message {message.id} has no component {custom_id!r}; has {ids}")
        if comp.get("disabled"):
            raise InvocationError(f"component {custom_id!r} is disabled")
        ctype = int(comp["type"])
        data: JSON = {"custom_id": custom_id, "component_type": ctype}
        if ctype == 2:
            if values is not None:
                raise InvocationError("buttons take no values")
        else:
            if values is None:
                raise InvocationError(f"component {custom_id!r} is a select; pass values")
            low, high = int(comp.get("min_values", 1)), int(comp.get("max_values", 1))
            if not low <= len(values) <= high:
                raise InvocationError(f"select {custom_id!r} takes {low}..{high} values")
            if ctype == 3:
                allowed = {o.get("value") for o in comp.get("options") or []}
                bad = [v for v in values if v not in allowed]
                if bad:
                    raise InvocationError(f"values {bad} are not options of {custom_id!r}")
            data["values"] = list(values)
        iid, token, payload = self._base(
            itype=INTERACTION_MESSAGE_COMPONENT,
            guild_id=message.guild_id,
            channel_id=message.channel_id,
            user_id=user_id,
            data=data,
            locale=locale,
            message=message,
        )
        return self._record(
            iid,
            token,
            payload,
            guild_id=message.guild_id,
            channel_id=message.channel_id,
            user_id=user_id,
            source_message_id=message.id,
        )

    def message_context_menu(
        self, user_id: int, name: str, target: MessageRec, *, locale: str = "en-US"
    ) -> InteractionRecord:
        if target.guild_id is None:
            raise InvocationError("only guild messages are supported")
        cmd = self.find_command(target.guild_id, name, COMMAND_MESSAGE)
        target_payload = self.state.message_payload(target, gateway=True)
        data: JSON = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": COMMAND_MESSAGE,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): target_payload}},
        }
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        iid, token, payload = self._base(
            itype=INTERACTION_APPLICATION_COMMAND,
            guild_id=target.guild_id,
            channel_id=target.channel_id,
            user_id=user_id,
            data=data,
            locale=locale,
        )
        return self._record(
            iid,
            token,
            payload,
            guild_id=target.guild_id,
            channel_id=target.channel_id,
            user_id=user_id,
            command_name=name,
        )

    def user_context_menu(
        self,
        guild_id: int,
        channel_id: int,
        user_id: int,
        name: str,
        target_user_id: int,
        *,
        locale: str = "en-US",
    ) -> InteractionRecord:
        cmd = self.find_command(guild_id, name, COMMAND_USER)
        resolved: JSON = {}
        _OptionContext(self.state, guild_id, channel_id, user_id, resolved).resolve_user(
            target_user_id
        )
        data: JSON = {
            "id": str(cmd.id),
            "name": cmd.name,
            "type": COMMAND_USER,
            "target_id": str(target_user_id),
            "resolved": resolved,
        }
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        iid, token, payload = self._base(
            itype=INTERACTION_APPLICATION_COMMAND,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            data=data,
            locale=locale,
        )
        return self._record(
            iid,
            token,
            payload,
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            command_name=name,
        )

    def modal_submit(
        self, opened_by: InteractionRecord, values: Mapping[str, str], *, user_id: int | None = None
    ) -> InteractionRecord:
        modal = opened_by.modal
        if modal is None:
            raise InvocationError("that interaction was not answered with a modal (type 9)")
        remaining = dict(values)
        components: list[JSON] = []
        for top in modal.get("components") or []:
            if top.get("type") == 1:
                row = [self._text_value(c, remaining) for c in top.get("components") or []]
                components.append({"type": 1, "components": row})
            elif top.get("type") == 18:
                components.append(
                    {"type": 18, "component": self._text_value(top["component"], remaining)}
                )
        if remaining:
            raise InvocationError(f"modal has no inputs {sorted(remaining)}")
        data = {"custom_id": modal.get("custom_id"), "components": components}
        assert opened_by.guild_id is not None
        source = (
            self.state.messages.get(opened_by.source_message_id)
            if opened_by.source_message_id is not None
            else None
        )
        uid = user_id if user_id is not None else opened_by.user_id
        iid, token, payload = self._base(
            itype=INTERACTION_MODAL_SUBMIT,
            guild_id=opened_by.guild_id,
            channel_id=opened_by.channel_id,
            user_id=uid,
            data=data,
            locale=str(opened_by.payload.get("locale", "en-US")),
            message=source,
        )
        return self._record(
            iid,
            token,
            payload,
            guild_id=opened_by.guild_id,
            channel_id=opened_by.channel_id,
            user_id=uid,
            command_name=opened_by.command_name,
            source_message_id=opened_by.source_message_id,
        )

    @staticmethod
    def _text_value(comp: JSON, remaining: dict[str, str]) -> JSON:
        custom_id = comp.get("custom_id")
        if comp.get("type") != 4:
            return {"type": comp.get("type"), "custom_id": custom_id}
        value = remaining.pop(str(custom_id), None)
        if value is None:
            if comp.get("required", True):
                raise InvocationError(f"modal input {custom_id!r} is required")
            value = ""
        low, high = int(comp.get("min_length", 0)), int(comp.get("max_length", 4000))
        if value and not low <= len(value) <= high:
            raise InvocationError(f"modal input {custom_id!r} must be {low}..{high} characters")
        return {"type": 4, "custom_id": custom_id, "value": value}


class _OptionContext:
    """Converts test-supplied option values into interaction options plus ``resolved``."""

    def __init__(
        self, state: FakeState, guild_id: int, channel_id: int, user_id: int, resolved: JSON
    ) -> None:
        self.state = state
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.user_id = user_id
        self.resolved = resolved

    def convert(
        self,
        defs: Iterable[JSON],
        given: dict[str, Any],
        *,
        autocomplete: tuple[str, str] | None,
    ) -> list[JSON]:
        defs = list(defs)
        by_name = {str(d["name"]): d for d in defs}
        unknown = [n for n in given if n not in by_name]
        if autocomplete is not None and autocomplete[0] not in by_name:
            unknown.append(autocomplete[0])
        if unknown:
            raise InvocationError(f"options {unknown} are not synced; synced: {list(by_name)}")
        out: list[JSON] = []
        for d in defs:
            name = str(d["name"])
            if autocomplete is not None and name == autocomplete[0]:
                if not d.get("autocomplete"):
                    raise InvocationError(f"option {name!r} was not synced with autocomplete")
                out.append(
                    {"type": d["type"], "name": name, "value": autocomplete[1], "focused": True}
                )
                continue
            if name not in given:
                if d.get("required") and autocomplete is None:
                    raise InvocationError(f"required option {name!r} missing")
                continue
            value = self.value(d, given[name], partial=autocomplete is not None)
            out.append({"type": d["type"], "name": name, "value": value})
        return out

    def value(self, d: JSON, raw: Any, *, partial: bool) -> Any:
        otype = int(d["type"])
        name = d["name"]
        if otype == OPT_STRING:
            if not isinstance(raw, str):
                raise InvocationError(f"option {name!r} is a string, got {raw!r}")
            if not partial:
                low, high = int(d.get("min_length", 0)), int(d.get("max_length", 6000))
                if not low <= len(raw) <= high:
                    raise InvocationError(f"option {name!r} must be {low}..{high} characters")
            self._check_choices(d, raw, partial)
            return raw
        if otype in (OPT_INTEGER, OPT_NUMBER):
            ok = isinstance(raw, int) and not isinstance(raw, bool)
            if otype == OPT_NUMBER:
                ok = ok or isinstance(raw, float)
            if not ok:
                raise InvocationError(f"option {name!r} is numeric (type {otype}), got {raw!r}")
            if ("min_value" in d and raw < d["min_value"]) or (
                "max_value" in d and raw > d["max_value"]
            ):
                raise InvocationError(f"option {name!r} out of range: {raw!r}")
            self._check_choices(d, raw, partial)
            return raw
        if otype == OPT_BOOLEAN:
            if not isinstance(raw, bool):
                raise InvocationError(f"option {name!r} is a boolean, got {raw!r}")
            return raw
        if otype == OPT_USER:
            return self.resolve_user(int(raw))
        if otype == OPT_CHANNEL:
            return self.resolve_channel(int(raw), d.get("channel_types"))
        if otype == OPT_ROLE:
            return self.resolve_role(int(raw))
        if otype == OPT_MENTIONABLE:
            if int(raw) in self.state.users:
                return self.resolve_user(int(raw))
            return self.resolve_role(int(raw))
        if otype == OPT_ATTACHMENT:
            return self.resolve_attachment(raw)
        raise InvocationError(f"option {name!r} has unsupported type {otype}")

    @staticmethod
    def _check_choices(d: JSON, raw: Any, partial: bool) -> None:
        choices = d.get("choices")
        if choices and not partial and raw not in [c.get("value") for c in choices]:
            raise InvocationError(f"{raw!r} is not a choice of option {d['name']!r}")

    def resolve_user(self, user_id: int) -> str:
        if user_id not in self.state.users:
            raise InvocationError(f"unknown user {user_id}")
        self.resolved.setdefault("users", {})[str(user_id)] = self.state.user_payload(user_id)
        if self.state.member(self.guild_id, user_id) is not None:
            member = self.state.member_payload(
                self.guild_id, user_id, with_user=False, permissions_channel=self.channel_id
            )
            self.resolved.setdefault("members", {})[str(user_id)] = member
        return str(user_id)

    def resolve_channel(self, channel_id: int, channel_types: list[int] | None) -> str:
        channel = self.state.channels.get(channel_id)
        if channel is None or channel.guild_id != self.guild_id:
            raise InvocationError(f"channel {channel_id} is not in guild {self.guild_id}")
        if channel_types and channel.type not in channel_types:
            raise InvocationError(
                f"channel type {channel.type} not allowed (allowed {channel_types})"
            )
        data = self.state.channel_payload(channel_id)
        data["permissions"] = str(self.state.permissions_in(channel_id, self.user_id))
        if channel.type not in THREAD_TYPES:
            data.pop("permission_overwrites", None)
        self.resolved.setdefault("channels", {})[str(channel_id)] = data
        return str(channel_id)

    def resolve_role(self, role_id: int) -> str:
        role = self.state.guild(self.guild_id).roles.get(role_id)
        if role is None:
            raise InvocationError(f"role {role_id} is not in guild {self.guild_id}")
        self.resolved.setdefault("roles", {})[str(role_id)] = role.payload()
        return str(role_id)

    def resolve_attachment(self, raw: Any) -> str:
        if isinstance(raw, tuple):
            raw = FakeFile(*raw)
        if not isinstance(raw, FakeFile):
            raise InvocationError(f"attachment options take FakeFile or (name, bytes), got {raw!r}")
        rec = self.state.add_attachment(
            self.channel_id, raw.filename, raw.data, raw.content_type, ephemeral=True
        )
        self.resolved.setdefault("attachments", {})[str(rec.id)] = rec.payload()
        return str(rec.id)
