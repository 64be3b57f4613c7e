"""Quotations and their speaker tags: «…», a déclaré X / "…," said X / "…," he added.

A tag after a closing quote on the same line, or a name alone on the next line, gives the
quote's speaker; a pronoun is kept as written for the pipeline to resolve from the
sentence before (`attribution.speaker_before`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .attribution import MAX_TAG_TAIL, speaker_after
from .lexicon import Lexicon, normalize_for_matching
from .names import is_pronoun, looks_like_name
from .pronouns import INVERTED_PRONOUN
from .speaker import is_clause, speaker_name, subject_phrase

MAX_TAG_WORDS = 30
#: a speaker's line under a quote: a name and a short role
MAX_NAME_LINE_WORDS = 12
MAX_TAG_CHARS = 400
MIN_QUOTE_WORDS = 4

_QUOTE_PAIRS = re.compile(r"«([^«»\n]*)»|“([^“”\n]*)”|„([^„“”\n]*)[“”]|\"([^\"\n]*)\"")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+(?=[A-ZÀ-ÖØ-Þ])")
_TAG_LEAD = re.compile(r"^\s*[,.]?\s*[-–—]?\s*")


@dataclass(frozen=True, slots=True)
class QuoteBlock:
    """A quotation followed by a speaker tag, in absolute offsets of the document.

    `speaker` may be a pronoun ("he said"): the pipeline looks for it before the quote.
    `continued`: a quote right after a tagged one, with no tag of its own (`"…," said X.
    "…"`), whose speaker is that quote's.
    """

    inner_start: int
    inner_end: int
    tag_start: int
    tag_end: int
    speaker: str | None
    continued: bool = False


def _speaker_from_tag(tag: str, lexicon: Lexicon) -> str | None:
    """ "said Jane Doe, the mayor" / "Jane Doe, the mayor" / "the company said" -> the
    speaker; a pronoun ("he said") is returned as written, for the pipeline to resolve."""
    norm = normalize_for_matching(tag)
    head = norm.split(",")[0]
    inverted = INVERTED_PRONOUN.search(head)
    if (
        inverted is not None
        and (len(head.split()) <= MAX_TAG_TAIL or len(head[: inverted.start()].split()) <= 1)
        and lexicon.pronoun.fullmatch(inverted.group(1).lower())
    ):
        return inverted.group(1)  # «…», a-t-elle précisé (lundi soir devant les élus)
    verb_first = lexicon.quote_tag_start.match(norm)
    if verb_first is not None:
        found = speaker_after(tag, verb_first.end(), lexicon)
        return found[0] if found else None
    name = tag.split(",")[0]
    verb = lexicon.quote_tag_verbs.search(normalize_for_matching(name))
    if verb is not None:
        name = name[: verb.start()]
    name = subject_phrase(name.strip(), lexicon)
    if is_pronoun(name, lexicon):
        return name
    return speaker_name(name, lexicon)


def _is_tag(tag: str, lexicon: Lexicon) -> bool:
    """ "said X", "X, role", "the company said", "he added": a speaker tag, not prose."""
    norm = normalize_for_matching(tag)
    # "confie-t-il", "explique-t-elle": a quote verb with its pronoun after it
    verb_first = INVERTED_PRONOUN.sub("", norm, count=1)
    if lexicon.quote_tag_start.match(verb_first) or looks_like_name(tag):
        return True
    clause = norm.split(",")[0]
    verb = lexicon.quote_tag_verbs.search(clause)
    if verb is None or verb.start() == 0 or len(clause[verb.end() :].split()) > MAX_TAG_TAIL:
        return False  # "The mayor said 40 homes flooded.": a sentence of its own
    subject = tag[: verb.start()].strip()
    return is_pronoun(subject, lexicon) or speaker_name(subject, lexicon) is not None


def _tag_after_quote(line: str, close_end: int, lexicon: Lexicon) -> tuple[int, str] | None:
    """The speaker tag after a closing quote, as (offset in line, tag text), if it is one."""
    if len(line) - close_end > MAX_TAG_CHARS:
        return None  # a tag runs to the end of its line; cheap exit keeps long lines linear
    rest = line[close_end:]
    lead = _TAG_LEAD.match(rest)
    offset = lead.end() if lead else 0
    tag = rest[offset:]
    opening = [tag.find(q) for q in '«“"' if q in tag]
    if opening and tag[: min(opening)].rstrip().endswith((".", "!", "?")):
        # Another quote follows: the tag is the sentence before it ('…," said X. "…'); a
        # quoted word inside the tag's own sentence ("qui évoque des agents «épuisés»") stays.
        tag = tag[: min(opening)]
    tag = _first_sentence(tag, lexicon)
    if not tag.strip() or len(tag.split()) > MAX_TAG_WORDS:
        return None
    if "." in rest[:offset] and "," in tag and len(tag.split(",", 1)[1].split()) > MAX_TAG_TAIL:
        return None  # « … ». Selon lui, une douzaine d'actifs…: a sentence of its own
    if _is_tag(tag, lexicon):
        return close_end + offset, tag
    return None


def _first_sentence(tag: str, lexicon: Lexicon) -> str:
    """ "a reconnu le directeur, Thierry Masson. Il a assuré que…" -> its first sentence
    ("said Dr. Osei" and "J. Smith" go on)."""
    for end in _SENTENCE_BREAK.finditer(tag):
        word = tag[: end.start()].split()[-1:]
        if word and (
            word[0] in lexicon.title_abbreviations
            or (len(word[0]) == 1 and word[0].isupper())
            or word[0].lower() in lexicon.abbreviations
        ):
            continue
        return tag[: end.start() + 1]
    return tag


def _is_name_line(line: str, lexicon: Lexicon) -> bool:
    """ "— Jane Doe, mayor of Aldry" under a quote: a name and a role, no sentence ("À
    Lancy, la commune distribue 6 000 bouteilles…" opens a paragraph of its own)."""
    first = line.split(maxsplit=1)[0].lower() if line.strip() else ""
    return (
        len(line.split()) <= MAX_NAME_LINE_WORDS
        and looks_like_name(line)
        and lexicon.intro_start.fullmatch(first) is None
        and not is_clause(line, lexicon)
    )


def find_quote_blocks(
    text: str, lines: list[tuple[int, int]], lexicon: Lexicon
) -> list[QuoteBlock]:
    """Quotations with a speaker tag after them on the same line or alone on the next line."""
    blocks: list[QuoteBlock] = []
    for index, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        tagged_until = -1  # where the last tag on this line ended
        for match in _QUOTE_PAIRS.finditer(line):
            group = next(g for g in range(1, 5) if match.group(g) is not None)
            inner = match.group(group)
            if len(inner.split()) < MIN_QUOTE_WORDS:
                continue
            inner_start = line_start + match.start(group)
            inner_end = line_start + match.end(group)
            found = _tag_after_quote(line, match.end(), lexicon)
            if (
                found is None
                and tagged_until >= 0
                and not line[tagged_until : match.start()].strip()
            ):
                speaker = blocks[-1].speaker
                end = line_start + match.end()
                blocks.append(QuoteBlock(inner_start, inner_end, end, end, speaker, continued=True))
                tagged_until = match.end()
                continue
            tagged_until = -1
            if found is not None:
                offset, tag = found
                tagged_until = offset + len(tag)
                blocks.append(
                    QuoteBlock(
                        inner_start,
                        inner_end,
                        line_start + offset,
                        line_end,
                        _speaker_from_tag(tag, lexicon),
                    )
                )
            elif (
                len(line) - match.end() <= 2
                and not line[match.end() :].strip(" .")
                and index + 1 < len(lines)
            ):
                next_start, next_end = lines[index + 1]
                next_line = text[next_start:next_end].strip()
                name = next_line.lstrip("-–— ")
                if _is_name_line(name, lexicon):
                    speaker = _speaker_from_tag(name, lexicon)
                    blocks.append(QuoteBlock(inner_start, inner_end, next_start, next_end, speaker))
    return blocks
