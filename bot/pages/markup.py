"""The few rules that keep member text inert in a page, a feed or a JSON-LD block.

Every string that came from a member (a claim, a speaker, a title, a URL) reaches the page
through `text` or `attr` (html.escape, quotes included), inside an element that isolates its
direction (`<bdi>`, `dir="auto"`), so a right-to-left override in a claim cannot turn the rest
of the page around. A link is made only of an http(s) URL (`href`). JSON-LD goes into its
`<script>` through `json_for_script`, which leaves no `<`, `>` or `&` for the HTML parser to
see and no U+2028/U+2029 for an old JavaScript reader to choke on.
"""

from __future__ import annotations

import html
import json
import re
from typing import Final

from bot.core.urls import is_http_url

# Characters XML 1.0 forbids (C0 controls but tab, newline, carriage return; lone
# surrogates; U+FFFE/U+FFFF): one of them in a claim would make the whole feed unreadable.
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCRIPT_SAFE: Final = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def text(value: str) -> str:
    """Member text as HTML or XML character data."""
    return html.escape(_NOT_XML.sub("\ufffd", value), quote=True)


def attr(value: str) -> str:
    """Member text as a double-quoted attribute value."""
    return text(value)


def href(url: str | None) -> str | None:
    """An escaped http(s) URL for `href`, or None for anything else (javascript:, data:,
    a relative path), which is then shown as text, never as a link."""
    if url is None or not is_http_url(url):
        return None
    return attr(url)


def json_for_script(value: object) -> str:
    """JSON that is still the same JSON, and holds nothing that ends a `<script>` element
    (`</script>`, `<!--`) or a JavaScript string (U+2028, U+2029)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_SAFE)
