"""Claims -> CSV, JSON and schema.org ClaimReview (JSON-LD) for `/export` and the CLI.

Pure code: no discord, no sqlite, no I/O. The caller gathers the records (storage), builds
`ExportClaim`s and writes the returned text wherever it wants (attachment, file, stdout).

Choices worth knowing:
  * Discord snowflakes (guild, channel, message ids) are JSON *strings*, as in Discord's
    own API: they exceed 2**53, and JavaScript readers would silently round them.
  * Timestamps are ISO-8601 UTC with a `Z` suffix, to the second.
  * A claim is named by `number`, its number in its server (`#12` in Discord); with
    `guild_id` it identifies the claim. The database's internal id is never exported: it
    is global, so it would tell one server how many claims the others have.
  * Every export refuses claims from another guild than `ExportContext.guild_id`, so a
    caller bug cannot leak one server's claims into another server's file.
  * CSV cells are neutralised against formula injection (OWASP); numbers stay numbers.
  * ClaimReview covers only claims with a settled verdict; see `claimreview_eligible`.
  * Each source carries its archive in JSON and CSV: the date and SHA-256 of its first
    snapshot, and what rechecks found. ClaimReview carries no sources, and none of its fields
    holds a snapshot without a public copy to link to (`archivedAt` wants a URL): there is none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final
from urllib.parse import urlsplit

from bot.core.records import ClaimRecord, EvidenceRecord
from bot.core.render import jump_url
from bot.core.vocabulary import STATUS_LABELS, VOTES, claimreview_rating

__all__ = [
    "CLAIMREVIEW_CONTEXT",
    "CLAIMREVIEW_VERIFIED_STATUSES",
    "CSV_BOM",
    "CSV_COLUMNS",
    "ExportClaim",
    "ExportContext",
    "ExportEvidence",
    "claim_author_type",
    "claimreview_eligible",
    "claimreview_object",
    "claimreview_problems",
    "claimreview_recommendations",
    "evidence_from_records",
    "iso_utc",
    "neutralize_cell",
    "review_url",
    "to_claimreview",
    "to_csv",
    "to_json",
]

# Prepend to the CSV text (then encode as UTF-8) when the file is meant for Excel: without
# a byte-order mark Excel decodes CSV with the legacy code page and mangles "é" and "’".
# `to_csv` never adds it because every other reader (pandas, csv, LibreOffice) doesn't need it.
CSV_BOM: Final = "\ufeff"

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "number",
    "guild_id",
    "created_at",
    "status",
    "status_label",
    "confidence",
    "text",
    "speaker",
    "origin_url",
    "origin_title",
    *VOTES,  # supported, refuted, unverifiable, misleading
    "evidence_count",
    "evidence_urls",
    # Aligned with evidence_urls: each source's first snapshot (ISO time, SHA-256 of the body
    # as read), "-" for a source not archived.
    "evidence_archived_at",
    "evidence_sha256",
    "explanation",
    "review_url",
)

# OWASP CSV injection: spreadsheets treat a cell starting with one of these as a formula.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")

CLAIMREVIEW_CONTEXT: Final = "https://schema.org"
# Product spec: ClaimReview is published "for resolved and verified claims". Moderator
# resolutions (final verdicts, `is_final`) are exported whatever status they pinned; without
# one, only these verdicts are verified (`likely_*`, `disputed` etc. are verdicts, not verified).
CLAIMREVIEW_VERIFIED_STATUSES: Final[tuple[str, ...]] = ("verified_true", "verified_false")

# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ExportEvidence:
    """A linked source as exported: the link as submitted, its stance and fetched title, and
    its archive: when its first snapshot was taken and the SHA-256 of the body then read
    (None: not archived), what the rechecks found since (`changed`, `gone`) and since when."""

    url: str
    stance: str
    title: str | None
    archived_at: float | None = None
    archived_sha256: str | None = None
    recheck_state: str | None = None
    recheck_since: float | None = None

    @classmethod
    def from_record(cls, record: EvidenceRecord) -> ExportEvidence:
        return cls(
            url=record.url,
            stance=record.stance,
            title=record.title,
            archived_at=record.archived_at,
            archived_sha256=record.archived_sha256,
            recheck_state=record.recheck_state,
            recheck_since=record.recheck_since,
        )


@dataclass(frozen=True, slots=True)
class ExportClaim:
    """One claim with the tallies storage computed for it.

    `votes` has a count per vote value (missing ones count as 0). `resolved_at` is the
    moderator resolution time (unix seconds) when the claim is final.
    """

    claim: ClaimRecord
    votes: dict[str, int]
    evidence: list[ExportEvidence]
    resolved_at: float | None = None
    resolution_note: str | None = None


@dataclass(frozen=True, slots=True)
class ExportContext:
    """Who publishes the export: the ClaimReview author is the guild/team, not the bot."""

    organization: str
    organization_url: str | None
    guild_id: int
    generated_at: float

    def __post_init__(self) -> None:
        if not self.organization.strip():
            raise ValueError("organization must name the guild or team publishing the export")


# --------------------------------------------------------------------------- helpers


def iso_utc(timestamp: float) -> str:
    """Unix seconds -> '2024-05-01T12:00:00Z' (UTC, whole seconds)."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def review_url(claim: ClaimRecord) -> str | None:
    """Link to the claim's review message, or None before it has been posted."""
    if claim.channel_id is None or claim.message_id is None:
        return None
    return jump_url(claim.guild_id, claim.channel_id, claim.message_id)


