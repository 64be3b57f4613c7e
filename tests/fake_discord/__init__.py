"""A local fake Discord (REST v10 + Gateway v10) for end-to-end tests of discord.py bots.

The real, unmodified discord.py client logs in, caches guilds/channels/roles/members,
receives dispatched events and makes REST calls that are recorded for assertions. All
state lives in memory and survives bot restarts against the same fake.

Quick start::

    async with running_fake() as fake:          # started + discord.py pointed at it
        gid = fake.add_guild("Newsroom")
        cid = fake.add_text_channel(gid, "claims")
        alice = fake.add_member(gid, "alice")
        bot = MyBot(..., guild_ready_timeout=0.05)   # else on_ready waits 2 s
        task = asyncio.create_task(bot.start("any-token"))
        await fake.wait_until_connected()
        rec = await fake.invoke_slash(gid, cid, alice, "claim submit", {"text": "..."})
        await rec.wait_response()
        assert rec.final_content() == "..."

Pointing discord.py at it: ``with point_discord_py_at(fake): ...`` sets
``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` (and makes
``Client.before_identify_hook`` a no-op so re-IDENTIFY skips its 5 s sleep), restoring all
on exit. ``running_fake(**kwargs)`` and the pytest fixture ``fake_discord`` (enable with
``pytest_plugins = ["tests.fake_discord.pytest_plugin"]``) do this for you.

``FakeDiscord(*, token=None, bot_username="ClaimBot", enforce_permissions=True,
interaction_deadline=3.0, shard_count=1, max_guilds_per_session=2500, max_concurrency=1)``
-- ``token=None`` accepts any token, otherwise REST answers 401 and IDENTIFY is closed with
4004 for other tokens.

Shards (``shards.py``)
    A session that IDENTIFYs with ``shard: [shard_id, num_shards]`` gets only the guilds
    (READY, GUILD_CREATE) and events of guilds with ``(guild_id >> 22) % num_shards ==
    shard_id``; events without a guild go to shard 0; no ``shard`` means ``[0, 1]``. Like
    Discord, sessions may share a shard (each gets its events) and an invalid shard is
    closed with 4010, a session over ``max_guilds_per_session`` guilds with 4011.
    ``GET /gateway/bot`` recommends ``shard_count``. ``add_guild(..., shard_id=1)`` picks
    an id on that shard of ``shard_count``; ``shard_of(guild_id)``; ``connected_shards``
    (one shard id per connected session, sorted); ``identifies`` (:class:`IdentifyRecord`:
    ``shard`` as sent, ``session_id``, ``close_code``); ``shard_identify_count(shard_id)``,
    ``shard_resume_count(shard_id)``; ``dispatched(event, shard_id=...)`` and
    ``dispatched_payloads(event, shard_id=...)`` tell who received what;
    ``wait_until_connected(shard_ids=[0, 1])``; ``drop_gateway(..., shard_id=...)`` and
    ``invalidate_session(shard_id=...)`` act on one shard.

Lifecycle / addresses
    ``await start()``, ``await stop()`` (also ``async with``); ``port``, ``base_url``,
    ``api_base`` ("http://127.0.0.1:PORT/api/v10"), ``gateway_url`` ("ws://127.0.0.1:PORT/"),
    ``application_id``, ``bot_user_id`` (deliberately different ids).

Builders (dispatch CREATE/UPDATE events when a bot is connected)
    ``add_guild(name, owner_id=None, *, everyone_permissions=..., bot_permissions=...)``
    -> guild id; creates @everyone (id == guild id), the bot's managed role, and makes the
    owner (a new user unless ``owner_id``) and the bot members.
    ``add_text_channel(guild_id, name, *, topic=None, overwrites=())``,
    ``add_thread(parent_id, name, *, owner_id=None)``,
    ``add_role(guild_id, name, permissions=0, *, mentionable=False)``,
    ``add_user(username, *, bot=False)``,
    ``add_member(guild_id, username, roles=(), permissions=None, *, user_id=None, nick=None)``
    (``permissions`` becomes a personal role), ``set_role_permissions``,
    ``set_everyone_permissions(guild_id, perms)``, ``set_bot_permissions(guild_id, perms)``
    (bot role; still OR-ed with @everyone), ``set_channel_overwrite(channel_id, target_id,
    *, allow=0, deny=0, kind=None)``, ``permissions_of(channel_id, user_id)``,
    ``bot_permissions(channel_id)``. Permission bits: :class:`Perm`.

Users acting (async; gateway events go only to connected/resumable sessions)
    ``user_send_message(user_id, channel_id, content, *, embeds=None, reply_to=None)``
    -> message dict; ``user_edit_message(channel_id, message_id, content)``;
    ``delete_message(channel_id, message_id)``;
    ``user_add_reaction(user_id, channel_id, message_id, emoji)`` /
    ``user_remove_reaction(...)`` -> bool (changed). Emoji: unicode or "name:id".

Interactions (built from the SYNCED commands; :class:`InvocationError` if not possible)
    ``invoke_slash(guild_id, channel_id, user_id, "group sub", options=None, *,
    attachments=None, locale="en-US")`` (values: str/int/float/bool, ids for
    user/channel/role/mentionable, :class:`FakeFile` or (name, bytes) for attachments);
    ``invoke_autocomplete(guild_id, channel_id, user_id, command, *, focused, value,
    options=None)``; ``invoke_button(user_id, message, custom_id)``;
    ``invoke_select(user_id, message, custom_id, values)``;
    ``invoke_message_context_menu(user_id, name, target_message)``;
    ``invoke_user_context_menu(guild_id, channel_id, user_id, name, target_user_id)``;
    ``submit_modal(opened_by_record, {custom_id: value}, *, user_id=None)``.
    Each returns an :class:`InteractionRecord`: ``await wait_response(timeout=5)``,
    ``wait_followups(n)``, ``wait_edits(n)``, ``wait_rejected(n)``; ``callback``
    ({"type", "data"}), ``callback_type``, ``rejected``, ``edits``, ``followups``,
    ``original``, ``original_message_id``, ``ephemeral``, ``final_content()``,
    ``final_embeds()``, ``final_components()``, ``choices``, ``modal``.
    ``fake.interactions`` lists all records. The first callback must come within
    ``fake.options.interaction_deadline`` seconds (else 404 10062), a second one gets
    400 40060; after a type-5 defer the first followup fills in the original.

Inspection
    ``messages_in(channel_id, *, include_deleted=False, include_ephemeral=False)``
    (oldest first), ``message(channel_id, message_id)``, ``reactions(message_id)`` ->
    {emoji: {user ids}}, ``threads_of(message_id)``, ``edits_of(message_id)``,
    ``channel(channel_id)``, ``commands(guild_id=None)``, ``bot_messages_pinging()``,
    ``requests`` / ``unhandled`` / ``internal_errors``, ``requests_to(method, path_regex)``,
    ``await wait_for(predicate, timeout=5)``, ``connected``,
    ``await wait_until_connected()``, ``identify_count``, ``resume_count``,
    ``heartbeat_count``, ``dispatched(event=None)``, ``gateway.presence_updates``.
    Message dicts are gateway-shaped payloads plus ``allowed_mentions`` (as sent, None if
    absent), ``allowed_mentions_given``, ``deleted``, ``edit_count``, ``source``
    ("rest"/"interaction"/"followup"/"user") and ``interaction_id``.
    Recorded request: ``method``, ``path`` (decoded, after /api/v10), ``query``, ``json``
    (or multipart ``payload_json``), ``files`` (:class:`RecordedFile`), ``headers``,
    ``status``, ``response``, ``faulted``, ``handled``.

Faults
    ``fail_next(method, path_regex, status, json=None, headers=None, times=1, raw=None,
    content_type="text/html")`` -> Fault (fullmatch on the decoded path; "*" = any method;
    429 gets retry_after 0.05 and the ``Via`` header discord.py needs to retry; a malformed
    answer is ``status=200`` with a wrong-shape ``json``, or ``raw`` bytes that are not
    JSON at all); ``await drop_gateway(resumable=True, *,
    use_reconnect_opcode=False, hold=False)`` + ``release_gateway()``;
    ``await invalidate_session()``. ``fake.options.enforce_permissions`` (default True)
    answers 403 50013/50001 when the bot lacks channel permissions.

Honesty: Discord's limits and error shapes are enforced (400 50035 "Invalid Form Body"
with nested ``errors``; 50006 for empty messages; 10003/10008/10062/40060/160004...),
events are filtered by the client's intents and message content is blanked without
MESSAGE_CONTENT, and unknown routes answer 404 code 0 and are listed in ``unhandled``.
"""

from .discordpy import point_discord_py_at
from .errors import DiscordHTTPError
from .gateway import IdentifyRecord
from .harness import running_fake
from .interactions import FakeFile, InteractionRecord, InvocationError
from .permissions import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Overwrite, Perm
from .rest import RecordedFile, RecordedRequest
from .server import FakeDiscord, Fault

__all__ = [
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DiscordHTTPError",
    "FakeDiscord",
    "FakeFile",
    "Fault",
    "IdentifyRecord",
    "InteractionRecord",
    "InvocationError",
    "Overwrite",
    "Perm",
    "RecordedFile",
    "RecordedRequest",
    "point_discord_py_at",
    "running_fake",
]
