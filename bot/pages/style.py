"""The one stylesheet, served by `claimbot web` at `STYLE_PATH`: no build step, no inline
style (the pages' CSP allows styles from the site only).

Status colours are the embeds' (`STATUS_COLOURS`), and a vote's colour is the colour of the
status it argues for, so a page reads like the review message. Text on a colour is black or
white, whichever contrasts more (WCAG 2 relative luminance), so every badge passes AA.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from bot.core.vocabulary import STATUS_COLOURS, STATUSES, VOTES

# The status a vote argues for: its colour in the vote bar.
VOTE_COLOUR_OF: Final[dict[str, str]] = {
    "supported": "verified_true",
    "refuted": "verified_false",
    "unverifiable": "unverifiable",
    "misleading": "misleading",
}

_BASE: Final = """\
:root {
  color-scheme: light;
  --ink: #1b1d21; --muted: #4a4f57; --paper: #ffffff; --wash: #f3f4f6; --line: #d5d8dd;
  --link: #0b57b0; --focus: #c2410c;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
a { color: var(--link); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: var(--paper); padding: 0.5rem 1rem; z-index: 1; }
.site-header, .site-footer { background: var(--paper); border-bottom: 1px solid var(--line); }
.site-footer { border-top: 1px solid var(--line); border-bottom: 0; color: var(--muted);
  font-size: 0.875rem; margin-top: 2rem; }
.bar-inner { max-width: 46rem; margin: 0 auto; padding: 0.75rem 1rem; display: flex;
  flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: baseline; justify-content: space-between; }
.site-name { font-weight: 700; font-size: 1.125rem; color: var(--ink); text-decoration: none; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.125rem; margin: 1.5rem 0 0.5rem; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 0.5rem;
  padding: 1rem 1.25rem; margin: 0 0 1rem; }
.card > :first-child { margin-top: 0; }
.claim-text { font-size: 1.25rem; line-height: 1.45; margin: 0.25rem 0 0.75rem;
  overflow-wrap: anywhere; }
.claim-list { list-style: none; padding: 0; margin: 0; }
.claim-list .claim-text { font-size: 1.0625rem; margin: 0.25rem 0; }
.meta { color: var(--muted); font-size: 0.9375rem; margin: 0.25rem 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0.125rem 0.625rem; border-radius: 999px;
  font-weight: 700; font-size: 0.875rem; letter-spacing: 0.01em; }
.number { color: var(--muted); font-variant-numeric: tabular-nums; margin-left: 0.5rem; }
.explanation { margin: 0.5rem 0; }
.votes svg { display: block; width: 100%; height: 0.75rem; border-radius: 0.375rem;
  background: var(--wash); }
.legend { list-style: none; padding: 0; margin: 0.5rem 0 0; display: flex; flex-wrap: wrap;
  gap: 0.25rem 1rem; font-size: 0.9375rem; }
.legend li::before { content: ""; display: inline-block; width: 0.75rem; height: 0.75rem;
  border-radius: 2px; margin-right: 0.375rem; vertical-align: -0.05em; }
.sources { padding-left: 1.25rem; margin: 0; }
.sources li { margin: 0.5rem 0; overflow-wrap: anywhere; }
.stance { font-weight: 700; }
.archive { margin: 0.25rem 0 0; font-size: 0.875rem; color: var(--muted); }
.excerpt { margin: 0.375rem 0 0; padding: 0.25rem 0 0.25rem 0.75rem; font-size: 0.9375rem;
  border-left: 3px solid var(--wash); }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; margin: 0 0 1rem; }
.filters label { display: flex; flex-direction: column; font-size: 0.875rem; color: var(--muted);
  flex: 1 1 12rem; }
.filters input, .filters select, .filters button { font: inherit; padding: 0.5rem 0.625rem;
  border: 1px solid #767b84; border-radius: 0.375rem; background: var(--paper); color: var(--ink);
  min-height: 2.75rem; }
.filters button { background: var(--ink); color: var(--paper); border-color: var(--ink);
  cursor: pointer; flex: 0 0 auto; }
.pages { display: flex; justify-content: space-between; gap: 1rem; margin: 1rem 0; }
.pages a { padding: 0.5rem 0; }
.empty { color: var(--muted); }
@media (max-width: 30rem) {
  main { padding: 0.75rem; }
  .card { padding: 0.875rem 1rem; }
  h1 { font-size: 1.3rem; }
  .claim-text { font-size: 1.125rem; }
}
"""


def _luminance(colour: int) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: int, b: int) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour_on(background: int) -> int:
    """Black or white, whichever reads better on `background`."""
    return max((0x000000, 0xFFFFFF), key=lambda ink: contrast(ink, background))


@cache
def stylesheet() -> str:
    rules = [_BASE]
    for status in STATUSES:
        colour = STATUS_COLOURS[status]
        rules.append(
            f".status-{status} {{ background: #{colour:06x}; "
            f"color: #{text_colour_on(colour):06x}; }}\n"
        )
    for vote in VOTES:
        colour = STATUS_COLOURS[VOTE_COLOUR_OF[vote]]
        rules.append(f".vote-{vote} {{ fill: #{colour:06x}; }}\n")
        rules.append(f".legend .vote-{vote}::before {{ background: #{colour:06x}; }}\n")
    return "".join(rules)