def neutralize_cell(value: str) -> str:
    """OWASP CSV-injection defence: a leading apostrophe makes a formula-looking cell text.

    Spreadsheets hide the apostrophe; readers of the raw CSV see it and can strip it (only
    cells starting with one of = + - @ TAB CR get it).
    """
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


# Institution words (en/fr) that mark a speaker as an organisation.
_ORG_WORDS_TEXT: Final = """
    agency agence assembly assemblée association authority autorité bank banque bureau
    center centre commission committee comité company conseil council cour court department
    département federation fédération foundation fondation government gouvernement group
    groupe inc institute institut journal ltd mairie ministry ministère news newspaper
    observatory observatoire office organisation organization parliament parlement party
    parti police presse press radio rapport report senate sénat service study survey
    sondage étude times tribunal tv union university université
"""
_ORG_WORDS: Final = frozenset(_ORG_WORDS_TEXT.split())
_WORDS: Final = re.compile(r"[^\W\d_]+(?:\.[^\W\d_]+)*\.?")


def claim_author_type(speaker: str) -> str:
    """'Organization' or 'Person' for the Claim's author; a heuristic, as speakers are
    free text ("according to the WHO", "Jane Doe said").

    Organization when a word is an acronym (WHO, INSEE, l'OMS, U.N.) or an institution
    word (ministry, agence, university, ...); Person otherwise. A wrong guess is harmless:
    aggregators show the name, and schema.org accepts either type.
    """
    words = _WORDS.findall(speaker.replace("’", "'").replace("'", " "))
    # "JEAN DUPONT" is a name in capitals, not two acronyms.
    shouting = len(words) > 1 and speaker.isupper()
    for word in words:
        letters = word.replace(".", "")
        if not shouting and len(letters) >= 2 and letters.isupper():
            return "Organization"
        if word.rstrip(".").casefold() in _ORG_WORDS:
            return "Organization"
    return "Person"


def _check_guild(claims: Sequence[ExportClaim], ctx: ExportContext) -> None:
    for item in claims:
        if item.claim.guild_id != ctx.guild_id:
            raise ValueError(
                f"claim #{item.claim.number} belongs to guild {item.claim.guild_id}, "
                f"not to the exported guild {ctx.guild_id}"
            )


def _snowflake(value: int | None) -> str | None:
    return None if value is None else str(value)


def _vote_counts(votes: Mapping[str, int]) -> dict[str, int]:
    return {vote: int(votes.get(vote, 0)) for vote in VOTES}


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


# --------------------------------------------------------------------------- JSON


def _json_object(item: ExportClaim) -> dict[str, object]:
    claim = item.claim
    return {
        "number": claim.number,
        "guild_id": _snowflake(claim.guild_id),
        "text": claim.text,
        "language": claim.language,
        "status": claim.status,
        "status_label": STATUS_LABELS.get(claim.status, claim.status),
        "confidence": claim.confidence,
        "final": claim.is_final,
        "explanation": claim.explanation,
        "resolved_at": _optional_iso(item.resolved_at),
        "resolution_note": item.resolution_note,
        "votes": _vote_counts(item.votes),
        "evidence": [_json_source(source) for source in item.evidence],
        "speaker": claim.speaker,
        "origin": {"url": claim.origin_url, "title": claim.origin_title},
        "channel_id": _snowflake(claim.channel_id),
        "message_id": _snowflake(claim.message_id),
        "thread_id": _snowflake(claim.thread_id),
        "review_url": review_url(claim),
        "created_at": iso_utc(claim.created_at),
        "updated_at": iso_utc(claim.updated_at),
    }


def _optional_iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else iso_utc(timestamp)


