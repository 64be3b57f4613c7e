"""Errors whose message is meant for the person who typed the command."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raised anywhere below a command; the central handler shows `str(exc)` ephemerally."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
