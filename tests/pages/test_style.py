"""The stylesheet: the embeds' status colours, readable text on each, and no remote asset."""

from __future__ import annotations

import pytest

from bot.core.vocabulary import STATUS_COLOURS, STATUSES
from bot.pages.style import contrast, stylesheet, text_colour_on


@pytest.mark.parametrize("status", STATUSES)
def test_each_status_has_the_embeds_colour_and_readable_text(status: str) -> None:
    colour = STATUS_COLOURS[status]
    ink = text_colour_on(colour)
    assert f".status-{status} {{ background: #{colour:06x}; color: #{ink:06x}; }}" in stylesheet()
    assert contrast(ink, colour) >= 4.5  # WCAG AA for normal text


def test_votes_take_the_colour_of_the_status_they_argue_for() -> None:
    css = stylesheet()
    assert f".vote-supported {{ fill: #{STATUS_COLOURS['verified_true']:06x}; }}" in css
    assert f".vote-refuted {{ fill: #{STATUS_COLOURS['verified_false']:06x}; }}" in css


def test_the_stylesheet_shows_keyboard_focus_and_loads_nothing() -> None:
    css = stylesheet()
    assert ":focus-visible { outline: 3px solid" in css
    assert "url(" not in css and "@import" not in css


def test_contrast_is_wcags() -> None:
    assert contrast(0x000000, 0xFFFFFF) == pytest.approx(21.0)
    assert contrast(0x777777, 0x777777) == pytest.approx(1.0)
