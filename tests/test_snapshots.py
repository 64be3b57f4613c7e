"""The pure rules of snapshots: trimming at a character, the hash of the body as read, what a
recheck's outcome means, and what `/evidence list` says of a source's archive."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.records import EvidenceRecord, NewSnapshot
from bot.core.snapshots import (
    RecheckState,
    RecheckTally,
    archive_note,
    body_sha256,
    failed_fetch_outcome,
    next_state,
    read_outcome,
    stored_bytes,
    trim_text,
)
from tests.test_render import evidence

DAY = 86_400.0
ARCHIVED = 1_714_564_800.0  # 2024-05-01T12:00:00Z


def test_text_within_the_cap_is_kept_whole() -> None:
    assert trim_text("Trois ferries électriques.", 100) == ("Trois ferries électriques.", False)
    assert trim_text("abc", 3) == ("abc", False)
    assert trim_text("", 0) == ("", False)


def test_text_over_the_cap_is_cut_at_a_character_boundary() -> None:
    # "é" is two bytes, "€" three, the emoji four: a cut inside one drops it whole.
    assert trim_text("abcdé", 5) == ("abcd", True)
    assert trim_text("abcdé", 6) == ("abcdé", False)
    assert trim_text("a€b", 3) == ("a", True)
    assert trim_text("a€b", 4) == ("a€", True)
    assert trim_text("🚢🚢", 7) == ("🚢", True)
    assert trim_text("🚢", 3) == ("", True)


def test_a_lone_surrogate_becomes_a_replacement_character() -> None:
    assert trim_text("a\ud800b", 100) == ("a?b", False)


@given(st.text(), st.integers(min_value=0, max_value=64))
def test_trimming_keeps_a_prefix_within_the_cap(text: str, cap: int) -> None:
    kept, trimmed = trim_text(text, cap)
    clean = text.encode("utf-8", "replace").decode("utf-8")
    assert clean.startswith(kept)
    assert len(kept.encode("utf-8")) <= cap or not trimmed
    assert trimmed == (len(clean.encode("utf-8")) > cap)
    if trimmed:  # nothing more would fit: the next character is over the cap
        assert len(clean[: len(kept) + 1].encode("utf-8")) > cap


def test_the_hash_is_of_the_bytes_as_given() -> None:
    body = "<p>café</p>".encode("cp1252")
    assert body_sha256(body) == hashlib.sha256(body).hexdigest()
    assert body_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_stored_bytes_count_text_title_and_url_in_utf8() -> None:
    snapshot = NewSnapshot(
        final_url="http://news.test/a",  # 18 bytes
        http_status=200,
        title="Café",  # 5 bytes
        body_sha256="0" * 64,
        body_bytes=999,
        body_cut=False,
        text="€uro",  # 6 bytes
        text_trimmed=False,
    )
    assert stored_bytes(snapshot) == 29
    assert stored_bytes(dataclasses.replace(snapshot, title=None)) == 24


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [
        ("http_error", 404, "gone"),
        ("http_error", 410, "gone"),
        ("http_error", 403, "gone"),
        ("http_error", 500, "unreached"),
        ("http_error", 503, "unreached"),
        ("http_error", 429, "unreached"),
        ("http_error", 408, "unreached"),
        ("http_error", None, "unreached"),
        ("timeout", None, "unreached"),
        ("connect_failed", None, "unreached"),
        ("dns_failure", None, "unreached"),
        ("busy", None, "unreached"),
        ("forbidden_address", None, "gone"),
        ("bad_content_type", None, "gone"),
        ("too_large", None, "gone"),
        ("too_many_redirects", None, "gone"),
        ("tls_error", None, "gone"),
        ("bad_response", None, "gone"),
    ],
)
def test_a_failed_fetch_is_gone_unless_transient(
    code: str, status: int | None, outcome: str
) -> None:
    assert failed_fetch_outcome(code, status) == outcome


def test_a_read_is_compared_with_the_first_snapshot() -> None:
    assert read_outcome("a" * 64, first_sha256="a" * 64) == "unchanged"
    assert read_outcome("b" * 64, first_sha256="a" * 64) == "changed"


def test_a_state_keeps_its_date_while_it_lasts() -> None:
    now = ARCHIVED + 5 * DAY
    assert next_state("changed", state=None, since=None, now=now) == RecheckState("changed", now)
    kept = next_state("changed", state="changed", since=ARCHIVED + DAY, now=now)
    assert kept == RecheckState("changed", ARCHIVED + DAY)
    assert next_state("gone", state="changed", since=ARCHIVED, now=now) == RecheckState("gone", now)
    assert next_state("unchanged", state="gone", since=ARCHIVED, now=now) == RecheckState(
        "unchanged", now
    )
    assert next_state("unreached", state="gone", since=ARCHIVED, now=now) is None


def test_tallies_count_each_outcome() -> None:
    tally = RecheckTally().add("changed").add("gone").add("changed").add("unreached")
    assert tally == RecheckTally(unchanged=0, changed=2, gone=1, unreached=1)
    assert tally.total == 4


SOURCE = evidence(1)[0]


def test_the_archive_note_of_each_state() -> None:
    archived = dataclasses.replace(SOURCE, archived_at=ARCHIVED, archived_sha256="a" * 64)
    at = f"<t:{int(ARCHIVED)}:d>"
    later = f"<t:{int(ARCHIVED + DAY)}:d>"
    assert archive_note(SOURCE) == "not archived"
    assert archive_note(archived) == f"archived {at}"

    def checked(state: str) -> EvidenceRecord:
        return dataclasses.replace(
            archived, recheck_state=state, rechecked_at=ARCHIVED + DAY, recheck_since=ARCHIVED + DAY
        )

    assert archive_note(checked("unchanged")) == f"archived {at}, unchanged {later}"
    assert archive_note(checked("changed")) == f"archived {at}, changed since {later}"
    assert archive_note(checked("gone")) == f"archived {at}, gone since {later}"
