"""The status model: worked examples (same as docs/confidence.md) and replay properties."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from bot.core.records import NewClaim
from bot.core.status import (
    CONSENSUS_PERCENT_RANGE,
    DEFAULT_SETTINGS,
    MAX_EXPLANATION_CHARS,
    MIN_REVIEWERS_RANGE,
    MIN_SOURCES_TO_VERIFY_RANGE,
    RULES,
    THRESHOLD_RANGES,
    UNREVIEWED,
    VERIFY_CONFIDENCE_PERCENT_RANGE,
    EvidenceItem,
    ModerationEvent,
    Resolution,
    Rule,
    StatusResult,
    StatusSettings,
    VoteEvent,
    compute_status,
    current_resolution,
    current_votes,
    status_from_events,
    vote_confidences,
)
from bot.core.vocabulary import (
    CLAIMREVIEW_RATINGS,
    FINAL_VERDICTS,
    STATUS_COLOURS,
    STATUS_EMOJI,
    STATUS_LABELS,
    STATUSES,
    VOTES,
    Vote,
    claimreview_rating,
)

SUP = EvidenceItem("supports")
REF = EvidenceItem("refutes")
CTX = EvidenceItem("context")


def votes(*cast: Vote) -> dict[int, Vote]:
    """Reviewer ids 1..n in the order given."""
    return {i: v for i, v in enumerate(cast, start=1)}


def tally(**counts: int) -> dict[int, Vote]:
    """`tally(supported=3, refuted=1)` -> votes from distinct reviewers."""
    out: list[Vote] = []
    for vote in VOTES:
        out += [vote] * counts.get(vote, 0)
    return votes(*out)


# ---------------------------------------------------------------- worked examples (docs)

# (name, votes, evidence, status, confidence, explanation, rule) -- identical to the table
# in docs/confidence.md, section "Worked examples"; the rule table there cites them.
WORKED_EXAMPLES = [
    ("1 no votes", {}, [], "unreviewed", 0.0, "Unreviewed: no votes yet", "no_votes"),
    (
        "2 two agree",
        tally(supported=2),
        [],
        "needs_review",
        0.3333,
        "Needs review: so far 2 reviewers support it; 1 more reviewer needed; no sources yet",
        "below_quorum",
    ),
    (
        "3 quorum reached",
        tally(supported=3),
        [],
        "likely_true",
        0.5714,
        "Likely true: 3 of 3 reviewers support it; no sources yet",
        "likely_consensus",
    ),
    (
        "4 plus a source",
        tally(supported=3),
        [SUP],
        "verified_true",
        0.625,
        "Verified true: 3 of 3 reviewers support it; 1 source supports it, none refute it",
        "verified_consensus",
    ),
    (
        "5 two of three plus a source",
        tally(supported=2, refuted=1),
        [SUP],
        "likely_true",
        0.5,
        "Likely true: 2 of 3 reviewers support it; 1 source supports it, none refute it",
        "likely_consensus",
    ),
    (
        "6 sources contradict reviewers",
        tally(supported=3),
        [REF],
        "disputed",
        0.5,
        "Disputed: 3 of 3 reviewers support it, but 1 source refutes it, none support it",
        "sources_disputed",
    ),
    (
        "7 split vote",
        tally(supported=2, refuted=2, misleading=1),
        [],
        "disputed",
        0.3333,
        "Disputed: no vote has 60% of 5 reviewers (2 support it, 2 refute it, "
        "1 calls it misleading); no sources yet",
        "split_disputed",
    ),
    (
        "8 false with sources",
        tally(refuted=4, supported=1),
        [REF, REF],
        "verified_false",
        0.6364,
        "Verified false: 4 of 5 reviewers refute it; 2 sources refute it, none support it",
        "verified_consensus",
    ),
    (
        "9 unverifiable majority",
        tally(unverifiable=3, supported=1),
        [],
        "unverifiable",
        0.5,
        "Unverifiable: 3 of 4 reviewers say it can't be verified; no sources yet",
        "majority_unverifiable",
    ),
    (
        "10 misleading majority",
        tally(misleading=3, refuted=1),
        [CTX, EvidenceItem("supports", reachable=False)],
        "misleading",
        0.5,
        "Misleading: 3 of 4 reviewers call it misleading; 2 sources give context (1 unreachable)",
        "majority_misleading",
    ),
    (
        "11 nine of ten",
        tally(supported=9, refuted=1),
        [],
        "likely_true",
        0.7143,
        "Likely true: 9 of 10 reviewers support it; no sources yet",
        "likely_consensus",
    ),
]


@pytest.mark.parametrize(
    ("name", "vote_map", "evidence", "status", "confidence", "explanation", "rule"),
    WORKED_EXAMPLES,
    ids=[example[0] for example in WORKED_EXAMPLES],
)
def test_worked_examples(
    name: str,
    vote_map: dict[int, Vote],
    evidence: list[EvidenceItem],
    status: str,
    confidence: float,
    explanation: str,
    rule: Rule,
) -> None:
    result = compute_status(vote_map, evidence)
    assert (result.status, result.confidence, result.explanation, result.rule) == (
        status,
        confidence,
        explanation,
        rule,
    )
    assert result.final is False


def test_worked_example_resolution() -> None:
    result = compute_status(
        tally(supported=3),
        [SUP],
        Resolution("verified_false", note="  Official statistics\nshow the opposite. ", actor_id=9),
    )
    assert result == StatusResult(
        status="verified_false",
        confidence=1.0,
        explanation="Resolved by a moderator: Official statistics show the opposite.",
        counts={"supported": 3, "refuted": 0, "unverifiable": 0, "misleading": 0},
        evidence_counts={"supports": 1, "refutes": 0, "context": 0},
        final=True,
        rule="moderator_resolution",
    )


DOC = (Path(__file__).parent.parent / "docs" / "confidence.md").read_text(encoding="utf-8")


def doc_table(heading: str, first_cell: str) -> list[list[str]]:
    """Rows of the table under `heading` whose first cell starts with `first_cell`."""
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| " + first_cell)
    ]


# rule -> worked examples it decides, as the table in "## Decision order" documents them
DOCUMENTED_RULES = {
    row[0].strip("`"): [int(number) for number in row[2].replace("#", "").split(", ")]
    for row in doc_table("## Decision order", "`")
}
RESOLUTION_EXAMPLE = 12


def test_docs_table_matches_worked_examples() -> None:
    """docs/confidence.md shows the same numbers and sentences the tests check."""
    rows = [row for row in doc_table("## Worked examples", "") if row[0].isdigit()]
    documented = [
        (row[3].split(",")[0].strip("`"), float(row[4].split()[0]), row[5]) for row in rows
    ]
    expected = [(status, conf, text) for _, _, _, status, conf, text, _ in WORKED_EXAMPLES]
    resolved = (
        "verified_false",
        1.0,
        "Resolved by a moderator: Official statistics show the opposite.",
    )
    assert documented == [*expected, resolved]


# ---------------------------------------------------------------- deciding rules

# The statuses each rule can give.
RULE_STATUSES: dict[str, tuple[str, ...]] = {
    "moderator_resolution": FINAL_VERDICTS,
    "no_votes": ("unreviewed",),
    "below_quorum": ("needs_review",),
    "split_disputed": ("disputed",),
    "majority_unverifiable": ("unverifiable",),
    "majority_misleading": ("misleading",),
    "sources_disputed": ("disputed",),
    "verified_consensus": ("verified_true", "verified_false"),
    "likely_consensus": ("likely_true", "likely_false"),
}


def test_rules_are_documented_in_decision_order() -> None:
    assert list(DOCUMENTED_RULES) == list(RULES) == list(RULE_STATUSES)


def test_every_rule_decides_the_worked_examples_the_docs_cite() -> None:
    by_number = {int(example[0].split()[0]): example[-1] for example in WORKED_EXAMPLES}
    by_number[RESOLUTION_EXAMPLE] = "moderator_resolution"
    assert {
        rule: [number for number, decided in sorted(by_number.items()) if decided == rule]
        for rule in RULES
    } == DOCUMENTED_RULES
    assert all(DOCUMENTED_RULES.values()), "every rule is reached by a worked example"


def test_no_input_gives_the_unreviewed_constant() -> None:
    assert compute_status({}, []) == UNREVIEWED
    assert UNREVIEWED.rule == "no_votes"
    claim = NewClaim(text="x", normalized="x")
    assert (claim.status, claim.confidence, claim.explanation) == (
        "unreviewed",
        0.0,
        "Unreviewed: no votes yet",
    )


def test_records_do_not_run_the_model() -> None:
    """Importing the records (every layer does) must not compute a status."""
    source = (Path(__file__).parent.parent / "bot" / "core" / "records.py").read_text()
    assert "compute_status" not in source


# ---------------------------------------------------------------- paths and rules


def test_path_needs_review_to_likely_true_to_verified_true() -> None:
    log = [VoteEvent(1, 101, "supported", 10.0)]
    step1 = status_from_events(log, [], [], DEFAULT_SETTINGS)
    assert (step1.status, step1.confidence) == ("needs_review", 0.1333)
    assert step1.explanation == (
        "Needs review: so far 1 reviewer supports it; 2 more reviewers needed; no sources yet"
    )
    log += [VoteEvent(2, 102, "supported", 11.0), VoteEvent(3, 103, "supported", 12.0)]
    step2 = status_from_events(log, [], [], DEFAULT_SETTINGS)
    assert (step2.status, step2.confidence) == ("likely_true", 0.5714)
    step3 = status_from_events(log, [SUP], [], DEFAULT_SETTINGS)
    assert (step3.status, step3.confidence) == ("verified_true", 0.625)
    assert step1.confidence < step2.confidence < step3.confidence


def test_verification_needs_more_supporting_than_refuting_sources() -> None:
    tied = compute_status(tally(supported=5), [SUP, REF])
    assert (tied.status, tied.confidence) == ("likely_true", 0.6364)
    assert tied.explanation == (
        "Likely true: 5 of 5 reviewers support it; 1 source supports it, 1 refutes it"
    )
    ahead = compute_status(tally(supported=5), [SUP, SUP, REF])
    assert (ahead.status, ahead.confidence) == ("verified_true", 0.6667)


def test_unreachable_sources_carry_no_weight() -> None:
    dead = EvidenceItem("supports", reachable=False, added_by=7)
    result = compute_status(tally(supported=3), [dead])
    assert (result.status, result.confidence) == ("likely_true", 0.5714)
    assert result.evidence_counts == {"supports": 0, "refutes": 0, "context": 1}
    assert result.explanation.endswith("; 1 source gives context (1 unreachable)")


def test_split_vote_is_disputed_even_with_sources() -> None:
    result = compute_status(tally(supported=2, refuted=2), [SUP, SUP, SUP])
    assert result.status == "disputed"
    # best vote: supported (2 + 1 + 3) / (4 + 4 + 3)
    assert result.confidence == 0.5455


def test_two_of_two_is_weaker_than_nine_of_ten() -> None:
    two = vote_confidences({"supported": 2}, {})["supported"]
    nine = vote_confidences({"supported": 9, "refuted": 1}, {})["supported"]
    assert (round(two, 4), round(nine, 4)) == (0.5, 0.7143)
    # Same ordering for the shown status, even when the quorum allows 2 reviewers.
    quorum_two = StatusSettings(min_reviewers=2)
    shown_two = compute_status(tally(supported=2), [], settings=quorum_two)
    shown_nine = compute_status(tally(supported=9, refuted=1), [], settings=quorum_two)
    assert (shown_two.status, shown_two.confidence) == ("likely_true", 0.5)
    assert shown_nine.confidence > shown_two.confidence


@pytest.mark.parametrize(
    ("agree", "total", "expected"),
    [(1, 1, 0.4), (2, 2, 0.5), (3, 3, 0.5714), (5, 5, 0.6667), (9, 10, 0.7143), (20, 20, 0.875)],
)
def test_confidence_grows_with_reviewers(agree: int, total: int, expected: float) -> None:
    counts: dict[Vote, int] = {"supported": agree, "refuted": total - agree}
    assert round(vote_confidences(counts, {})["supported"], 4) == expected


def test_confidences_sum_to_one() -> None:
    confidences = vote_confidences(
        {"supported": 3, "misleading": 2}, {"supports": 2, "refutes": 1, "context": 4}
    )
    assert sum(confidences.values()) == pytest.approx(1.0)


def test_singular_wording() -> None:
    result = compute_status(tally(supported=1), [SUP], settings=StatusSettings(min_reviewers=1))
    assert result.status == "likely_true"
    assert result.explanation == (
        "Likely true: 1 of 1 reviewer supports it; 1 source supports it, none refute it"
    )
    false = compute_status(tally(refuted=3), [REF, CTX])
    assert false.explanation == (
        "Verified false: 3 of 3 reviewers refute it; 1 source refutes it, none support it, "
        "1 gives context"
    )


def test_unreviewed_mentions_evidence() -> None:
    result = compute_status({}, [SUP, REF, REF])
    assert result.explanation == "Unreviewed: no votes yet; 1 source supports it, 2 refute it"
    assert result.confidence == 0.0


def test_resolution_without_note_and_long_note() -> None:
    plain = compute_status({}, [], Resolution("disputed"))
    assert plain.explanation == "Resolved by a moderator as disputed."
    long = compute_status({}, [], Resolution("misleading", note="word " * 100))
    assert long.explanation.startswith("Resolved by a moderator: word word")
    assert long.explanation.endswith("…")
    assert len(long.explanation) == len("Resolved by a moderator: ") + 160


def test_explanation_is_capped() -> None:
    many = {i: VOTES[i % 4] for i in range(400)}
    evidence = [SUP] * 1000 + [REF] * 1000 + [EvidenceItem("context", reachable=False)] * 1000
    result = compute_status(many, evidence)
    assert result.status == "disputed"
    assert len(result.explanation) <= MAX_EXPLANATION_CHARS


# ---------------------------------------------------------------- replay


def test_current_votes_latest_wins_and_retraction_removes() -> None:
    events = [
        VoteEvent(3, 1, "refuted", 5.0),
        VoteEvent(1, 1, "supported", 1.0),
        VoteEvent(2, 2, "misleading", 2.0),
        VoteEvent(4, 2, None, 6.0),
        # same second: the higher event id is later
        VoteEvent(6, 3, "unverifiable", 7.0),
        VoteEvent(5, 3, "supported", 7.0),
    ]
    assert current_votes(events) == {1: "refuted", 3: "unverifiable"}


def test_current_votes_later_recorded_event_wins_over_an_earlier_timestamp() -> None:
    # A catch-up correction built before a live reaction but recorded after it (higher id,
    # earlier `at`) wins, as it does in storage's claim_votes.
    events = [VoteEvent(10, 1, "supported", 1.0), VoteEvent(2, 1, "refuted", 9.0)]
    assert current_votes(events) == {1: "supported"}
    retracted_late = [VoteEvent(7, 2, "refuted", 9.0), VoteEvent(8, 2, None, 3.0)]
    assert current_votes(retracted_late) == {}
    result = status_from_events([*events, *retracted_late], [], [], DEFAULT_SETTINGS)
    assert result.counts == {"supported": 1, "refuted": 0, "unverifiable": 0, "misleading": 0}


def test_resolution_holds_against_later_votes_until_reopened() -> None:
    vote_log = [VoteEvent(i, 100 + i, "supported", float(i)) for i in range(1, 4)]
    moderation = [ModerationEvent(1, "resolve", "verified_false", "Fabricated quote.", 7, 4.0)]
    held = status_from_events(vote_log, [], moderation, DEFAULT_SETTINGS)
    assert (held.status, held.final, held.confidence) == ("verified_false", True, 1.0)

    vote_log += [VoteEvent(4, 104, "supported", 5.0), VoteEvent(5, 105, "supported", 6.0)]
    still = status_from_events(vote_log, [SUP], moderation, DEFAULT_SETTINGS)
    assert (still.status, still.final) == ("verified_false", True)
    assert still.explanation == "Resolved by a moderator: Fabricated quote."
    assert still.counts["supported"] == 5

    moderation.append(ModerationEvent(2, "reopen", None, None, 7, 7.0))
    reopened = status_from_events(vote_log, [], moderation, DEFAULT_SETTINGS)
    assert (reopened.status, reopened.final, reopened.confidence) == ("likely_true", False, 0.6667)


def test_current_resolution_latest_event_decides() -> None:
    resolve = ModerationEvent(1, "resolve", "misleading", "Cropped chart", 7, 1.0)
    reopen = ModerationEvent(2, "reopen", None, None, 8, 2.0)
    again = ModerationEvent(3, "resolve", "verified_true", None, 9, 3.0)
    assert current_resolution([]) is None
    assert current_resolution([reopen, resolve]) is None
    assert current_resolution([again, reopen, resolve]) == Resolution("verified_true", None, 9)


def test_records_reject_unknown_values() -> None:
    with pytest.raises(ValueError):
        VoteEvent(1, 1, "true", 0.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EvidenceItem("agrees")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Resolution("likely_true")
    with pytest.raises(ValueError):
        ModerationEvent(1, "resolve", None, None, 1, 0.0)
    with pytest.raises(ValueError):
        compute_status({1: "true"}, [])  # type: ignore[dict-item]


# ---------------------------------------------------------------- settings


def test_default_settings_mapping() -> None:
    assert DEFAULT_SETTINGS.to_mapping() == {
        "min_reviewers": 3,
        "consensus_share": 0.6,
        "prior_votes": 1.0,
        "source_weight": 1.0,
        "min_sources_to_verify": 1,
        "verify_min_confidence": 0.6,
    }
    assert StatusSettings.from_mapping(DEFAULT_SETTINGS.to_mapping()) == DEFAULT_SETTINGS


def test_from_mapping_parses_clamps_and_ignores() -> None:
    parsed = StatusSettings.from_mapping(
        {
            "min_reviewers": "5",
            "consensus_share": 0.2,  # clamped up: a consensus must be a majority
            "prior_votes": float("nan"),  # ignored
            "source_weight": True,  # ignored: not a number
            "min_sources_to_verify": 2.5,  # ignored: not a whole number
            "verify_min_confidence": "7",  # clamped down
            "max_claims": 15,  # unknown: another feature's option
        }
    )
    assert parsed == StatusSettings(
        min_reviewers=5,
        consensus_share=0.51,
        prior_votes=1.0,
        source_weight=1.0,
        min_sources_to_verify=1,
        verify_min_confidence=0.99,
    )
    assert StatusSettings.from_mapping({"min_reviewers": 10**400}).min_reviewers == 50
    assert StatusSettings.from_mapping({"min_sources_to_verify": 0}).min_sources_to_verify == 1
    assert StatusSettings.from_mapping({"min_reviewers": 4.0}).min_reviewers == 4
    assert StatusSettings.from_mapping({"source_weight": "1e400"}).source_weight == 1.0


def test_documented_ranges_are_the_model_ranges() -> None:
    documented = {
        row[0].strip("`"): tuple(float(bound) for bound in row[2].split("–"))
        for row in doc_table("## Defaults", "`")
    }
    assert documented == THRESHOLD_RANGES
    assert THRESHOLD_RANGES["consensus_share"] == (0.51, 1.0)
    assert THRESHOLD_RANGES["verify_min_confidence"] == (0.0, 0.99)


def test_thresholds_command_offers_exactly_the_model_ranges() -> None:
    """`/claimbot thresholds` takes its bounds from the model, not from a second copy."""
    from cogs.server import ServerCog

    offered = {
        parameter.name: (parameter.min_value, parameter.max_value)
        for parameter in ServerCog.thresholds.parameters
        if parameter.name != "reset"
    }
    assert offered == {
        "quorum": MIN_REVIEWERS_RANGE,
        "consensus": CONSENSUS_PERCENT_RANGE,
        "sources": MIN_SOURCES_TO_VERIFY_RANGE,
        "verify_confidence": VERIFY_CONFIDENCE_PERCENT_RANGE,
    }
    assert offered["quorum"] == THRESHOLD_RANGES["min_reviewers"]
    assert offered["sources"] == THRESHOLD_RANGES["min_sources_to_verify"]
    for name, setting in (
        ("consensus", "consensus_share"),
        ("verify_confidence", "verify_min_confidence"),
    ):
        low, high = offered[name]
        assert low is not None and high is not None
        assert (low / 100, high / 100) == THRESHOLD_RANGES[setting]


def test_direct_construction_validates() -> None:
    with pytest.raises(ValueError):
        StatusSettings(min_reviewers=0)
    with pytest.raises(ValueError):
        StatusSettings(consensus_share=0.5)
    with pytest.raises(TypeError):
        StatusSettings(min_reviewers=3.0)  # type: ignore[arg-type]


def test_settings_change_outcomes() -> None:
    strict = StatusSettings(min_reviewers=5, min_sources_to_verify=2)
    assert compute_status(tally(supported=3), [SUP], settings=strict).status == "needs_review"
    assert compute_status(tally(supported=5), [SUP], settings=strict).status == "likely_true"
    assert compute_status(tally(supported=5), [SUP, SUP], settings=strict).status == (
        "verified_true"
    )


# ---------------------------------------------------------------- vocabulary and export


def test_every_status_has_label_colour_and_emoji() -> None:
    assert set(STATUS_LABELS) == set(STATUS_COLOURS) == set(STATUS_EMOJI) == set(STATUSES)
    assert all(0 <= colour <= 0xFFFFFF for colour in STATUS_COLOURS.values())
    assert set(FINAL_VERDICTS) <= set(CLAIMREVIEW_RATINGS)


@pytest.mark.parametrize(
    "module",
    [
        "bot/core/vocabulary.py",
        "bot/core/charts.py",
        "bot/core/exports.py",
        "bot/app/autocomplete.py",
    ],
)
def test_modules_that_only_name_statuses_do_not_import_the_model(module: str) -> None:
    tree = ast.parse((Path(__file__).parent.parent / module).read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module is not None
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert "bot.core.status" not in imported


def test_claimreview_ratings() -> None:
    assert claimreview_rating("verified_true") == {
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "True",
    }
    assert claimreview_rating("verified_false") == {
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    got = {
        s: (r["ratingValue"], r["alternateName"]) for s in STATUSES if (r := claimreview_rating(s))
    }
    assert got == {
        "verified_true": (5, "True"),
        "likely_true": (4, "Likely true"),
        "disputed": (3, "Disputed"),
        "unverifiable": (3, "Unverifiable"),
        "misleading": (2, "Misleading"),
        "likely_false": (2, "Likely false"),
        "verified_false": (1, "False"),
    }
    assert claimreview_rating("unreviewed") is None
    assert claimreview_rating("needs_review") is None
    assert claimreview_rating("nonsense") is None


# ---------------------------------------------------------------- properties

vote_or_none = st.sampled_from((*VOTES, None))
vote_events = st.builds(
    VoteEvent,
    event_id=st.integers(0, 40),
    reviewer_id=st.integers(0, 7),
    vote=vote_or_none,
    at=st.integers(0, 20).map(float),
)
vote_logs = st.lists(vote_events, max_size=25)
evidence_lists = st.lists(
    st.builds(
        EvidenceItem,
        stance=st.sampled_from(("supports", "refutes", "context")),
        reachable=st.booleans(),
        added_by=st.none() | st.integers(0, 7),
    ),
    max_size=8,
)
moderation_events = st.one_of(
    st.builds(
        ModerationEvent,
        event_id=st.integers(0, 10),
        action=st.just("resolve"),
        status=st.sampled_from(FINAL_VERDICTS),
        note=st.none() | st.text(max_size=300),
        actor_id=st.integers(0, 3),
        at=st.integers(0, 20).map(float),
    ),
    st.builds(
        ModerationEvent,
        event_id=st.integers(0, 10),
        action=st.just("reopen"),
        status=st.none(),
        note=st.none(),
        actor_id=st.integers(0, 3),
        at=st.integers(0, 20).map(float),
    ),
)
moderation_logs = st.lists(moderation_events, max_size=4)
status_settings = st.builds(
    StatusSettings,
    min_reviewers=st.integers(1, 6),
    consensus_share=st.floats(0.51, 1.0),
    prior_votes=st.floats(0.1, 10.0),
    source_weight=st.floats(0.0, 5.0),
    min_sources_to_verify=st.integers(1, 4),
    verify_min_confidence=st.floats(0.0, 0.99),
)
vote_maps = st.dictionaries(st.integers(0, 30), st.sampled_from(VOTES), max_size=15)


@pytest.mark.slow
@given(vote_logs, evidence_lists, moderation_logs, status_settings, st.data())
def test_event_order_is_irrelevant(
    log: list[VoteEvent],
    evidence: list[EvidenceItem],
    moderation: list[ModerationEvent],
    config: StatusSettings,
    data: st.DataObject,
) -> None:
    expected = status_from_events(log, evidence, moderation, config)
    shuffled_votes = data.draw(st.permutations(log))
    shuffled_moderation = data.draw(st.permutations(moderation))
    assert status_from_events(shuffled_votes, evidence, shuffled_moderation, config) == expected


@given(vote_logs.filter(bool), moderation_logs, st.data())
def test_duplicate_event_changes_nothing(
    log: list[VoteEvent], moderation: list[ModerationEvent], data: st.DataObject
) -> None:
    expected = status_from_events(log, [], moderation, DEFAULT_SETTINGS)
    repeated = data.draw(st.sampled_from(log))
    position = data.draw(st.integers(0, len(log)))
    doubled = [*log[:position], repeated, *log[position:]]
    extra_moderation = moderation + moderation[:1]
    assert status_from_events(doubled, [], extra_moderation, DEFAULT_SETTINGS) == expected


@given(vote_maps, evidence_lists, status_settings)
def test_extra_supporting_vote_never_weakens_support(
    before_votes: dict[int, Vote], evidence: list[EvidenceItem], config: StatusSettings
) -> None:
    after_votes = {**before_votes, 1000: "supported"}
    before = compute_status(before_votes, evidence, settings=config)
    after = compute_status(after_votes, evidence, settings=config)
    assert after.counts["supported"] == before.counts["supported"] + 1
    assert (
        vote_confidences(after.counts, after.evidence_counts, config)["supported"]
        >= (vote_confidences(before.counts, before.evidence_counts, config)["supported"])
    )
    if before.status in ("likely_true", "verified_true"):
        assert after.status in ("likely_true", "verified_true")
        assert after.confidence >= before.confidence
        if before.status == "verified_true":
            assert after.status == "verified_true"


@pytest.mark.slow
@given(vote_logs, evidence_lists, moderation_logs, status_settings, vote_or_none)
def test_vote_then_retraction_restores_previous_state(
    log: list[VoteEvent],
    evidence: list[EvidenceItem],
    moderation: list[ModerationEvent],
    config: StatusSettings,
    vote: Vote | None,
) -> None:
    before = status_from_events(log, evidence, moderation, config)
    newcomer = 10_000
    log = [
        *log,
        VoteEvent(500, newcomer, vote, 30.0),
        VoteEvent(501, newcomer, None, 31.0),
    ]
    assert status_from_events(log, evidence, moderation, config) == before


@pytest.mark.slow
@given(vote_maps, evidence_lists, st.none() | st.sampled_from(FINAL_VERDICTS), status_settings)
@hyp_settings(max_examples=200)
def test_result_is_always_well_formed(
    vote_map: dict[int, Vote],
    evidence: list[EvidenceItem],
    resolved: str | None,
    config: StatusSettings,
) -> None:
    resolution = Resolution(resolved, note="checked") if resolved else None
    result = compute_status(vote_map, evidence, resolution, config)
    assert result.status in STATUSES
    assert result.rule in DOCUMENTED_RULES
    assert result.status in RULE_STATUSES[result.rule]
    assert 0.0 <= result.confidence <= 1.0
    assert result.final is (resolution is not None) is (result.rule == "moderator_resolution")
    assert sum(result.counts.values()) == len(vote_map)
    assert sum(result.evidence_counts.values()) == len(evidence)
    assert "\n" not in result.explanation
    assert 0 < len(result.explanation) <= MAX_EXPLANATION_CHARS
    assert result.explanation.startswith(
        "Resolved by a moderator" if resolution else STATUS_LABELS[result.status]
    )
    if not vote_map and resolution is None:
        assert result.status == "unreviewed"
    if result.status in ("unreviewed", "needs_review"):
        assert result.confidence <= 0.5


@given(
    st.dictionaries(
        st.sampled_from([f.name for f in dataclasses.fields(StatusSettings)] + ["other"]),
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=8)
        | st.lists(st.integers(), max_size=2),
    )
)
def test_from_mapping_never_raises_and_round_trips(raw: dict[str, object]) -> None:
    parsed = StatusSettings.from_mapping(raw)
    assert StatusSettings.from_mapping(parsed.to_mapping()) == parsed


def test_below_quorum_confidence_never_passes_even_odds() -> None:
    # Found by hypothesis: with a tiny prior, 2 agreeing reviewers scored 0.5667.
    tiny_prior = StatusSettings(min_reviewers=3, prior_votes=0.125)
    result = compute_status({1: "supported", 2: "supported"}, [], None, tiny_prior)
    assert (result.status, result.confidence) == ("needs_review", 0.5)
    default = compute_status({1: "supported", 2: "supported"}, [], None, DEFAULT_SETTINGS)
    assert (default.status, default.confidence) == ("needs_review", 0.3333)
