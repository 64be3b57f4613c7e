"""Discord-style JSON errors raised by the fake's REST handlers.

Handlers raise :class:`DiscordHTTPError`; the router turns it into the exact body shape
Discord uses (``{"code", "message", "errors"?}``) so discord.py builds the same
``HTTPException``/``Forbidden``/``NotFound`` (with ``.code`` and flattened ``.text``) it
would against the real API.
"""

from __future__ import annotations

from typing import Any


class DiscordHTTPError(Exception):
    """An error response: HTTP status plus Discord JSON error code and message."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown_channel() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10003, "Unknown Channel")


def unknown_guild() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10004, "Unknown Guild")


def unknown_member() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10007, "Unknown Member")


def unknown_message() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10008, "Unknown Message")


def unknown_user() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10013, "Unknown User")


def unknown_emoji() -> DiscordHTTPError:
    return DiscordHTTPError(400, 10014, "Unknown Emoji")


def unknown_webhook() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10015, "Unknown Webhook")


def unknown_interaction() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10062, "Unknown interaction")


def unknown_command() -> DiscordHTTPError:
    return DiscordHTTPError(404, 10063, "Unknown application command")


def missing_access() -> DiscordHTTPError:
    return DiscordHTTPError(403, 50001, "Missing Access")


def missing_permissions() -> DiscordHTTPError:
    return DiscordHTTPError(403, 50013, "Missing Permissions")


def cannot_edit_others() -> DiscordHTTPError:
    return DiscordHTTPError(403, 50005, "Cannot edit a message authored by another user")


def empty_message() -> DiscordHTTPError:
    return DiscordHTTPError(400, 50006, "Cannot send an empty message")


def wrong_channel_type() -> DiscordHTTPError:
    return DiscordHTTPError(400, 50024, "Cannot execute action on this channel type")


def already_acknowledged() -> DiscordHTTPError:
    return DiscordHTTPError(400, 40060, "Interaction has already been acknowledged.")


def unauthorized() -> DiscordHTTPError:
    return DiscordHTTPError(401, 0, "401: Unauthorized")


def not_found(method: str, path: str) -> DiscordHTTPError:
    return DiscordHTTPError(404, 0, f"404: Not Found (fake Discord has no route {method} {path})")


def invalid_form_body(errors: dict[str, Any]) -> DiscordHTTPError:
    return DiscordHTTPError(400, 50035, "Invalid Form Body", errors)
