"""An HTML page parsed once into a bounded lxml tree, and trimmed before extraction.

A hostile page must not buy unbounded CPU or memory: the parser is fed in pieces and stops at
an element cap, crowded tags lose their extra attributes first (libxml2 is quadratic in
them), and the tree is cut after a number of characters or elements. lxml is imported on
first use, so commands that never see HTML never load it.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from bot.documents.budget import check_time

# Elements parsed: trafilatura costs about 0.1 ms per element, and the kept text is capped
# far lower anyway.
MAX_PARSED_ELEMENTS = 30_000
# libxml2 compares each attribute name with every earlier one in the same tag (quadratic):
# a tag keeps this many, far more than any real page uses.
_MAX_ATTRIBUTES_PER_TAG = 256
# The HTML is fed to the parser in pieces so that it can stop at the element cap.
_FEED_CHUNK_CHARS = 16_384


def _lxml_html() -> Any:
    """lxml.html, imported on first use (and typed loosely: lxml ships no stubs here)."""
    return importlib.import_module("lxml.html")


# A tag's attributes as the HTML5 tokenizer (libxml2 >= 2.14) reads them: a name is anything
# up to whitespace, `/`, `>` or `=`; a value is quoted (and may hold `<` and `>`) or runs to
# whitespace or `>`. Every quantifier is possessive, so nothing is scanned twice.
_ATTRIBUTE = r"""[\s/]*+[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
_START_TAG_RE = re.compile("<[A-Za-z]")
# Elements whose content the parser reads as text up to their end tag.
_RAW_TEXT_ELEMENTS = (
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
)


def _any_case(name: str) -> str:
    """`name` in any letter case, without re.IGNORECASE (which slows every other branch)."""
    return "".join(f"[{ch}{ch.upper()}]" for ch in name)


# Everything up to the next start tag with too many attributes, tokenized as the parser does:
# text, comments, other markup declarations, end tags, raw-text elements (whose content is
# not markup) and start tags with few attributes. Matched from a given position only, so the
# whole page is read once however it is built.
_RAW_TEXT_NAME = "|".join(_any_case(name) for name in (*_RAW_TEXT_ELEMENTS, "plaintext"))
_ORDINARY_MARKUP_RE = re.compile(
    r"(?:[^<]++"
    rf"|<(?!(?:{_RAW_TEXT_NAME})(?![^\s/>]))[A-Za-z][^\s/>]*+"
    rf"(?:{_ATTRIBUTE}){{0,{_MAX_ATTRIBUTES_PER_TAG}}}+[\s/]*+(?:>|\Z)"
    rf"|</[A-Za-z][^\s/>]*+(?:{_ATTRIBUTE})*+[\s/]*+(?:>|\Z)"
    r"|<!--(?:>|->|(?:[^-]++|-(?!-!?>))*+(?:--!?>|\Z))"
    r"|<[!?][^>]*+>?"
    r"|</[^>]*+>?"
    r"|<(?=[^A-Za-z!?/])|<\Z"
    + "".join(
        rf"|<{_any_case(name)}(?![^\s/>])"
        rf"(?:{_ATTRIBUTE}){{0,{_MAX_ATTRIBUTES_PER_TAG}}}+[\s/]*+(?:>|\Z)"
        rf"(?:[^<]++|<(?!/{_any_case(name)}(?![^\s/>])))*+"
        for name in _RAW_TEXT_ELEMENTS
    )
    + rf"|<{_any_case('plaintext')}(?![^\s/>])[\s\S]*+"
    r")*+"
)
_CROWDED_TAG_RE = re.compile(
    rf"(<([A-Za-z][^\s/>]*+)(?:{_ATTRIBUTE}){{{_MAX_ATTRIBUTES_PER_TAG}}}+)(?:{_ATTRIBUTE})*+"
)
_RAW_TEXT_END_RE = {
    name: re.compile(rf"</{name}(?![^\s/>])", re.IGNORECASE) for name in _RAW_TEXT_ELEMENTS
}


def cap_attributes(html: str) -> str:
    """The page with every start tag cut to its first _MAX_ATTRIBUTES_PER_TAG attributes.

    libxml2 checks each new attribute name against all earlier ones of the tag, so 40,000
    attributes on one element took 20 s of parsing; this pass is linear.
    """
    pieces: list[str] = []
    position = 0
    while True:
        ordinary = _ORDINARY_MARKUP_RE.match(html, position)
        end = ordinary.end() if ordinary else position
        if end >= len(html):
            break
        crowded = _CROWDED_TAG_RE.match(html, end)
        if crowded is None:  # not expected: the tokenizer above reads any text
            end += 1
            pieces.append(html[position:end])
            position = end
            continue
        pieces.append(html[position : crowded.end(1)])
        position = crowded.end()
        name = crowded.group(2).lower()
        if name == "plaintext":
            break
        if name in _RAW_TEXT_END_RE:  # its content is text up to its end tag, as for the parser
            closing = _RAW_TEXT_END_RE[name].search(html, position)
            end = closing.start() if closing else len(html)
            pieces.append(html[position:end])
            position = end
        check_time()
    if not pieces:
        return html
    pieces.append(html[position:])
    return "".join(pieces)


def parse_html(html: str, max_elements: int) -> tuple[Any, bool] | None:
    """The page as an lxml document of about `max_elements` elements at most (one fed piece
    more), and whether some were left out; None when there is nothing to parse.

    The parser is fed in pieces and stops once the cap is passed, so a page of a million
    elements costs the time and memory of the cap, and the page is parsed only once.
    """
    if not html.strip():
        return None
    html = cap_attributes(html)
    lxml_html = _lxml_html()
    etree = importlib.import_module("lxml.etree")
    parser = etree.HTMLParser(
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        no_network=True,
    )
    parser.set_element_class_lookup(lxml_html.HtmlElementClassLookup())
    start_tags = 0  # at least as many as the elements built so far
    cut = False
    for offset in range(0, len(html), _FEED_CHUNK_CHARS):
        check_time()
        piece = html[offset : offset + _FEED_CHUNK_CHARS]
        parser.feed(piece.encode("utf-8", "replace"))
        start_tags += len(_START_TAG_RE.findall(piece))
        if start_tags > max_elements:
            cut = offset + _FEED_CHUNK_CHARS < len(html)
            break
    try:
        root = parser.close()
    except Exception:  # lxml raises XMLSyntaxError on documents with no elements
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root, cut


def trim(tree: Any, max_chars: int, max_elements: int) -> bool:
    """Cut the document after about `max_chars` of text or `max_elements` elements.

    Extraction cost grows with the tree (and trafilatura's fallbacks are quadratic in the
    number of paragraphs), so a hostile or giant page must not buy unbounded CPU; the kept
    text is capped far lower anyway.
    """
    # Counting and finding in XPath (C) spares walking every element in Python.
    if tree.xpath("string-length(string(/))") <= max_chars:
        if tree.xpath("count(//*)") <= max_elements:
            return False
        _cut_after(tree.xpath(f"(//*)[{max_elements}]")[0])
        return True
    seen = 0
    for count, element in enumerate(tree.iter(), start=1):
        before = seen
        seen += len(element.text or "") + len(element.tail or "")
        if seen <= max_chars and count <= max_elements:
            continue
        if element.text and seen > max_chars:  # one huge text node is cut too
            element.text = element.text[: max(0, max_chars - before)]
        _cut_after(element)
        return True
    return False


def _cut_after(element: Any) -> None:
    """Remove everything after `element` in document order (its children included)."""
    del element[:]
    element.tail = None
    node = element
    while (parent := node.getparent()) is not None:
        del parent[parent.index(node) + 1 :]
        node = parent
