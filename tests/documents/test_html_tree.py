"""bot.documents.html_tree: crowded tags capped in linear time, huge text cut before extraction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.documents.html_tree import cap_attributes, parse_html, trim


def test_crowded_tags_keep_their_first_256_attributes() -> None:
    def names(count: int, sep: str = " ") -> str:
        return sep.join(f"a{i}" for i in range(count))

    assert cap_attributes(f"<p {names(300)}>x</p>") == f"<p {names(256)}>x</p>"
    assert cap_attributes(f"<p/{names(300, '/')}>x") == f"<p/{names(256, '/')}>x"
    quoted = " ".join(f"a{i}='<>'" for i in range(300))
    assert (
        cap_attributes(f"<P {quoted}>x")
        == "<P " + " ".join(f"a{i}='<>'" for i in range(256)) + ">x"
    )
    # A raw-text element's content is text to the parser: a tag inside a quote there is
    # still a tag once the element ends.
    html = f"<script {names(300)}>a<b y='</script><p {names(300)}>z"
    assert cap_attributes(html) == f"<script {names(256)}>a<b y='</script><p {names(256)}>z"
    assert cap_attributes(f"<b x='<p {names(300)}>'>") == f"<b x='<p {names(300)}>'>"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="<>/=\"' \nabp!-?", max_size=400))
def test_property_pages_without_crowded_tags_are_left_alone(html: str) -> None:
    assert cap_attributes(html) == html


def test_one_huge_text_node_is_cut_before_extraction() -> None:
    parsed = parse_html("<p>" + "word " * 200_000 + "</p><p>after</p>", 100)
    assert parsed is not None
    tree, cut = parsed
    assert cut is False
    assert trim(tree, 1_000, 100) is True
    assert tree.xpath("string(/)") == ("word " * 200)
