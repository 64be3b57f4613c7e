"""Markdown to plain text with the same line structure, and its title.

Not a full CommonMark parser: headings, list items and quotes lose their markers, links keep
their text, and everything else is what a reader sees. Every pattern is linear on hostile
input (possessive quantifiers, lookbehinds), and a pattern runs only on lines it may touch.
"""

from __future__ import annotations

import html as html_lib
import re

from bot.documents.budget import check_time
from bot.documents.normalise import LINE_BREAKS_RE, one_line

_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+) *$")
_THEMATIC_RE = re.compile(r"^ {0,3}(?:(?:\* *){3,}|(?:- *){3,}|(?:_ *){3,})$")
_REF_DEF_RE = re.compile(r"^ {0,3}\[[^\]]+\]: *\S+")
_BLOCKQUOTE_RE = re.compile(r"^ {0,3}(?:> ?)+")
_ATX_RE = re.compile(r"^ {0,3}#{1,6}(?: +(.*))?$")
_LIST_RE = re.compile(r"^ *(?:[-*+]|\d{1,9}[.)]) +(?:\[[ xX]\] +)?")
# Possessive everywhere: with plain ` *\|? *` a line of spaces splits two ways per space.
_TABLE_RULE_RE = re.compile(r"^ *+\|? *+:?-{3,}+:? *+(?:\| *+:?-{3,}+:? *+)*+\|? *+$")
_TITLE_ATX_RE = re.compile(r"^ {0,3}# +(.*)$")
_TITLE_SETEXT_RE = re.compile(r"^ {0,3}=+ *$")
# A line whose first non-space character is none of these is a paragraph line.
_BLOCK_MARKS = frozenset("`~=-*_[>#|+0123456789")
# ... and a line with none of these has no inline Markdown either (the last range: _PROTECT).
_INLINE_MARKS_RE = re.compile("[\\\\`!\\[\\]<*_~&\ue000-\ue0ff]")

_ESCAPABLE = "\\`*_{}[]()#+-.!|~<>&"
_PROTECT = {ch: chr(0xE000 + i) for i, ch in enumerate(_ESCAPABLE)}
_PROTECT_TABLE = str.maketrans(_PROTECT)
_RESTORE_TABLE = str.maketrans({v: k for k, v in _PROTECT.items()})
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>&])")
# Possessive `++` and the lookbehinds keep every pattern linear on hostile input.
_CODE_SPAN_RE = re.compile(r"(?<!`)(`++)([^`]+)\1(?!`)")
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?: +(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))? *\)"
_IMAGE_RE = re.compile(r"!\[[^\[\]]*\](?:" + _LINK_TARGET + r"|\[[^\[\]]*\])")
_LINK_RE = re.compile(r"\[([^\[\]]*)\]" + _LINK_TARGET)
_REF_LINK_RE = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
# No `<` inside (as CommonMark says): each attempt then stops at the next `<`, not at the end.
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^<>\s]++)>", re.IGNORECASE)
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>")
_STRONG_RE = re.compile(
    r"\*\*(?=\S)((?:[^*]|\*(?!\*))+?)(?<=\S)\*\*"
    r"|(?<!\w)__(?=\S)((?:[^_]|_(?!_))+?)(?<=\S)__(?!\w)"
)
_EM_RE = re.compile(
    r"(?<!\*)\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?!\*)"
    r"|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_STRIKE_RE = re.compile(r"~~(?=\S)((?:[^~]|~(?!~))+?)(?<=\S)~~")


def _inline(line: str) -> str:
    """Inline Markdown to its visible text; backslash escapes and code spans stay literal.

    Each pattern runs only when its leading character is on the line: most lines are plain
    prose, and a long document is many lines.
    """
    if "\\" in line:
        line = _ESCAPE_RE.sub(lambda m: _PROTECT[m.group(1)], line)
    if "`" in line:
        line = _CODE_SPAN_RE.sub(lambda m: m.group(2).strip().translate(_PROTECT_TABLE), line)
    if "![" in line:
        line = _IMAGE_RE.sub("", line)
    if "](" in line:
        line = _LINK_RE.sub(r"\1", line)
    if "][" in line:
        line = _REF_LINK_RE.sub(r"\1", line)
    if "<" in line:
        line = _AUTOLINK_RE.sub(r"\1", line)
        line = _HTML_TAG_RE.sub("", line)
    for _ in range(2):  # nested emphasis such as ***both***
        if "*" not in line and "_" not in line:
            break
        line = _STRONG_RE.sub(lambda m: m.group(1) or m.group(2), line)
        line = _EM_RE.sub(lambda m: m.group(1) or m.group(2), line)
    if "~~" in line:
        line = _STRIKE_RE.sub(r"\1", line)
    line = html_lib.unescape(line)
    return line.translate(_RESTORE_TABLE)


def markdown_to_text(md: str) -> str:
    """Markdown to plain text with the same line structure.

    Headings lose their `#`, list items and quotes lose their markers, links keep their text,
    images, HTML comments, reference definitions and rules disappear, fenced code keeps its
    content. Not a full CommonMark parser: good enough for claims, never raises.
    """
    md = LINE_BREAKS_RE.sub("\n", md)
    md = _HTML_COMMENT_RE.sub("", md)
    md = _FRONT_MATTER_RE.sub("", md)
    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(md.split("\n")):
        if number % 256 == 0:
            check_time()
        if fence is not None:
            if _closes_fence(line, fence):
                fence = None
                out.append("")
            else:
                out.append(line)
            continue
        if line.lstrip(" ")[:1] not in _BLOCK_MARKS:
            out.append(_inline(line) if _INLINE_MARKS_RE.search(line) else line)
            continue
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            continue
        # A Setext underline (the line above was a heading) or a rule: a line break remains.
        if _SETEXT_RE.match(line) or _THEMATIC_RE.match(line) or _REF_DEF_RE.match(line):
            out.append("")
            continue
        line = _BLOCKQUOTE_RE.sub("", line)
        heading = _ATX_RE.match(line)
        if heading:
            out.append(_inline(_heading_text(heading.group(1))))
            continue
        if _TABLE_RULE_RE.match(line) and "-" in line:
            continue
        line = _LIST_RE.sub("", line)
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = [cell.strip() for cell in stripped[1:-1].split("|")]
            line = " | ".join(cell for cell in cells if cell)
        out.append(_inline(line))
    return "\n".join(out)


def _closes_fence(line: str, fence: str) -> bool:
    """A closing fence: up to 3 spaces, at least as many of the same mark, then spaces."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return False
    mark = body.rstrip(" ")
    return len(mark) >= len(fence) and mark == fence[0] * len(mark)


def _heading_text(raw: str | None) -> str:
    """ATX heading content without the optional closing `#`s (regex-free trailing strip)."""
    text = (raw or "").rstrip(" ")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare.endswith(" ")):
        text = bare.rstrip(" ")
    return text


def markdown_title(md: str) -> str | None:
    """The first level-1 heading (ATX `# Title` or Setext `Title` over `===`)."""
    lines = _FRONT_MATTER_RE.sub("", _HTML_COMMENT_RE.sub("", md[:100_000])).split("\n")
    for i, line in enumerate(lines):
        if i % 256 == 0:
            check_time()
        match = _TITLE_ATX_RE.match(line)
        if match:
            return one_line(_inline(_heading_text(match.group(1))), 300)
        if i + 1 < len(lines) and line.strip() and _TITLE_SETEXT_RE.match(lines[i + 1]):
            return one_line(_inline(line.strip()), 300)
    return None
