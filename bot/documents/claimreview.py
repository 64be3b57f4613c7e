"""schema.org ClaimReview feeds → fact-checks (`NewFactCheck`, what storage takes), read as
a stream.

Publishers ship one ClaimReview object, an array, an `@graph`, a `DataFeed` whose
`dataFeedElement[].item[]` holds the ClaimReviews (the big public feeds are ~200 MB in one
JSON file), or an HTML page with `<script type="application/ld+json">` blocks. JSON is parsed
incrementally (ijson): every finished ClaimReview object becomes a fact-check, yielded and
dropped, so memory stays at one fact-check whatever the file size. A bad record is skipped and
counted with a reason in the caller's `ImportReport`; what to do with what was already yielded
when the stream turns out to be broken is the caller's choice.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import ijson

from bot.core.errors import UserFacingError
from bot.core.records import NewFactCheck
from bot.extraction.language import detect_language

__all__ = [
    "MAX_DEPTH",
    "MAX_HTML_BYTES",
    "ClaimReviewError",
    "ImportReport",
    "read_fact_checks",
]

# Real feeds nest six levels deep (DataFeed → element → item → ClaimReview → rating);
# anything far deeper is hostile or not a feed, and a recursive reader would blow the stack.
MAX_DEPTH = 32
# An HTML page is read whole to find its script blocks: pages are small, feeds are JSON.
MAX_HTML_BYTES = 10_000_000
_CHUNK = 1 << 16
_UNKNOWN_LANGUAGE = "und"
_REPLACEMENT = "\ufffd"
_LEADING = b"\xef\xbb\xbf \t\r\n"


class ClaimReviewError(UserFacingError):
    """The input as a whole is not a ClaimReview feed; the message is one line."""


@dataclass
class ImportReport:
    """What a read saw: fact-checks kept, records skipped and numbers dropped, by reason."""

    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    nulled: Counter[str] = field(default_factory=Counter)


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# JSON escapes, left to right so that "\\\\u" is an escaped backslash then "u".
_ESCAPE = re.compile(rb"\\(u[0-9a-fA-F]{4}|u|.)", re.DOTALL)


class _EscapeRepair(io.RawIOBase):
    """A byte stream with each invalid `\\u` escape replaced by U+FFFD, so one broken string
    costs its record (skipped: "invalid \\u escape") instead of the rest of the feed."""

    def __init__(self, source: IO[bytes], first: bytes) -> None:
        self.source = source
        self.carry = first
        self.done = False
        self.buffered = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self.buffered and not self.done:
            chunk = self.source.read(_CHUNK)
            data = self.carry + chunk
            if not chunk:
                self.done = True
                cut = len(data)
            else:
                cut = max(0, len(data) - 6)
            out = bytearray()
            position = 0
            for found in _ESCAPE.finditer(data, 0, len(data)):
                if found.start() >= cut or (found.start() < cut < found.end()):
                    cut = found.start()
                    break
                out += data[position : found.start()]
                out += b"\\ufffd" if found.group(1) == b"u" else found.group(0)
                position = found.end()
            cut = max(cut, position)
            out += data[position:cut]
            self.carry = data[cut:]
            self.buffered = bytes(out)

    def readinto(self, buffer: Any) -> int:
        self._fill()
        size = min(len(buffer), len(self.buffered))
        buffer[:size] = self.buffered[:size]
        self.buffered = self.buffered[size:]
        return size


def _is_type(value: Any, name: str) -> bool:
    if value is None:  # most objects of a feed (ratings, authors, items) say no type
        return False
    types = value if isinstance(value, list) else [value]
    return any(isinstance(t, str) and _type_name(t) == name for t in types)


@functools.lru_cache(maxsize=256)
def _type_name(type_: str) -> str:
    """The last part of a type: ClaimReview, schema:ClaimReview and the full IRI alike."""
    return re.split(r"[/:#]", type_)[-1]


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName")
        value = _first(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    if _REPLACEMENT in value:
        raise _Skip("invalid \\u escape")
    return value or None


def _number(value: Any, what: str, report: ImportReport) -> float | None:
    """Ratings are sent as numbers or numeric strings; text ("five") is dropped and counted."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            report.nulled[f"{what} is not a number"] += 1
            return None
        if number == number and abs(number) != float("inf"):
            return number
    report.nulled[f"{what} is not a number"] += 1
    return None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _date(value: Any) -> str | None:
    """The ISO date (YYYY-MM-DD) a value starts with, when it is a real day."""
    value = _first(value)
    found = _ISO_DATE.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3])).isoformat()
    except ValueError:
        return None


def _language(value: Any, claim: str) -> str:
    given = _text(value)
    if given and re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", given):
        return re.split(r"[-_]", given)[0].lower()
    return detect_language(claim) or _UNKNOWN_LANGUAGE


