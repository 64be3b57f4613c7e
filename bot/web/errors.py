"""How a fetch fails: one code per reason, and a sentence for the member who gave the link."""

from __future__ import annotations

from typing import Literal

from bot.core.errors import UserFacingError

FetchErrorCode = Literal[
    "bad_url",
    "url_too_long",
    "bad_scheme",
    "credentials_in_url",
    "forbidden_address",
    "dns_failure",
    "too_many_redirects",
    "timeout",
    "too_large",
    "bad_content_type",
    "http_error",
    "connect_failed",
    "tls_error",
    "bad_response",
    "busy",
]


class FetchError(UserFacingError):
    """A refused or failed fetch; ``str(exc)`` is a sentence for the Discord user.
    `http_status` is the site's answer for an ``http_error`` (a recheck tells 404 from 503)."""

    def __init__(
        self, code: FetchErrorCode, message: str, *, http_status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code: FetchErrorCode = code
        self.http_status = http_status

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r})"


def bad_url(detail: str = "That doesn't look like a valid web link.") -> FetchError:
    return FetchError("bad_url", detail)