def _json_source(source: ExportEvidence) -> dict[str, object]:
    return {
        "url": source.url,
        "stance": source.stance,
        "title": source.title,
        "archived_at": _optional_iso(source.archived_at),
        "archived_sha256": source.archived_sha256,
        "recheck_state": source.recheck_state,
        "recheck_since": _optional_iso(source.recheck_since),
    }


def to_json(claims: Sequence[ExportClaim], ctx: ExportContext) -> str:
    """A JSON array, one object per claim, keys in a fixed order (diff-friendly exports)."""
    _check_guild(claims, ctx)
    return _dump([_json_object(item) for item in claims])


# --------------------------------------------------------------------------- CSV


def _csv_row(item: ExportClaim) -> list[str | int | float]:
    claim = item.claim
    votes = _vote_counts(item.votes)
    texts: dict[str, str] = {
        # With `number` it names the claim: `claimbot export` puts every server in one file.
        "guild_id": str(claim.guild_id),
        "created_at": iso_utc(claim.created_at),
        "status": claim.status,
        "status_label": STATUS_LABELS.get(claim.status, claim.status),
        "text": claim.text,
        "speaker": claim.speaker or "",
        "origin_url": claim.origin_url or "",
        "origin_title": claim.origin_title or "",
        # Space-separated, so a space inside a (malformed) URL must not split it.
        "evidence_urls": " ".join(e.url.replace(" ", "%20") for e in item.evidence),
        "evidence_archived_at": " ".join(
            iso_utc(e.archived_at) if e.archived_at is not None else "-" for e in item.evidence
        ),
        "evidence_sha256": " ".join(e.archived_sha256 or "-" for e in item.evidence),
        "explanation": claim.explanation,
        "review_url": review_url(claim) or "",
    }
    numbers: dict[str, int | float] = {
        "number": claim.number,
        "confidence": claim.confidence,
        **votes,
        "evidence_count": len(item.evidence),
    }
    # Numbers are written as numbers (never prefixed); only text is neutralised.
    return [
        numbers[column] if column in numbers else neutralize_cell(texts[column])
        for column in CSV_COLUMNS
    ]


def to_csv(claims: Sequence[ExportClaim], ctx: ExportContext) -> str:
    """RFC 4180 CSV text: header row, then one row per claim, CRLF line ends.

    Returns text without a BOM: write `CSV_BOM + to_csv(...)` encoded as UTF-8 for Excel.
    Write it in binary or with `newline=""`, or the CRLFs get translated.
    """
    _check_guild(claims, ctx)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_row(item) for item in claims)
    return buffer.getvalue()


# --------------------------------------------------------------------------- ClaimReview


def claimreview_eligible(claim: ClaimRecord) -> bool:
    """Whether a claim goes into the ClaimReview export.

    Yes for moderator-resolved (final) claims and for `verified_true`/`verified_false`,
    provided the status has a rating (`claimreview_rating`) and the claim has a review
    message to link to (ClaimReview requires `url`). `likely_*`, `disputed`,
    `unverifiable`, `misleading` without a resolution, `needs_review` and `unreviewed`
    are skipped: they are not a final or verified verdict of the team.
    """
    if claimreview_rating(claim.status) is None or review_url(claim) is None:
        return False
    return claim.is_final or claim.status in CLAIMREVIEW_VERIFIED_STATUSES


def claimreview_object(
    item: ExportClaim, ctx: ExportContext, *, url: str | None = None
) -> dict[str, object]:
    """One standalone ClaimReview (with its own @context), whatever the claim's status.

    `url` is the review's page: the claim's public verdict page when the server publishes
    (`claimbot web` embeds this object in it), else the Discord review message. Raises
    ValueError when the claim cannot make a valid ClaimReview (no rating or no page);
    `to_claimreview` filters with `claimreview_eligible` first.
    """
    claim = item.claim
    rating = claimreview_rating(claim.status)
    url = url or review_url(claim)
    if rating is None or url is None:
        raise ValueError(f"claim #{claim.number} has no verdict or no review message to link to")
    author: dict[str, object] = {"@type": "Organization", "name": ctx.organization}
    if ctx.organization_url:
        author["url"] = ctx.organization_url
    reviewed: dict[str, object] = {"@type": "Claim"}
    if claim.speaker:
        reviewed["author"] = {
            "@type": claim_author_type(claim.speaker),
            "name": claim.speaker,
        }
    if claim.origin_url:
        appearance: dict[str, object] = {"@type": "CreativeWork", "url": claim.origin_url}
        if claim.origin_title:
            appearance["headline"] = claim.origin_title
        reviewed["appearance"] = [appearance]
    # When the claim was first made is unknown; it was made no later than the day it reached
    # the team, which is what itemReviewed.datePublished says.
    reviewed["datePublished"] = iso_utc(claim.created_at)
    published = item.resolved_at if item.resolved_at is not None else claim.updated_at
    doc: dict[str, object] = {
        "@context": CLAIMREVIEW_CONTEXT,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": iso_utc(published),
        "author": author,
        "reviewRating": {"@type": "Rating", **rating},
        "itemReviewed": reviewed,
    }
    if claim.explanation:
        doc["reviewBody"] = claim.explanation
    doc["sdDatePublished"] = iso_utc(ctx.generated_at)
    return doc


