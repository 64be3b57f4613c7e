"""The main article text of a page: page chrome pruned, then trafilatura (or a plain fallback).

Navigation, cookie banners, captions, scripts and forms go; a class or id that looks like
chrome never removes anything holding the article. trafilatura is imported on first use.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.documents.budget import check_time
from bot.documents.document import (
    MAX_DOCUMENT_CHARS,
    MAX_RAW_TEXT_CHARS,
    Document,
    DocumentError,
)
from bot.documents.html_tree import MAX_PARSED_ELEMENTS, parse_html, trim
from bot.documents.normalise import cut_at_break, normalise
from bot.documents.page_metadata import metadata_from_tree

MAX_HTML_CHARS = 5_000_000
# Elements left for extraction once the page chrome is pruned.
_MAX_HTML_ELEMENTS = 5_000
# Above this many elements trafilatura runs without its readability/jusText fallbacks, whose
# cost is quadratic in the number of paragraphs.
_FULL_EXTRACTION_MAX_ELEMENTS = 1_500

_BOILERPLATE_WORDS = (
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "related",
    "share",
    "social",
    "advert",
    "promo",
    "breadcrumb",
    "subscribe",
    "sidebar",
)
_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "nav",
    "aside",
    "footer",
    "form",
    "button",
    "select",
    "figure",
    "figcaption",
    "picture",
    "video",
    "audio",
    "dialog",
)
_CHROME_ROLES = (
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "alertdialog",
    "search",
)
# Found with tree.iter(*tags), in C: an XPath union or predicate over every element took
# 0.3-0.5 s on a tree of 30,000 elements.
_CHROME_ATTRIBUTES_XPATH = "//*[@hidden or @aria-hidden or @role]"
_NEVER_PRUNED = frozenset({"html", "body", "main", "article"})
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "br",
    ]
)


def _prune(tree: Any) -> None:
    """Drop page chrome; a class/id match never removes anything holding the article."""
    doomed = [
        element
        for element in tree.iter(*_CHROME_TAGS, "header")
        if element.tag != "header"
        or not any(ancestor.tag in ("article", "main") for ancestor in element.iterancestors())
    ]
    doomed += [
        element
        for element in tree.xpath(_CHROME_ATTRIBUTES_XPATH)
        if element.get("hidden") is not None
        or element.get("aria-hidden") == "true"
        or element.get("role") in _CHROME_ROLES
    ]
    holds_article = {
        ancestor
        for found in tree.iter("article", "main", "h1")
        for ancestor in found.iterancestors()
    }
    for element in tree.xpath("//*[@class or @id]"):
        if element.tag in _NEVER_PRUNED:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if (
            marker != " "
            and any(word in marker for word in _BOILERPLATE_WORDS)
            and element not in holds_article
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _simple_text(tree: Any) -> str:
    """Fallback when trafilatura finds nothing: visible body text, one line per block."""
    body = tree.find("body")
    if body is None:
        body = tree
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    return str(body.text_content())


def _main_text(tree: Any, url: str | None) -> str:
    import trafilatura

    large = tree.xpath("count(//*)") > _FULL_EXTRACTION_MAX_ELEMENTS
    try:
        extracted = trafilatura.extract(
            copy.deepcopy(tree),
            url=url,
            fast=large,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # trafilatura failing on odd markup must not lose the page
        extracted = None
    if extracted and str(extracted).strip():
        return str(extracted)
    return _simple_text(tree)


def html_to_document(html: str, url: str | None = None) -> Document:
    """The main article text of a page (no chrome), one paragraph or heading per line."""
    truncated = len(html) > MAX_HTML_CHARS
    html = html[:MAX_HTML_CHARS]
    # First bound what parsing builds and pruning walks, then what extraction sees (chrome
    # no longer counts). The one tree serves the metadata and the text.
    parsed = parse_html(html, MAX_PARSED_ELEMENTS)
    if parsed is None:
        raise DocumentError("That page has no readable article text.")
    tree, trimmed = parsed
    meta = metadata_from_tree(tree, url)
    check_time()
    _prune(tree)
    check_time()
    trimmed = trim(tree, MAX_RAW_TEXT_CHARS, _MAX_HTML_ELEMENTS) or trimmed
    check_time()
    main_text = _main_text(tree, url)
    check_time()
    text, cut = cut_at_break(normalise(main_text), MAX_DOCUMENT_CHARS)
    if not text:
        raise DocumentError("That page has no readable article text.")
    return Document(
        text=text,
        title=meta.title,
        kind="html",
        url=url,
        site_name=meta.site_name,
        truncated=truncated or trimmed or cut,
    )
