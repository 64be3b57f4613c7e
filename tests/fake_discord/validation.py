"""Request validation with Discord's limits and error shapes.

Discord answers bad payloads with 400 ``{"code": 50035, "message": "Invalid Form Body",
"errors": {...}}`` where ``errors`` mirrors the JSON path of each problem and ends in
``{"_errors": [{"code", "message"}]}``. Reproducing that lets tests prove the bot stays
inside the limits instead of only passing against a lenient fake.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import empty_message, invalid_form_body

Path = tuple[str | int, ...]

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_EMBED_FIELDS = 25
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR_NAME = 256
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_OPTIONS = 25
MAX_COMMAND_DESCRIPTION = 100
MAX_CHAT_INPUT_COMMANDS = 100
MAX_CONTEXT_MENU_COMMANDS = 15
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_ACTION_ROWS = 5
MAX_THREAD_NAME = 100

FLAG_COMPONENTS_V2 = 1 << 15


class ErrorTree:
    """Collects errors at JSON paths and renders Discord's nested ``errors`` object."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: Path, limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: Path) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def bad_length(self, path: Path, low: int, high: int) -> None:
        self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise invalid_form_body(self.tree)


def _text_len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def check_length(
    errors: ErrorTree, path: Path, value: Any, limit: int, *, required: bool = False
) -> None:
    if value is None or value == "":
        if required:
            errors.required(path)
        return
    if not isinstance(value, str):
        errors.add(path, "STRING_TYPE_CONVERT", "Could not interpret value as string.")
    elif len(value) > limit:
        errors.too_long(path, limit)


def embed_size(embed: dict[str, Any]) -> int:
    """Characters counted towards Discord's 6000 limit."""
    total = _text_len(embed.get("title")) + _text_len(embed.get("description"))
    for field in embed.get("fields") or []:
        total += _text_len(field.get("name")) + _text_len(field.get("value"))
    total += _text_len((embed.get("footer") or {}).get("text"))
    total += _text_len((embed.get("author") or {}).get("name"))
    return total