def to_claimreview(claims: Sequence[ExportClaim], ctx: ExportContext) -> str:
    """JSON-LD: a JSON array of standalone ClaimReview objects, eligible claims only.

    An array of self-contained objects (each with "@context": "https://schema.org", as in
    Google's fact-check examples) rather than one "@graph": any single element can be
    pasted into its own <script type="application/ld+json">, and the whole array is
    still valid JSON-LD that Google's parser accepts. `url` is the Discord review message;
    a site republishing the reviews should point it at its own page (Google wants the
    ClaimReview url on the hosting page's domain).
    """
    _check_guild(claims, ctx)
    return _dump(
        [claimreview_object(item, ctx) for item in claims if claimreview_eligible(item.claim)]
    )


# --------------------------------------------------------------------------- validation


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_web_url(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _rating_problems(rating: object) -> list[str]:
    if not isinstance(rating, Mapping):
        return ["reviewRating is missing (required: a Rating object)"]
    problems: list[str] = []
    if rating.get("@type") != "Rating":
        problems.append('reviewRating["@type"] must be "Rating"')
    if not _is_text(rating.get("alternateName")):
        problems.append("reviewRating.alternateName is missing (required: the textual rating)")
    scale = ("ratingValue", "bestRating", "worstRating")
    given = [name for name in scale if name in rating]
    if given:
        missing = [name for name in scale if not _is_number(rating.get(name))]
        if missing:
            problems.append("a numeric reviewRating needs numbers for " + ", ".join(missing))
        elif not rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]:
            problems.append("reviewRating.ratingValue is outside worstRating..bestRating")
    return problems


def claimreview_problems(doc: Mapping[str, object]) -> list[str]:
    """What stops one ClaimReview object from being valid; empty when it is valid.

    Checks what Google's fact-check markup requires (claimReviewed, reviewRating with an
    alternateName and a consistent numeric scale if one is given, url) plus what this
    project requires of every export: the schema.org @context and @type, and an author
    with a name (Google only recommends it, but a fact check nobody signs is worthless to
    aggregators). Recommended properties are `claimreview_recommendations`' business.
    """
    problems: list[str] = []
    context = doc.get("@context")
    if not isinstance(context, str) or context.rstrip("/") not in (
        "https://schema.org",
        "http://schema.org",
    ):
        problems.append('@context must be "https://schema.org"')
    if doc.get("@type") != "ClaimReview":
        problems.append('@type must be "ClaimReview"')
    if not _is_text(doc.get("claimReviewed")):
        problems.append("claimReviewed is missing (required: the claim's text)")
    problems.extend(_rating_problems(doc.get("reviewRating")))
    if not _is_web_url(doc.get("url")):
        problems.append("url is missing or not an http(s) URL (required: the review's page)")
    authors = _as_list(doc.get("author"))
    if not all(isinstance(a, Mapping) and _is_text(a.get("name")) for a in authors):
        problems.append("author is missing or has no name (required: who publishes the review)")
    return problems


def claimreview_recommendations(doc: Mapping[str, object]) -> list[str]:
    """Recommended properties (Google fact-check markup) that a ClaimReview lacks.

    Informational only: ours lack itemReviewed author/appearance when the speaker or the
    origin is unknown.
    """
    missing: list[str] = []
    if "datePublished" not in doc:
        missing.append("datePublished")
    reviewed = doc.get("itemReviewed")
    if not isinstance(reviewed, Mapping):
        return [*missing, "itemReviewed"]
    for name in ("author", "datePublished"):
        if name not in reviewed:
            missing.append(f"itemReviewed.{name}")
    if "appearance" not in reviewed and "firstAppearance" not in reviewed:
        missing.append("itemReviewed.appearance")
    return missing


def evidence_from_records(records: Iterable[EvidenceRecord]) -> list[ExportEvidence]:
    """Convenience for callers holding storage rows."""
    return [ExportEvidence.from_record(record) for record in records]
