"""The words of the status model: votes, stances, statuses, verdicts and how each is shown.

Kept apart from the model (bot/core/status.py) so that rendering, charts, exports and
autocomplete can name a status without importing the scoring code, and so a change of
label or colour can never change a decision. The README's glossary defines each word.
"""

from __future__ import annotations

from typing import Literal, get_args

# A reviewer's choice on a claim (one current vote per reviewer; a reaction sets it).
Vote = Literal["supported", "refuted", "unverifiable", "misleading"]
VOTES: tuple[Vote, ...] = get_args(Vote)

# A source's relation to a claim.
Stance = Literal["supports", "refutes", "context"]
STANCES: tuple[Stance, ...] = get_args(Stance)

# What votes and sources add up to.
Status = Literal[
    "unreviewed",
    "needs_review",
    "likely_true",
    "likely_false",
    "disputed",
    "unverifiable",
    "misleading",
    "verified_true",
    "verified_false",
]
STATUSES: tuple[Status, ...] = get_args(Status)
# "No verdict yet": a claim with one of these waits for a verdict (a moderator resolution
# always gives one). Verdict notices, the digest, stale claims and `/claim stats` agree on it.
AWAITING_VERDICT: tuple[Status, ...] = ("unreviewed", "needs_review")
# A verdict is a status that states a conclusion: every other status, `likely_*` included
# (a likely verdict says "not yet verified", but it is the team's conclusion so far).
VERDICT_STATUSES: tuple[Status, ...] = tuple(s for s in STATUSES if s not in AWAITING_VERDICT)

# A final verdict is a moderator's `/claim resolve`: votes no longer move it. It cannot be
# "likely" (a moderator who settles a claim says what it is, not what it probably is), nor
# "no verdict yet". `disputed` can: some claims are genuinely contested and a moderator may
# close the vote.
FINAL_VERDICTS: tuple[Status, ...] = (
    "verified_true",
    "verified_false",
    "misleading",
    "unverifiable",
    "disputed",
)

STATUS_LABELS: dict[str, str] = {
    "unreviewed": "Unreviewed",
    "needs_review": "Needs review",
    "likely_true": "Likely true",
    "likely_false": "Likely false",
    "disputed": "Disputed",
    "unverifiable": "Unverifiable",
    "misleading": "Misleading",
    "verified_true": "Verified true",
    "verified_false": "Verified false",
}

# Embed colours (0xRRGGBB). Greens for the true side, reds for the false side, the verified
# shade darker than the likely one; emoji carry the same meaning for colour-blind readers.
STATUS_COLOURS: dict[str, int] = {
    "unreviewed": 0x99AAB5,
    "needs_review": 0xFEE75C,
    "likely_true": 0x57F287,
    "likely_false": 0xF47B67,
    "disputed": 0x9B59B6,
    "unverifiable": 0x607D8B,
    "misleading": 0xE67E22,
    "verified_true": 0x1F8B4C,
    "verified_false": 0xED4245,
}

STATUS_EMOJI: dict[str, str] = {
    "unreviewed": "⚪",
    "needs_review": "🟡",
    "likely_true": "🟢",
    "likely_false": "🔴",
    "disputed": "⚖️",
    "unverifiable": "❔",
    "misleading": "⚠️",
    "verified_true": "✅",
    "verified_false": "❌",
}

# ClaimReview reviewRating on Google's fact-check scale (1 False, 2 Mostly false, 3 Half
# true, 4 Mostly true, 5 True). ratingValue only places the status on that scale;
# alternateName (what Fact Check Explorer shows as the textual rating) states what we
# actually concluded, so "likely" statuses say "Likely ..." and never "Mostly ...".
CLAIMREVIEW_RATINGS: dict[str, tuple[int, str]] = {
    "verified_true": (5, "True"),
    "likely_true": (4, "Likely true"),
    "disputed": (3, "Disputed"),
    "unverifiable": (3, "Unverifiable"),
    "misleading": (2, "Misleading"),
    "likely_false": (2, "Likely false"),
    "verified_false": (1, "False"),
}


def claimreview_rating(status: str) -> dict[str, int | str] | None:
    """schema.org Rating for a ClaimReview export; None while the claim has no verdict."""
    rating = CLAIMREVIEW_RATINGS.get(status)
    if rating is None:
        return None
    value, name = rating
    return {"ratingValue": value, "bestRating": 5, "worstRating": 1, "alternateName": name}