def validate_embeds(errors: ErrorTree, embeds: Any, path: Path = ("embeds",)) -> None:
    if embeds is None:
        return
    if not isinstance(embeds, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")
        return
    if len(embeds) > MAX_EMBEDS:
        errors.too_long(path, MAX_EMBEDS)
    combined = 0
    for index, embed in enumerate(embeds):
        epath = (*path, index)
        if not isinstance(embed, dict):
            errors.add(epath, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        check_length(errors, (*epath, "title"), embed.get("title"), MAX_EMBED_TITLE)
        check_length(
            errors, (*epath, "description"), embed.get("description"), MAX_EMBED_DESCRIPTION
        )
        fields = embed.get("fields") or []
        if len(fields) > MAX_EMBED_FIELDS:
            errors.too_long((*epath, "fields"), MAX_EMBED_FIELDS)
        for findex, field in enumerate(fields):
            fpath = (*epath, "fields", findex)
            check_length(errors, (*fpath, "name"), field.get("name"), MAX_FIELD_NAME, required=True)
            check_length(
                errors, (*fpath, "value"), field.get("value"), MAX_FIELD_VALUE, required=True
            )
        footer = embed.get("footer")
        if footer is not None:
            check_length(errors, (*epath, "footer", "text"), footer.get("text"), MAX_FOOTER)
        author = embed.get("author")
        if author is not None:
            check_length(errors, (*epath, "author", "name"), author.get("name"), MAX_AUTHOR_NAME)
        size = embed_size(embed)
        combined += size
        if size > MAX_EMBED_TOTAL:
            errors.add(
                epath,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
            )
    if combined > MAX_EMBED_TOTAL and len(embeds) > 1:
        errors.add(
            path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}"
        )


def iter_components(components: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """Every component, depth first, including those nested in rows/containers/sections."""
    for comp in components:
        if not isinstance(comp, dict):
            continue
        yield comp
        yield from iter_components(comp.get("components") or [])
        if isinstance(comp.get("accessory"), dict):
            yield comp["accessory"]
        if isinstance(comp.get("component"), dict):
            yield from iter_components([comp["component"]])


def validate_components(
    errors: ErrorTree, components: Any, *, flags: int = 0, path: Path = ("components",)
) -> None:
    if components is None:
        return
    if not isinstance(components, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")
        return
    if not flags & FLAG_COMPONENTS_V2:
        if len(components) > MAX_ACTION_ROWS:
            errors.too_long(path, MAX_ACTION_ROWS)
        for index, row in enumerate(components):
            if not isinstance(row, dict) or row.get("type") != 1:
                errors.add(
                    (*path, index, "type"),
                    "UNION_TYPE_CHOICES",
                    'Value of field "type" must be one of (1,).',
                )
                continue
            children = row.get("components") or []
            if not children:
                errors.bad_length((*path, index, "components"), 1, 5)
            elif len(children) > 5:
                errors.too_long((*path, index, "components"), 5)
            for cindex, child in enumerate(children):
                cpath = (*path, index, "components", cindex)
                _validate_leaf(errors, child, cpath)
    seen: set[str] = set()
    for comp in iter_components(components):
        custom_id = comp.get("custom_id")
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.add(
                    path,
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(custom_id)


def _validate_leaf(errors: ErrorTree, comp: Any, path: Path) -> None:
    if not isinstance(comp, dict):
        return
    ctype = comp.get("type")
    if ctype == 2:
        style = comp.get("style")
        if style == 5:
            if not comp.get("url"):
                errors.required((*path, "url"))
        elif style != 6:
            check_length(
                errors, (*path, "custom_id"), comp.get("custom_id"), MAX_CUSTOM_ID, required=True
            )
        check_length(errors, (*path, "label"), comp.get("label"), MAX_BUTTON_LABEL)
    elif ctype in (3, 5, 6, 7, 8):
        check_length(
            errors, (*path, "custom_id"), comp.get("custom_id"), MAX_CUSTOM_ID, required=True
        )
        if ctype == 3:
            options = comp.get("options") or []
            if not options:
                errors.bad_length((*path, "options"), 1, 25)
            elif len(options) > 25:
                errors.too_long((*path, "options"), 25)
            for oindex, option in enumerate(options):
                check_length(
                    errors,
                    (*path, "options", oindex, "label"),
                    option.get("label"),
                    100,
                    required=True,
                )
                check_length(
                    errors,
                    (*path, "options", oindex, "value"),
                    option.get("value"),
                    100,
                    required=True,
                )


def validate_allowed_mentions(errors: ErrorTree, allowed: Any) -> None:
    if allowed is None:
        return
    if not isinstance(allowed, dict):
        errors.add(
            ("allowed_mentions",),
            "DICT_TYPE_CONVERT",
            "Only dictionaries may be used in a DictType",
        )
        return
    parse = allowed.get("parse") or []
    for index, value in enumerate(parse):
        if value not in ("users", "roles", "everyone"):
            errors.add(
                ("allowed_mentions", "parse", index),
                "BASE_TYPE_CHOICES",
                "Value must be one of {'everyone', 'users', 'roles'}.",
            )
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.add(
                ("allowed_mentions",),
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def validate_message_fields(payload: dict[str, Any]) -> ErrorTree:
    """Length/shape checks for the fields present in a create or edit payload."""
    errors = ErrorTree()
    if "content" in payload:
        check_length(errors, ("content",), payload["content"], MAX_CONTENT)
    validate_embeds(errors, payload.get("embeds"))
    flags = int(payload.get("flags") or 0)
    validate_components(errors, payload.get("components"), flags=flags)
    validate_allowed_mentions(errors, payload.get("allowed_mentions"))
    if flags & FLAG_COMPONENTS_V2 and (payload.get("content") or payload.get("embeds")):
        errors.add(
            ("content",),
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used with MessageFlags.IS_COMPONENTS_V2",
        )
    return errors


def ensure_not_empty(
    *,
    content: Any,
    embeds: Sequence[Any] | None,
    attachments: int,
    components: Sequence[Any] | None,
    sticker_ids: Sequence[Any] | None = None,
    poll: Any = None,
) -> None:
    """Raise Discord's 50006 when a message would have nothing to show."""
    has_content = isinstance(content, str) and content.strip() != ""
    if not (has_content or embeds or attachments or components or sticker_ids or poll):
        raise empty_message()


def is_valid_command_name(name: Any, *, chat_input: bool) -> bool:
    """Discord's ``^[-_\\p{L}\\p{N}]{1,32}$`` (lowercase for chat input commands/options)."""
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        return False
    if not chat_input:
        return True
    for ch in name:
        if ch in "-_":
            continue
        category = unicodedata.category(ch)
        if category[0] not in "LNM":
            return False
    return name == name.lower()


def _validate_options(errors: ErrorTree, options: Any, path: Path, depth: int) -> None:
    if not isinstance(options, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")
        return
    if len(options) > MAX_OPTIONS:
        errors.too_long(path, MAX_OPTIONS)
    names: set[str] = set()
    seen_optional = False
    kinds = {opt.get("type") in (1, 2) for opt in options if isinstance(opt, dict)}
    if len(kinds) > 1:
        errors.add(
            path,
            "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
            "Sub-command and sub-command group option types are mutually exclusive to others",
        )
    for index, opt in enumerate(options):
        opath = (*path, index)
        if not isinstance(opt, dict):
            continue
        name = opt.get("name")
        if not is_valid_command_name(name, chat_input=True):
            errors.add(
                (*opath, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        elif name in names:
            errors.add(
                (*opath, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(str(name))
        description = opt.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
            errors.bad_length((*opath, "description"), 1, MAX_COMMAND_DESCRIPTION)
        otype = opt.get("type")
        if otype not in range(1, 12):
            errors.add((*opath, "type"), "BASE_TYPE_CHOICES", "Value must be one of (1..11).")
        if (otype == 2 and depth > 0) or (otype == 1 and depth > 1):
            errors.add(
                (*opath, "type"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands cannot be nested this deep",
            )
        if otype in (1, 2):
            sub = opt.get("options") or []
            if otype == 2 and any(isinstance(s, dict) and s.get("type") != 1 for s in sub):
                errors.add(
                    (*opath, "options"),
                    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                    "Sub-command groups may only contain sub-commands",
                )
            _validate_options(errors, sub, (*opath, "options"), depth + 1)
            continue
        required = bool(opt.get("required", False))
        if required and seen_optional:
            errors.add(
                (*opath, "required"),
                "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                "Required options must be placed before non-required options",
            )
        seen_optional = seen_optional or not required
        choices = opt.get("choices")
        if choices:
            if opt.get("autocomplete"):
                errors.add(
                    (*opath, "autocomplete"),
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_AND_CHOICES",
                    "Autocomplete cannot be enabled on options that have choices",
                )
            validate_choices(errors, choices, (*opath, "choices"))


def validate_choices(errors: ErrorTree, choices: Any, path: Path) -> None:
    if not isinstance(choices, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")
        return
    if len(choices) > MAX_CHOICES:
        errors.too_long(path, MAX_CHOICES)
    for index, choice in enumerate(choices):
        cpath = (*path, index)
        if not isinstance(choice, dict):
            continue
        name = choice.get("name")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_CHOICE_NAME:
            errors.bad_length((*cpath, "name"), 1, MAX_CHOICE_NAME)
        value = choice.get("value")
        if isinstance(value, str) and len(value) > MAX_CHOICE_NAME:
            errors.too_long((*cpath, "value"), MAX_CHOICE_NAME)
        if value is None:
            errors.required((*cpath, "value"))


def validate_commands(commands: Any) -> None:
    """Validate a bulk-overwrite payload; raises 50035 like Discord."""
    errors = ErrorTree()
    if not isinstance(commands, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType.")
        errors.raise_if_any()
        return
    per_type: dict[int, int] = {}
    seen: set[tuple[int, str]] = set()
    for index, cmd in enumerate(commands):
        if not isinstance(cmd, dict):
            errors.add((index,), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        ctype = int(cmd.get("type", 1))
        per_type[ctype] = per_type.get(ctype, 0) + 1
        chat_input = ctype == 1
        name = cmd.get("name")
        if not is_valid_command_name(name, chat_input=chat_input):
            errors.add(
                (index, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
        elif (ctype, str(name)) in seen:
            errors.add(
                (index, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                "Application command names must be unique",
            )
        seen.add((ctype, str(name)))
        description = cmd.get("description", "")
        if chat_input:
            if (
                not isinstance(description, str)
                or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION
            ):
                errors.bad_length((index, "description"), 1, MAX_COMMAND_DESCRIPTION)
            _validate_options(errors, cmd.get("options") or [], (index, "options"), 0)
        else:
            if description:
                errors.add(
                    (index, "description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have description",
                )
            if cmd.get("options"):
                errors.add(
                    (index, "options"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                    "Context menu commands cannot have options",
                )
    if per_type.get(1, 0) > MAX_CHAT_INPUT_COMMANDS:
        errors.too_long((), MAX_CHAT_INPUT_COMMANDS)
    for ctype in (2, 3):
        if per_type.get(ctype, 0) > MAX_CONTEXT_MENU_COMMANDS:
            errors.too_long((), MAX_CONTEXT_MENU_COMMANDS)
    errors.raise_if_any()


def validate_autocomplete(data: Any) -> None:
    errors = ErrorTree()
    if not isinstance(data, dict):
        errors.required(("data",))
    else:
        validate_choices(errors, data.get("choices") or [], ("data", "choices"))
    errors.raise_if_any()


def validate_modal(data: Any) -> None:
    errors = ErrorTree()
    if not isinstance(data, dict):
        errors.required(("data",))
        errors.raise_if_any()
        return
    title = data.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= 45:
        errors.bad_length(("data", "title"), 1, 45)
    check_length(errors, ("data", "custom_id"), data.get("custom_id"), MAX_CUSTOM_ID, required=True)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        errors.bad_length(("data", "components"), 1, 5)
    errors.raise_if_any()


def validate_thread_name(name: Any) -> None:
    errors = ErrorTree()
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_THREAD_NAME:
        errors.bad_length(("name",), 1, MAX_THREAD_NAME)
    errors.raise_if_any()