def _fact_check(raw: dict[str, Any], report: ImportReport) -> NewFactCheck:
    """One ClaimReview object as the fact-check it describes; raises _Skip."""
    item = _first(raw.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    claim = _text(raw.get("claimReviewed")) or _text(item.get("name")) or _text(item.get("text"))
    if not claim:
        raise _Skip("no claim text")
    url = _text(raw.get("url"))
    if not url:
        raise _Skip("no url")
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        raise _Skip("url is not http(s)")
    rating = _first(raw.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    return NewFactCheck(
        url=url,
        claim_reviewed=claim,
        title=_text(raw.get("name")) or _text(raw.get("headline")),
        publisher=_text(raw.get("author")) or _text(raw.get("publisher")),
        published=_date(raw.get("datePublished")),
        rating_name=_text(rating.get("alternateName")) or _text(rating.get("name")),
        rating_value=_number(_first(rating.get("ratingValue")), "ratingValue", report),
        best_rating=_number(_first(rating.get("bestRating")), "bestRating", report),
        worst_rating=_number(_first(rating.get("worstRating")), "worstRating", report),
        claimant=_text(item.get("author")),
        language=_language(raw.get("inLanguage"), claim),
    )


def _events_to_fact_checks(
    events: Iterator[tuple[str, Any]], report: ImportReport, found: list[int]
) -> Iterator[NewFactCheck]:
    """Build objects from parser events; yield each ClaimReview's fact-check as soon as the
    object closes.

    Elements of a root array and containers that held a ClaimReview are not kept: the parts
    of a feed already read cost no memory."""
    stack: list[tuple[Any, str | None, list[bool]]] = []
    key: str | None = None
    for event, value in events:
        if event in ("start_map", "start_array"):
            if len(stack) >= MAX_DEPTH:
                raise ClaimReviewError(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
            stack.append(({} if event == "start_map" else [], key, [False]))
            key = None
            continue
        if event == "map_key":
            key = value
            continue
        held_review = False
        if event in ("end_map", "end_array"):
            value, key, flag = stack.pop()
            held_review = flag[0]
            if event == "end_map" and _is_type(value.get("@type"), "ClaimReview"):
                found[0] += 1
                held_review = True
                try:
                    fact_check = _fact_check(value, report)
                except _Skip as skip:
                    report.skipped[skip.reason] += 1
                else:
                    report.kept += 1
                    yield fact_check
        if not stack:
            continue
        parent, _, parent_flag = stack[-1]
        if held_review:
            parent_flag[0] = True
        elif len(stack) > 1 or not isinstance(parent, list):
            if isinstance(parent, list):
                parent.append(value)
            else:
                parent[key] = value
        key = None


_LD_JSON = re.compile(
    rb"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)


def read_fact_checks(
    source: IO[bytes] | bytes | str, report: ImportReport
) -> Iterator[NewFactCheck]:
    """The fact-checks of the ClaimReviews in a JSON feed or HTML page, as they are read.

    Raises ClaimReviewError (one-line message) when the input is not JSON, is broken, nests
    too deep, or holds no ClaimReview; fact-checks yielded before the error stay yielded."""
    if isinstance(source, str):
        source = source.encode("utf-8", "surrogatepass")
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    head = b""
    while not head.lstrip(_LEADING):
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        head += chunk
    start = head.lstrip(_LEADING)[:1]
    found = [0]
    if start == b"<":
        page = head + stream.read(MAX_HTML_BYTES - len(head) + 1)
        if len(page) > MAX_HTML_BYTES:
            raise ClaimReviewError(f"The page is larger than {MAX_HTML_BYTES:,} bytes.")
        blocks = [b.group(1) for b in _LD_JSON.finditer(page)]
        for block in blocks:
            try:
                yield from _parse_json(io.BytesIO(block.strip()), b"", report, found)
            except ClaimReviewError:
                report.skipped["ld+json block is not valid JSON"] += 1
    elif start in (b"{", b"["):
        yield from _parse_json(stream, head.lstrip(_LEADING), report, found)
    else:
        raise ClaimReviewError("This is not JSON: a ClaimReview feed starts with { or [.")
    if found[0] == 0:
        raise ClaimReviewError("No ClaimReview found in it.")


def _parse_json(
    stream: IO[bytes], head: bytes, report: ImportReport, found: list[int]
) -> Iterator[NewFactCheck]:
    repaired = io.BufferedReader(_EscapeRepair(stream, head), _CHUNK)
    try:
        yield from _events_to_fact_checks(
            ijson.basic_parse(repaired, use_float=True), report, found
        )
    except ijson.JSONError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "broken"
        raise ClaimReviewError(f"The JSON is broken: {first_line}.") from None
