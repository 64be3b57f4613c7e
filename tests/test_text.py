"""The shared text rules: one clip and one Jaccard for every layer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import clip, clip_line, jaccard


def test_clip_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert clip("short", 5) == "short"
    assert clip("one two three", 8) == "one two…"
    assert clip("a\nb", 10) == "a\nb"


def test_clip_line_puts_the_text_on_one_line_first() -> None:
    assert clip_line("  Resolved:\n\tthe  source\nwas wrong ", 100) == (
        "Resolved: the source was wrong"
    )
    assert clip_line("one\ntwo three", 8) == "one two…"


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_clip_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(clip(text, limit)) <= limit
    assert len(clip_line(text, limit)) <= limit


def test_jaccard_of_two_empty_sets_is_zero() -> None:
    """Sharing no words is no sign of a duplicate: the extractor keeps both empty claims."""
    assert jaccard(frozenset(), frozenset()) == 0.0
    assert jaccard(frozenset({"a"}), frozenset()) == 0.0
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == 1 / 3
    assert jaccard(frozenset({"a"}), frozenset({"a"})) == 1.0
