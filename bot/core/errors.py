"""Errors whose message is meant for the person who typed the command."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raised anywhere below a command; the central handler shows `str(exc)` ephemerally."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOT_SET_UP = "claimbot is not set up here yet: someone with Manage Server runs `/claimbot setup`."
