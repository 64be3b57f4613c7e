"""In-memory Discord world: users, guilds, roles, members, channels, messages, commands.

The state outlives gateway connections on purpose: tests stop and restart the bot
against the same fake, and whatever happened while it was offline (votes, deleted
messages) must still be visible through REST afterwards, exactly as on Discord.

Records are plain dataclasses; the ``*_payload`` methods render them in the JSON shapes
of Discord's API v10 (see discord.py's ``discord/types``), which is what discord.py
parses both from REST responses and from gateway events.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .permissions import (
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MEMBER_OVERWRITE,
    ROLE_OVERWRITE,
    Overwrite,
    base_permissions,
    channel_permissions,
)
from .snowflake import SnowflakeGenerator, iso, now_iso, snowflake_datetime

JSON = dict[str, Any]

CHANNEL_TEXT = 0
CHANNEL_CATEGORY = 4
CHANNEL_ANNOUNCEMENT_THREAD = 10
CHANNEL_PUBLIC_THREAD = 11
CHANNEL_PRIVATE_THREAD = 12
THREAD_TYPES = (CHANNEL_ANNOUNCEMENT_THREAD, CHANNEL_PUBLIC_THREAD, CHANNEL_PRIVATE_THREAD)

MESSAGE_DEFAULT = 0
MESSAGE_REPLY = 19
MESSAGE_CHAT_INPUT_COMMAND = 20
MESSAGE_CONTEXT_MENU_COMMAND = 23

FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7

_CUSTOM_EMOJI = re.compile(r"^<?(a)?:?([A-Za-z0-9_~]{2,32}):(\d{15,25})>?$")
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def normalize_emoji(emoji: str) -> str:
    """Canonical key for an emoji: the unicode text, or ``name:id`` for custom emoji."""
    match = _CUSTOM_EMOJI.match(emoji)
    if match:
        return f"{match.group(2)}:{match.group(3)}"
    return emoji


def emoji_payload(key: str) -> JSON:
    match = _CUSTOM_EMOJI.match(key)
    if match:
        return {"id": match.group(3), "name": match.group(2), "animated": bool(match.group(1))}
    return {"id": None, "name": key}


def looks_like_unicode_emoji(text: str) -> bool:
    """Reject obvious non-emoji (``:thumbsup:``, ``ok``) the way Discord answers 10014."""
    return bool(text) and not text.isascii() and len(text) <= 16


@dataclass
class UserRec:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass
class RoleRec:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int
    managed: bool = False
    bot_id: int | None = None
    mentionable: bool = False
    hoist: bool = False

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class MemberRec:
    guild_id: int
    user_id: int
    roles: list[int]
    joined_at: str
    nick: str | None = None


@dataclass
class GuildRec:
    id: int
    name: str
    owner_id: int
    bot_role_id: int = 0
    roles: dict[int, RoleRec] = field(default_factory=dict)
    members: dict[int, MemberRec] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)


@dataclass
class ChannelRec:
    id: int
    guild_id: int
    type: int
    name: str
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    last_message_id: int | None = None
    # thread-only fields
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    message_count: int = 0
    thread_member_ids: set[int] = field(default_factory=set)
    created_at: str = field(default_factory=now_iso)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES


@dataclass
class AttachmentRec:
    id: int
    filename: str
    data: bytes
    content_type: str | None
    url: str
    description: str | None = None
    ephemeral: bool = False

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            data["content_type"] = self.content_type
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass
class MessageRec:
    """A stored message; ``allowed_mentions`` is kept exactly as the sender sent it."""

    id: int
    channel_id: int
    guild_id: int | None
    author_id: int
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[AttachmentRec] = field(default_factory=list)
    allowed_mentions: JSON | None = None
    allowed_mentions_given: bool = False
    flags: int = 0
    type: int = MESSAGE_DEFAULT
    tts: bool = False
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    deleted: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    thread_id: int | None = None
    message_reference: JSON | None = None
    nonce: str | int | None = None
    sticker_ids: list[str] = field(default_factory=list)
    #: emoji key -> user ids in reaction order (dict used as an ordered set)
    reactions: dict[str, dict[int, None]] = field(default_factory=dict)
    #: every accepted edit payload, in order
    edits: list[JSON] = field(default_factory=list)
    #: "rest", "interaction", "followup" or "user"
    source: str = "rest"
    interaction_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)


@dataclass
class CommandRec:
    id: int
    guild_id: int | None
    data: JSON
    version: int

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def type(self) -> int:
        return int(self.data.get("type", 1))


class FakeState:
    """All fake-Discord data plus payload rendering; no I/O here."""

    def __init__(self, *, bot_username: str = "ClaimBot", base_url: str = "") -> None:
        self.ids = SnowflakeGenerator()
        self.base_url = base_url
        # Older Discord apps have a bot user id different from the application id; keeping
        # them different makes a bot that confuses the two fail loudly here.
        self.application_id = self.ids.next()
        self.bot_user_id = self.ids.next()
        self.users: dict[int, UserRec] = {}
        self.guilds: dict[int, GuildRec] = {}
        self.channels: dict[int, ChannelRec] = {}
        self.messages: dict[int, MessageRec] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.attachments: dict[int, AttachmentRec] = {}
        self.global_commands: dict[int, CommandRec] = {}
        self.guild_commands: dict[int, dict[int, CommandRec]] = {}
        self.users[self.bot_user_id] = UserRec(self.bot_user_id, bot_username, bot=True)
        self.owner_user_id = self.add_user("app-owner")
        self.verify_key = secrets.token_hex(32)

    # ------------------------------------------------------------------ builders

    def add_user(self, username: str, *, bot: bool = False) -> int:
        uid = self.ids.next()
        self.users[uid] = UserRec(uid, username, bot=bot)
        return uid

    def add_guild(
        self,
        name: str,
        owner_id: int | None = None,
        *,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        shard: tuple[int, int] | None = None,
    ) -> int:
        gid = self.ids.next(shard=shard)
        if owner_id is None:
            owner_id = self.add_user(f"{name.lower().replace(' ', '-')}-owner")
        elif owner_id not in self.users:
            raise KeyError(f"owner {owner_id} is not a known user")
        guild = GuildRec(gid, name, owner_id)
        guild.roles[gid] = RoleRec(gid, gid, "@everyone", everyone_permissions, 0)
        bot_role_id = self.ids.next()
        bot_name = self.users[self.bot_user_id].username
        guild.roles[bot_role_id] = RoleRec(
            bot_role_id, gid, bot_name, bot_permissions, 1, managed=True, bot_id=self.bot_user_id
        )
        guild.bot_role_id = bot_role_id
        self.guilds[gid] = guild
        self._join(gid, owner_id, [])
        self._join(gid, self.bot_user_id, [bot_role_id])
        return gid

    def _join(self, guild_id: int, user_id: int, roles: list[int]) -> MemberRec:
        member = MemberRec(guild_id, user_id, roles, now_iso())
        self.guilds[guild_id].members[user_id] = member
        return member

    def add_role(
        self, guild_id: int, name: str, permissions: int = 0, *, mentionable: bool = False
    ) -> int:
        guild = self.guild(guild_id)
        rid = self.ids.next()
        position = max(r.position for r in guild.roles.values()) + 1
        guild.roles[rid] = RoleRec(
            rid, guild_id, name, int(permissions), position, mentionable=mentionable
        )
        return rid

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
        guild = self.guild(guild_id)
        if user_id is None:
            user_id = self.add_user(username)
        elif user_id not in self.users:
            raise KeyError(f"unknown user {user_id}")
        role_ids = list(roles)
        for rid in role_ids:
            if rid not in guild.roles:
                raise KeyError(f"role {rid} is not in guild {guild_id}")
        if permissions is not None:
            role_ids.append(self.add_role(guild_id, f"{username}-permissions", permissions))
        existing = guild.members.get(user_id)
        if existing is not None:  # e.g. the owner add_guild already added: just update
            existing.roles += [r for r in role_ids if r not in existing.roles]
            existing.nick = nick if nick is not None else existing.nick
            return user_id
        member = self._join(guild_id, user_id, role_ids)
        member.nick = nick
        return user_id

    def add_channel(
        self,
        guild_id: int,
        name: str,
        *,
        type: int = CHANNEL_TEXT,
        parent_id: int | None = None,
        topic: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> int:
        guild = self.guild(guild_id)
        cid = self.ids.next()
        position = sum(1 for c in guild.channel_ids if self.channels[c].type == type)
        self.channels[cid] = ChannelRec(
            cid, guild_id, type, name, position, parent_id, topic, list(overwrites)
        )
        guild.channel_ids.append(cid)
        self.channel_messages[cid] = []
        return cid

    def add_thread(
        self,
        parent_id: int,
        name: str,
        *,
        owner_id: int,
        thread_id: int | None = None,
        type: int = CHANNEL_PUBLIC_THREAD,
        auto_archive_duration: int = 1440,
    ) -> ChannelRec:
        parent = self.channel(parent_id)
        tid = thread_id if thread_id is not None else self.ids.next()
        thread = ChannelRec(
            tid,
            parent.guild_id,
            type,
            name,
            parent_id=parent_id,
            owner_id=owner_id,
            auto_archive_duration=auto_archive_duration,
        )
        thread.thread_member_ids.add(owner_id)
        self.channels[tid] = thread
        self.guilds[parent.guild_id].channel_ids.append(tid)
        self.channel_messages[tid] = []
        return thread

    # ------------------------------------------------------------------ lookups

    def guild(self, guild_id: int) -> GuildRec:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise KeyError(f"unknown guild {guild_id}") from None

    def channel(self, channel_id: int) -> ChannelRec:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise KeyError(f"unknown channel {channel_id}") from None

    def member(self, guild_id: int, user_id: int) -> MemberRec | None:
        guild = self.guilds.get(guild_id)
        return None if guild is None else guild.members.get(user_id)

    def live_message(self, message_id: int) -> MessageRec | None:
        msg = self.messages.get(message_id)
        return None if msg is None or msg.deleted else msg

    def threads_of_message(self, message_id: int) -> list[ChannelRec]:
        return [c for c in self.channels.values() if c.is_thread and c.id == message_id]

    def commands_for(self, guild_id: int | None) -> dict[int, CommandRec]:
        if guild_id is None:
            return self.global_commands
        return self.guild_commands.setdefault(guild_id, {})

    # ------------------------------------------------------------------ permissions

    def guild_permissions(self, guild_id: int, user_id: int) -> int:
        guild = self.guild(guild_id)
        member = guild.members.get(user_id)
        return base_permissions(
            guild_id=guild_id,
            owner_id=guild.owner_id,
            user_id=user_id,
            member_role_ids=member.roles if member else [],
            role_permissions={rid: r.permissions for rid, r in guild.roles.items()},
        )

    def permissions_in(self, channel_id: int, user_id: int) -> int:
        channel = self.channel(channel_id)
        source = channel
        if channel.is_thread and channel.parent_id is not None:
            source = self.channels.get(channel.parent_id, channel)  # threads use parent overwrites
        member = self.member(channel.guild_id, user_id)
        if member is None:
            return 0
        base = self.guild_permissions(channel.guild_id, user_id)
        return channel_permissions(
            base,
            guild_id=channel.guild_id,
            user_id=user_id,
            member_role_ids=member.roles,
            overwrites=source.overwrites,
        )

    def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int, deny: int, kind: int | None
    ) -> None:
        channel = self.channel(channel_id)
        guild = self.guild(channel.guild_id)
        if kind is None:
            kind = ROLE_OVERWRITE if target_id in guild.roles else MEMBER_OVERWRITE
        channel.overwrites = [ow for ow in channel.overwrites if ow.id != target_id]
        channel.overwrites.append(Overwrite(target_id, kind, int(allow), int(deny)))

    # ------------------------------------------------------------------ messages

    def new_message(
        self,
        channel_id: int,
        author_id: int,
        *,
        content: str = "",
        source: str = "rest",
        **fields: Any,
    ) -> MessageRec:
        channel = self.channel(channel_id)
        mid = self.ids.next()
        msg = MessageRec(
            mid,
            channel_id,
            channel.guild_id,
            author_id,
            content=content,
            source=source,
            timestamp=iso(snowflake_datetime(mid)),
            **fields,
        )
        self.messages[mid] = msg
        self.channel_messages.setdefault(channel_id, []).append(mid)
        if not msg.ephemeral:
            channel.last_message_id = mid
            if channel.is_thread:
                channel.message_count += 1
        return msg

    def add_attachment(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        *,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> AttachmentRec:
        aid = self.ids.next()
        url = f"{self.base_url}/attachments/{channel_id}/{aid}/{filename}"
        rec = AttachmentRec(aid, filename, data, content_type, url, description, ephemeral)
        self.attachments[aid] = rec
        return rec

    def pinged_by(self, msg: MessageRec) -> tuple[set[int], set[int], bool]:
        """Users, roles and @everyone that ``msg`` would actually notify (Discord rules)."""
        allowed = msg.allowed_mentions if msg.allowed_mentions_given else None
        parse = (
            {"users", "roles", "everyone"} if allowed is None else set(allowed.get("parse") or [])
        )
        allowed_users = {int(u) for u in (allowed or {}).get("users") or []}
        allowed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
        users = {int(u) for u in _USER_MENTION.findall(msg.content)}
        roles = {int(r) for r in _ROLE_MENTION.findall(msg.content)}
        users = {u for u in users if u in self.users and ("users" in parse or u in allowed_users)}
        roles = {r for r in roles if "roles" in parse or r in allowed_roles}
        everyone = "everyone" in parse and ("@everyone" in msg.content or "@here" in msg.content)
        replied = allowed is None or bool((allowed or {}).get("replied_user"))
        if msg.message_reference and replied:
            ref = self.messages.get(int(msg.message_reference.get("message_id") or 0))
            if ref is not None:
                users.add(ref.author_id)
        return users, roles, everyone

    # ------------------------------------------------------------------ payloads

    def user_payload(self, user_id: int) -> JSON:
        return self.users[user_id].payload()

    def member_payload(
        self,
        guild_id: int,
        user_id: int,
        *,
        with_user: bool = True,
        permissions_channel: int | None = None,
    ) -> JSON:
        member = self.guild(guild_id).members[user_id]
        data: JSON = {
            "roles": [str(r) for r in member.roles],
            "joined_at": member.joined_at,
            "nick": member.nick,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "premium_since": None,
            "avatar": None,
            "banner": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user_payload(user_id)
        if permissions_channel is not None:
            data["permissions"] = str(self.permissions_in(permissions_channel, user_id))
        return data

    def channel_payload(self, channel_id: int) -> JSON:
        ch = self.channel(channel_id)
        data: JSON = {
            "id": str(ch.id),
            "guild_id": str(ch.guild_id),
            "type": ch.type,
            "name": ch.name,
            "parent_id": str(ch.parent_id) if ch.parent_id else None,
            "last_message_id": str(ch.last_message_id) if ch.last_message_id else None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if ch.is_thread:
            data.update(
                owner_id=str(ch.owner_id),
                message_count=ch.message_count,
                total_message_sent=ch.message_count,
                member_count=len(ch.thread_member_ids),
                thread_metadata={
                    "archived": ch.archived,
                    "auto_archive_duration": ch.auto_archive_duration,
                    "archive_timestamp": ch.created_at,
                    "locked": ch.locked,
                    "create_timestamp": ch.created_at,
                    **({"invitable": True} if ch.type == CHANNEL_PRIVATE_THREAD else {}),
                },
            )
            if self.bot_user_id in ch.thread_member_ids:
                data["member"] = {
                    "id": str(ch.id),
                    "user_id": str(self.bot_user_id),
                    "join_timestamp": ch.created_at,
                    "flags": 0,
                }
        else:
            data.update(
                position=ch.position,
                permission_overwrites=[ow.payload() for ow in ch.overwrites],
                topic=ch.topic,
                nsfw=False,
                default_auto_archive_duration=1440,
            )
        return data

    def guild_payload(self, guild_id: int, *, gateway: bool, include_members: bool = True) -> JSON:
        guild = self.guild(guild_id)
        data: JSON = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "widget_enabled": False,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "features": [],
            "roles": [r.payload() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
        }
        if gateway:
            members = list(guild.members) if include_members else [self.bot_user_id]
            bot_member = guild.members[self.bot_user_id]
            data.update(
                unavailable=False,
                large=False,
                member_count=len(guild.members),
                joined_at=bot_member.joined_at,
                members=[self.member_payload(guild.id, uid) for uid in members],
                channels=[
                    self.channel_payload(c)
                    for c in guild.channel_ids
                    if not self.channels[c].is_thread
                ],
                threads=[
                    self.channel_payload(c)
                    for c in guild.channel_ids
                    if self.channels[c].is_thread and not self.channels[c].archived
                ],
                voice_states=[],
                presences=[],
                stage_instances=[],
                guild_scheduled_events=[],
                soundboard_sounds=[],
            )
        return data

    def message_payload(
        self, msg: MessageRec, *, gateway: bool = False, nested: bool = False
    ) -> JSON:
        users, roles, everyone = self.pinged_by(msg)
        data: JSON = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "author": self.user_payload(msg.author_id),
            "content": msg.content,
            "timestamp": msg.timestamp,
            "edited_timestamp": msg.edited_timestamp,
            "tts": msg.tts,
            "mention_everyone": everyone,
            "mentions": [self.user_payload(u) for u in sorted(users)],
            "mention_roles": [str(r) for r in sorted(roles)],
            "attachments": [a.payload() for a in msg.attachments],
            "embeds": [dict(e) for e in msg.embeds],
            "pinned": False,
            "type": msg.type,
            "flags": msg.flags,
            "components": [dict(c) for c in msg.components],
        }
        if msg.reactions:
            data["reactions"] = [
                {
                    "emoji": emoji_payload(key),
                    "count": len(who),
                    "count_details": {"burst": 0, "normal": len(who)},
                    "burst_colors": [],
                    "me": self.bot_user_id in who,
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                }
                for key, who in msg.reactions.items()
                if who
            ]
        if msg.webhook_id is not None:
            data["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            data["application_id"] = str(msg.application_id)
        if msg.interaction_metadata is not None:
            data["interaction_metadata"] = msg.interaction_metadata
        if msg.nonce is not None:
            data["nonce"] = msg.nonce
        if msg.thread_id is not None and msg.thread_id in self.channels:
            data["thread"] = self.channel_payload(msg.thread_id)
        if msg.message_reference is not None:
            data["message_reference"] = msg.message_reference
            if not nested:
                ref = self.live_message(int(msg.message_reference.get("message_id") or 0))
                data["referenced_message"] = (
                    None if ref is None else self.message_payload(ref, nested=True)
                )
        if gateway and msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            if msg.webhook_id is None or msg.author_id == self.bot_user_id:
                member = self.member(msg.guild_id, msg.author_id)
                if member is not None:
                    data["member"] = self.member_payload(
                        msg.guild_id, msg.author_id, with_user=False
                    )
        return data

    def snapshot(self, msg: MessageRec) -> JSON:
        """A message as tests see it: the gateway payload plus what the sender chose.

        Extra keys: ``allowed_mentions`` (as sent, None if absent), ``allowed_mentions_given``,
        ``deleted``, ``edit_count``, ``source`` and ``interaction_id``.
        """
        data = self.message_payload(msg, gateway=True)
        data.update(
            allowed_mentions=msg.allowed_mentions if msg.allowed_mentions_given else None,
            allowed_mentions_given=msg.allowed_mentions_given,
            deleted=msg.deleted,
            edit_count=len(msg.edits),
            source=msg.source,
            interaction_id=str(msg.interaction_id) if msg.interaction_id else None,
        )
        return data

    def command_payload(self, cmd: CommandRec) -> JSON:
        data: JSON = {
            "id": str(cmd.id),
            "application_id": str(self.application_id),
            "version": str(cmd.version),
            "type": cmd.type,
            "name": cmd.name,
            "description": cmd.data.get("description", ""),
            "default_member_permissions": cmd.data.get("default_member_permissions"),
            "dm_permission": cmd.data.get("dm_permission", True),
            "nsfw": cmd.data.get("nsfw", False),
            "contexts": cmd.data.get("contexts"),
            "integration_types": cmd.data.get("integration_types", [0]),
            "name_localizations": cmd.data.get("name_localizations"),
            "description_localizations": cmd.data.get("description_localizations"),
        }
        if cmd.data.get("options"):
            data["options"] = cmd.data["options"]
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        return data

    def bulk_overwrite_commands(
        self, guild_id: int | None, commands: list[JSON]
    ) -> list[CommandRec]:
        """Replace a scope's commands, keeping ids of commands whose (type, name) survive."""
        scope = self.commands_for(guild_id)
        by_key = {(c.type, c.name): c for c in scope.values()}
        new_scope: dict[int, CommandRec] = {}
        for data in commands:
            key = (int(data.get("type", 1)), str(data["name"]))
            old = by_key.get(key)
            if old is not None:
                changed = old.data != data
                rec = CommandRec(
                    old.id, guild_id, data, self.ids.next() if changed else old.version
                )
            else:
                rec = CommandRec(self.ids.next(), guild_id, data, self.ids.next())
            new_scope[rec.id] = rec
        scope.clear()
        scope.update(new_scope)
        return list(new_scope.values())

    def application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.users[self.bot_user_id].username,
            "icon": None,
            "description": "fake application",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": self.verify_key,
            "owner": self.user_payload(self.owner_user_id),
            "team": None,
            "flags": 0,
            "bot": self.user_payload(self.bot_user_id),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "tags": [],
            "integration_types_config": {"0": {}},
        }
