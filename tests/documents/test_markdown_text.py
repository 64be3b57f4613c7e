"""bot.documents.markdown_text: Markdown to plain text, in linear time on hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.markdown_text import markdown_to_text
from bot.documents.reader import load_text

# -- Markdown ------------------------------------------------------------------------------------

MARKDOWN = """\
---
title: front matter is dropped
---
# The *Seawall* Vote #

Some **bold**, __strong__, _em_, *em* and ***both*** with a [link](https://x.test/a_(b) "t").
An image ![alt text](pic.png) disappears, `co*de*` stays literal, ~~gone~~ strikes.
A [reference][ref] link, an <https://auto.example/x> autolink, \\*escaped\\* stars, AT&amp;T.

> Quoted claim
> > nested quote

1. first item
2) second item
- [x] done task
* star item
+ plus item

Setext Heading
--------------

<!-- a comment
over two lines -->
| City | Votes |
|------|------:|
| Pellham | 11 |

***

snake_case_name and 2 * 3 * 4 stay as they are.
```python
x = 1  # *not emphasis*
```
[ref]: https://example.com/ref
"""


def test_markdown_to_text() -> None:
    assert [line for line in markdown_to_text(MARKDOWN).split("\n") if line] == [
        "The Seawall Vote",
        "Some bold, strong, em, em and both with a link.",
        "An image  disappears, co*de* stays literal, gone strikes.",
        "A reference link, an https://auto.example/x autolink, *escaped* stars, AT&T.",
        "Quoted claim",
        "nested quote",
        "first item",
        "second item",
        "done task",
        "star item",
        "plus item",
        "Setext Heading",
        "City | Votes",
        "Pellham | 11",
        "snake_case_name and 2 * 3 * 4 stay as they are.",
        "x = 1  # *not emphasis*",
    ]


def test_markdown_keeps_blank_line_structure() -> None:
    assert markdown_to_text("# A\n\npara one\n\n## B\npara two") == "A\n\npara one\n\nB\npara two"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_property_markdown_never_raises_and_keeps_line_count_bounded(md: str) -> None:
    out = markdown_to_text(md)
    assert isinstance(out, str)
    assert out.count("\n") <= md.count("\n") + md.count("\r") + md.count("\u2028") + md.count(
        "\u2029"
    ) + md.count("\x0b") + md.count("\x0c") + md.count("\x85")


# -- hostile documents: every formerly slow input, at a size where the old code took seconds ---


def test_markdown_unclosed_autolinks_are_read_in_linear_time() -> None:
    # Each `<http:` was scanned to the end of the line: 18 s for these 96 KB.
    raw = "<http:" * 16_000
    assert load_text(raw.encode(), filename="a.md").text == raw


def test_markdown_autolinks_still_lose_their_brackets() -> None:
    assert markdown_to_text("see <https://a.example/x> and <http:<https://b.example>") == (
        "see https://a.example/x and <http:https://b.example"
    )


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (" " * 32_000 + "x", "x"),  # 26 s before
        ("|---" + " " * 32_000 + "x", "|--- x"),  # 12 s before
        ("| --- |" + " " * 32_000 + "x", "| --- | x"),
    ],
)
def test_markdown_table_rule_pattern_is_linear(line: str, text: str) -> None:
    assert load_text(line, filename="a.md").text == text


def test_markdown_table_rules_are_still_dropped() -> None:
    md = "| a | b |\n|:---|---:|\n  |---| \n---|---\n| c | d |"
    assert markdown_to_text(md) == "a | b\nc | d"


def test_markdown_of_many_short_lines() -> None:
    # 100,000 lines took 4.4 s: every line went through every pattern.
    assert load_text("a\n" * 100_000, filename="a.md").text == "\n".join(["a"] * 100_000)


def test_markdown_fences_close_only_on_a_long_enough_fence_of_the_same_mark() -> None:
    md = "````\n```\n~~~~\n    ````\n  `````  \nafter *em*"
    assert markdown_to_text(md) == "```\n~~~~\n    ````\n\nafter em"
