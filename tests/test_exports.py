"""Exports: exact JSON, CSV that round-trips and resists formula injection, valid ClaimReview."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.exports import (
    CSV_BOM,
    CSV_COLUMNS,
    ExportClaim,
    ExportContext,
    ExportEvidence,
    claim_author_type,
    claimreview_eligible,
    claimreview_problems,
    claimreview_recommendations,
    evidence_from_records,
    iso_utc,
    neutralize_cell,
    to_claimreview,
    to_csv,
    to_json,
)
from bot.core.records import ClaimRecord, EvidenceRecord
from bot.core.vocabulary import FINAL_VERDICTS, STATUSES, claimreview_rating

CREATED = 1714564800.0  # 2024-05-01T12:00:00Z
SHA = "ab" * 32  # a snapshot's SHA-256
UPDATED = 1714651200.5  # 2024-05-02T12:00:00.5Z
RESOLVED = 1714737600.0  # 2024-05-03T12:00:00Z
GENERATED = 1714824000.0  # 2024-05-04T12:00:00Z
GUILD = 1100000000000000001  # real snowflakes exceed 2**53
CHANNEL = 1100000000000000002
MESSAGE = 1100000000000000003
REVIEW_URL = f"https://discord.com/channels/{GUILD}/{CHANNEL}/{MESSAGE}"

CLAIM = ClaimRecord(
    id=340,  # internal: never exported
    guild_id=GUILD,
    number=12,
    text="La ville a dépensé 4,2 millions d’euros pour les routes en 2025.",
    speaker="Cour des comptes",
    language="fr",
    score=0.9,
    reasons=("number",),
    submitter_id=77,
    origin_url="https://news.example/routes",
    origin_title="Rapport « routes »",
    channel_id=CHANNEL,
    message_id=MESSAGE,
    thread_id=None,
    status="verified_true",
    confidence=0.625,
    explanation="Verified true: 3 of 3 reviewers support it; 1 source supports it, none refute it",
    is_final=False,
    created_at=CREATED,
    updated_at=UPDATED,
)
VOTES = {"supported": 3, "refuted": 0, "unverifiable": 0, "misleading": 0}
EVIDENCE = [
    ExportEvidence(
        "https://stats.example/a",
        "supports",
        "Budget 2025",
        archived_at=CREATED,
        archived_sha256=SHA,
        recheck_state="changed",
        recheck_since=CREATED + 86_400,
    ),
    ExportEvidence("https://blog.example/b", "context", None),
]
CTX = ExportContext(
    organization="Les Vérificateurs",
    organization_url="https://verif.example",
    guild_id=GUILD,
    generated_at=GENERATED,
)


def item(claim: ClaimRecord = CLAIM, **overrides: object) -> ExportClaim:
    base = ExportClaim(claim=claim, votes=dict(VOTES), evidence=list(EVIDENCE))
    return replace(base, **overrides)  # type: ignore[arg-type]


def claim(**changes: object) -> ClaimRecord:
    return replace(CLAIM, **changes)  # type: ignore[arg-type]


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --------------------------------------------------------------------------- JSON


def test_json_has_exact_keys_and_values() -> None:
    [obj] = json.loads(to_json([item()], CTX))
    assert obj == {
        "number": 12,
        "guild_id": str(GUILD),
        "text": CLAIM.text,
        "language": "fr",
        "status": "verified_true",
        "status_label": "Verified true",
        "confidence": 0.625,
        "final": False,
        "explanation": CLAIM.explanation,
        "resolved_at": None,
        "resolution_note": None,
        "votes": {"supported": 3, "refuted": 0, "unverifiable": 0, "misleading": 0},
        "evidence": [
            {
                "url": "https://stats.example/a",
                "stance": "supports",
                "title": "Budget 2025",
                "archived_at": "2024-05-01T12:00:00Z",
                "archived_sha256": SHA,
                "recheck_state": "changed",
                "recheck_since": "2024-05-02T12:00:00Z",
            },
            {
                "url": "https://blog.example/b",
                "stance": "context",
                "title": None,
                "archived_at": None,
                "archived_sha256": None,
                "recheck_state": None,
                "recheck_since": None,
            },
        ],
        "speaker": "Cour des comptes",
        "origin": {"url": "https://news.example/routes", "title": "Rapport « routes »"},
        "channel_id": str(CHANNEL),
        "message_id": str(MESSAGE),
        "thread_id": None,
        "review_url": REVIEW_URL,
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-02T12:00:00Z",
    }
    assert list(obj) == [
        "number",
        "guild_id",
        "text",
        "language",
        "status",
        "status_label",
        "confidence",
        "final",
        "explanation",
        "resolved_at",
        "resolution_note",
        "votes",
        "evidence",
        "speaker",
        "origin",
        "channel_id",
        "message_id",
        "thread_id",
        "review_url",
        "created_at",
        "updated_at",
    ]


def test_json_formatting_is_stable_pretty_and_keeps_accents() -> None:
    text = to_json([item()], CTX)
    assert text.startswith('[\n  {\n    "number": 12,\n    "guild_id": "1100000000000000001",')
    assert "dépensé 4,2 millions d’euros" in text  # ensure_ascii=False
    assert to_json([item()], CTX) == text


def test_json_resolved_claim_and_unknowns() -> None:
    resolved = claim(
        status="misleading",
        is_final=True,
        confidence=1.0,
        channel_id=None,
        message_id=None,
        speaker=None,
        origin_url=None,
        origin_title=None,
    )
    [obj] = json.loads(
        to_json([item(resolved, resolved_at=RESOLVED, resolution_note="Chiffre sorti")], CTX)
    )
    assert obj["final"] is True
    assert obj["status_label"] == "Misleading"
    assert obj["resolved_at"] == "2024-05-03T12:00:00Z"
    assert obj["resolution_note"] == "Chiffre sorti"
    assert obj["review_url"] is None
    assert obj["channel_id"] is None
    assert obj["speaker"] is None
    assert obj["origin"] == {"url": None, "title": None}


def test_missing_votes_count_as_zero() -> None:
    [obj] = json.loads(to_json([item(votes={"refuted": 2})], CTX))
    assert obj["votes"] == {"supported": 0, "refuted": 2, "unverifiable": 0, "misleading": 0}


def test_empty_inputs() -> None:
    assert to_json([], CTX) == "[]"
    assert to_claimreview([], CTX) == "[]"
    assert to_csv([], CTX) == ",".join(CSV_COLUMNS) + "\r\n"


@pytest.mark.parametrize("export", [to_json, to_csv, to_claimreview])
def test_claims_of_another_guild_are_refused(export: object) -> None:
    assert callable(export)
    with pytest.raises(ValueError, match="belongs to guild 5"):
        export([item(), item(claim(guild_id=5))], CTX)


def test_context_needs_an_organization() -> None:
    with pytest.raises(ValueError):
        ExportContext(organization="  ", organization_url=None, guild_id=1, generated_at=0.0)


# --------------------------------------------------------------------------- CSV


def test_csv_header_then_rows_with_same_values() -> None:
    text = to_csv([item()], CTX)
    assert text.split("\r\n")[0] == (
        "number,guild_id,created_at,status,status_label,confidence,text,speaker,origin_url,"
        "origin_title,supported,refuted,unverifiable,misleading,evidence_count,"
        "evidence_urls,evidence_archived_at,evidence_sha256,explanation,review_url"
    )
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF everywhere
    assert csv_rows(text) == [
        {
            "number": "12",
            "guild_id": str(GUILD),
            "created_at": "2024-05-01T12:00:00Z",
            "status": "verified_true",
            "status_label": "Verified true",
            "confidence": "0.625",
            "text": CLAIM.text,
            "speaker": "Cour des comptes",
            "origin_url": "https://news.example/routes",
            "origin_title": "Rapport « routes »",
            "supported": "3",
            "refuted": "0",
            "unverifiable": "0",
            "misleading": "0",
            "evidence_count": "2",
            "evidence_urls": "https://stats.example/a https://blog.example/b",
            "evidence_archived_at": "2024-05-01T12:00:00Z -",
            "evidence_sha256": f"{SHA} -",
            "explanation": CLAIM.explanation,
            "review_url": REVIEW_URL,
        }
    ]
    # Numbers are bare (unquoted, unprefixed) so spreadsheets read them as numbers.
    assert text.split("\r\n")[1].startswith(f"12,{GUILD},2024-05-01T12:00:00Z,verified_true,")
    assert ",0.625," in text
    assert ",3,0,0,0,2," in text


def test_csv_unknowns_are_empty_cells() -> None:
    bare = claim(speaker=None, origin_url=None, origin_title=None, message_id=None)
    [row] = csv_rows(to_csv([item(bare, evidence=[])], CTX))
    assert row["speaker"] == row["origin_url"] == row["origin_title"] == ""
    assert row["review_url"] == ""
    assert row["evidence_count"] == "0"
    assert row["evidence_urls"] == ""
    assert row["evidence_archived_at"] == row["evidence_sha256"] == ""


def test_csv_round_trips_commas_quotes_newlines_and_accents() -> None:
    text = 'Il a dit "non", puis\r\noui, puis\nnon; coût: 3 €, élève à l’école'
    exported = to_csv([item(claim(text=text, speaker='Jean "JJ" Dupré'))], CTX)
    [row] = csv_rows(exported)
    assert row["text"] == text
    assert row["speaker"] == 'Jean "JJ" Dupré'
    assert exported.count("\r\n") == 3  # header, the quoted CRLF inside text, row end


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_injection(start: str) -> None:
    payload = start + 'HYPERLINK("https://evil.example","x")'
    hostile = claim(text=payload, speaker=payload, origin_title=payload, explanation=payload)
    [row] = csv_rows(to_csv([item(hostile)], CTX))
    for column in ("text", "speaker", "origin_title", "explanation"):
        assert row[column] == "'" + payload
    assert row["confidence"] == "0.625"


def test_csv_keeps_harmless_leading_characters() -> None:
    [row] = csv_rows(to_csv([item(claim(text="'quoted", speaker=" =spaced"))], CTX))
    assert row["text"] == "'quoted"
    assert row["speaker"] == " =spaced"


def test_csv_bom_is_for_the_caller() -> None:
    assert CSV_BOM == "\ufeff"
    assert not to_csv([item()], CTX).startswith(CSV_BOM)
    with_bom = (CSV_BOM + to_csv([item()], CTX)).encode("utf-8")
    assert with_bom.startswith(b"\xef\xbb\xbf")
    [row] = csv_rows(with_bom.decode("utf-8-sig"))
    assert row["text"] == CLAIM.text


def test_neutralize_cell() -> None:
    assert neutralize_cell("=1+1") == "'=1+1"
    assert neutralize_cell("-5 %") == "'-5 %"
    assert neutralize_cell("5 - 3") == "5 - 3"
    assert neutralize_cell("") == ""


# --------------------------------------------------------------------------- ClaimReview


def test_claimreview_exact_object() -> None:
    [doc] = json.loads(to_claimreview([item()], CTX))
    assert doc == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": REVIEW_URL,
        "claimReviewed": CLAIM.text,
        "datePublished": "2024-05-02T12:00:00Z",
        "author": {
            "@type": "Organization",
            "name": "Les Vérificateurs",
            "url": "https://verif.example",
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "True",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "Cour des comptes"},
            "datePublished": "2024-05-01T12:00:00Z",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "url": "https://news.example/routes",
                    "headline": "Rapport « routes »",
                }
            ],
        },
        "reviewBody": CLAIM.explanation,
        "sdDatePublished": "2024-05-04T12:00:00Z",
    }
    assert claimreview_problems(doc) == []
    assert claimreview_recommendations(doc) == []


def test_claimreview_exports_only_final_and_verified_claims() -> None:
    open_claims = [item(claim(id=i, status=s)) for i, s in enumerate(STATUSES)]
    resolved = [
        item(claim(id=100 + i, status=s, is_final=True), resolved_at=RESOLVED)
        for i, s in enumerate(FINAL_VERDICTS)
    ]
    docs = json.loads(to_claimreview(open_claims + resolved, CTX))
    exported = [(d["url"], d["reviewRating"]["alternateName"]) for d in docs]
    assert [alt for _, alt in exported] == [
        "True",
        "False",
        "True",
        "False",
        "Misleading",
        "Unverifiable",
        "Disputed",
    ]
    statuses = ["verified_true", "verified_false", *FINAL_VERDICTS]
    for doc, status in zip(docs, statuses, strict=True):
        assert claimreview_problems(doc) == []
        rating = claimreview_rating(status)
        assert rating is not None
        assert doc["reviewRating"] == {"@type": "Rating", **rating}
    for doc in docs[2:]:
        assert doc["datePublished"] == "2024-05-03T12:00:00Z"  # the resolution date


@pytest.mark.parametrize("status", STATUSES)
def test_claimreview_eligibility(status: str) -> None:
    assert claimreview_eligible(claim(status=status)) is (
        status in ("verified_true", "verified_false")
    )
    assert claimreview_eligible(claim(status=status, is_final=True)) is (
        claimreview_rating(status) is not None
    )


def test_claimreview_skips_claims_without_review_message() -> None:
    assert to_claimreview([item(claim(message_id=None))], CTX) == "[]"
    assert to_claimreview([item(claim(channel_id=None))], CTX) == "[]"


def test_claimreview_dates_are_iso() -> None:
    final = item(claim(status="verified_false", is_final=True), resolved_at=RESOLVED + 0.9)
    docs = json.loads(to_claimreview([item(), final], CTX))
    published = [datetime.fromisoformat(d["datePublished"]) for d in docs]
    assert [p.timestamp() for p in published] == [int(UPDATED), RESOLVED]
    assert all(p.utcoffset() == timedelta(0) for p in published)
    assert all(d["datePublished"].endswith("Z") for d in docs)


def test_claimreview_omits_unknown_speaker_appearance_and_urls() -> None:
    ctx = replace(CTX, organization_url=None)
    bare = claim(speaker=None, origin_url=None, origin_title=None, explanation="")
    [doc] = json.loads(to_claimreview([item(bare)], ctx))
    assert doc["itemReviewed"] == {"@type": "Claim", "datePublished": "2024-05-01T12:00:00Z"}
    assert doc["author"] == {"@type": "Organization", "name": "Les Vérificateurs"}
    assert "reviewBody" not in doc
    assert claimreview_problems(doc) == []
    assert claimreview_recommendations(doc) == [
        "itemReviewed.author",
        "itemReviewed.appearance",
    ]


def test_claimreview_appearance_without_title_has_no_headline() -> None:
    untitled = claim(origin_title=None, speaker="Jane Doe")
    [doc] = json.loads(to_claimreview([item(untitled)], CTX))
    assert doc["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://news.example/routes"}
    ]
    assert doc["itemReviewed"]["author"] == {"@type": "Person", "name": "Jane Doe"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", "Person"),
        ("Emmanuel Macron", "Person"),
        ("JEAN DUPONT", "Person"),
        ("Dr. Smith", "Person"),
        ("the WHO", "Organization"),
        ("l'OMS", "Organization"),
        ("l’INSEE", "Organization"),
        ("U.N.", "Organization"),
        ("le ministère de la Santé", "Organization"),
        ("Stanford University", "Organization"),
    ],
)
def test_claim_author_type(name: str, expected: str) -> None:
    assert claim_author_type(name) == expected


# --------------------------------------------------------------------------- validator


def valid_doc() -> dict[str, object]:
    doc = json.loads(to_claimreview([item()], CTX))[0]
    assert isinstance(doc, dict)
    return doc


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("@context", "@context"),
        ("@type", "@type"),
        ("claimReviewed", "claimReviewed"),
        ("reviewRating", "reviewRating"),
        ("url", "url"),
        ("author", "author"),
    ],
)
def test_problems_flag_each_missing_required_property(key: str, fragment: str) -> None:
    doc = valid_doc()
    del doc[key]
    problems = claimreview_problems(doc)
    assert len(problems) == 1
    assert problems[0].startswith(fragment)


def test_problems_ignore_missing_recommended_properties() -> None:
    doc = valid_doc()
    for key in ("datePublished", "itemReviewed", "reviewBody", "sdDatePublished"):
        del doc[key]
    assert claimreview_problems(doc) == []
    assert claimreview_recommendations(doc) == ["datePublished", "itemReviewed"]


@pytest.mark.parametrize(
    ("rating", "fragment"),
    [
        ({"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1}, "alternateName"),
        ({"@type": "Rating", "alternateName": "True", "ratingValue": 5}, "numbers for"),
        (
            {
                "@type": "Rating",
                "alternateName": "x",
                "ratingValue": 9,
                "bestRating": 5,
                "worstRating": 1,
            },
            "outside",
        ),
        (
            {
                "@type": "Rating",
                "alternateName": "x",
                "ratingValue": True,
                "bestRating": 5,
                "worstRating": 1,
            },
            "numbers for ratingValue",
        ),
        ({"alternateName": "True"}, '"Rating"'),
        ("True", "reviewRating is missing"),
    ],
)
def test_problems_check_the_rating(rating: object, fragment: str) -> None:
    doc = valid_doc()
    doc["reviewRating"] = rating
    problems = claimreview_problems(doc)
    assert len(problems) == 1
    assert fragment in problems[0]


def test_problems_accept_a_textual_only_rating() -> None:
    doc = valid_doc()
    doc["reviewRating"] = {"@type": "Rating", "alternateName": "Faux"}
    assert claimreview_problems(doc) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("url", "discord.com/channels/1/2/3"),
        ("url", "javascript:alert(1)"),
        ("claimReviewed", "   "),
        ("author", {"@type": "Organization"}),
        ("author", [{"name": "A"}, {"name": ""}]),
    ],
)
def test_problems_reject_unusable_values(key: str, value: object) -> None:
    doc = valid_doc()
    doc[key] = value
    assert len(claimreview_problems(doc)) == 1


# --------------------------------------------------------------------------- helpers


def test_iso_utc_and_evidence_records() -> None:
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
    assert iso_utc(CREATED + 0.999) == "2024-05-01T12:00:00Z"
    record = EvidenceRecord(
        id=1,
        claim_id=12,
        number=1,
        url="https://a.example",
        stance="refutes",
        note=None,
        added_by=3,
        fetch_status="ok",
        fetch_error=None,
        title="Un titre",
        site_name=None,
        canonical_url=None,
        published_at=None,
        description=None,
        created_at=0.0,
    )
    assert evidence_from_records([record]) == [
        ExportEvidence(url="https://a.example", stance="refutes", title="Un titre")
    ]


# --------------------------------------------------------------------------- properties


@given(st.text())
def test_any_text_round_trips_through_csv(text: str) -> None:
    rows = csv_rows(to_csv([item(claim(text=text, explanation=text))], CTX))
    assert len(rows) == 1
    [row] = rows
    assert row["text"] == row["explanation"] == neutralize_cell(text)
    recovered = row["text"][1:] if row["text"] != text else row["text"]
    assert recovered == text
    assert row["confidence"] == "0.625"


@given(st.text(), st.one_of(st.none(), st.text()))
def test_any_text_round_trips_through_json(text: str, speaker: str | None) -> None:
    exported = item(claim(text=text, speaker=speaker))
    [obj] = json.loads(to_json([exported], CTX))
    assert obj["text"] == text
    assert obj["speaker"] == speaker
    [doc] = json.loads(to_claimreview([exported], CTX))
    assert doc["claimReviewed"] == text
    if text.strip():
        assert claimreview_problems(doc) == []
