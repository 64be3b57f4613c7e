"""Who says so: sources of reported statements and speakers of quotes.

Patterns, most reliable first:
  * "selon X", "d'après X", "according to X"            -> X
  * "X a affirmé que", "X said", "X told Y"               -> X (the subject, minus
    introductory phrases and appositives)
  * "comme le rapporte X", "..., écrit X", "..., said X"   -> X (inverted)
  * «quote» Speaker, description / "quote," said Speaker   -> Speaker (quote blocks)
Pronoun subjects ("il a déclaré", "she said") give no attribution: guessing the
antecedent is not reliable enough to show a fact-checker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import SIGNAL_CUES, Lexicon, normalize_for_matching, tokenize

MAX_SOURCE_WORDS = 12
MAX_TAG_WORDS = 30
MAX_TAG_CHARS = 400
MIN_QUOTE_WORDS = 4
_ACCORDING = SIGNAL_CUES.index("according")
_REPORTING = SIGNAL_CUES.index("reporting")

_SOURCE_END = re.compile(r"[,;:!?()]|\.(?=\s|$)|\s[-–—]\s|$")
_QUOTE_CHARS = '«»“”„"‹›'
_TRIM = " \t,;:.-–—'\u00a0\u202f" + _QUOTE_CHARS
_QUOTE_PAIRS = re.compile(r"«([^«»\n]*)»|“([^“”\n]*)”|„([^„“”\n]*)[“”]|\"([^\"\n]*)\"")
_CONTINUATION = re.compile(r"^,\s*(?:dont|notamment|including|among them)\s", re.IGNORECASE)
_TAG_LEAD = re.compile(r"^\s*[,.]?\s*[-–—]?\s*")
_NAME_PARTICLES = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "da",
        "di",
        "al",
        "bin",
        "ibn",
        "et",
        "and",
    ]
)
_WORD = re.compile(r"[^\W_][\w'’.-]*")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source found in a sentence and the cue that revealed it."""

    source: str
    cue: str  # "according to", "reported speech", "inverted", "quote"


@dataclass(frozen=True, slots=True)
class QuoteBlock:
    """A quotation followed by a speaker tag, in absolute offsets of the document."""

    inner_start: int
    inner_end: int
    tag_start: int
    tag_end: int
    speaker: str | None


def clean_source(raw: str, lexicon: Lexicon) -> str | None:
    """Trim punctuation, quote marks and a leading article; None if it is not a source."""
    source = " ".join(raw.translate({ord(c): " " for c in '«»“”„"'}).split()).strip(_TRIM)
    for _ in range(2):
        article = lexicon.article_start.match(normalize_for_matching(source))
        if article is None:
            break
        rest = source[article.end() :].lstrip(" '’")
        if not rest:
            break
        source = rest
    if not source or not any(c.isalpha() for c in source):
        return None
    if len(_WORD.findall(source)) > MAX_SOURCE_WORDS:
        return None
    if lexicon.pronoun.match(normalize_for_matching(source)) and len(source.split()) <= 2:
        return None
    return source


def _phrase_after(sentence: str, start: int, lexicon: Lexicon) -> str:
    """The noun phrase starting at `start`: up to punctuation or a gerund/relative clause."""
    tail = sentence[start:]
    cut = len(tail)
    for end in _SOURCE_END.finditer(tail):
        word = tail[: end.start()].split()[-1:]
        # "Dr. Priya Raman", "J. Smith": a title or an initial, not the end of the phrase.
        if (
            end.group() == "."
            and word
            and (
                word[0] in lexicon.title_abbreviations or (len(word[0]) == 1 and word[0].isupper())
            )
        ):
            continue
        cut = end.start()
        break
    phrase = tail[:cut]
    continuation = _CONTINUATION.match(tail[len(phrase) :])
    if continuation:
        rest = tail[len(phrase) :]
        more = _SOURCE_END.search(rest, continuation.end())
        phrase += rest[: more.start() if more else len(rest)]
    stop = lexicon.source_stop.search(normalize_for_matching(phrase))
    if stop is not None and stop.start() > 0:
        phrase = phrase[: stop.start()]
    return phrase


def _capitalised(word: str) -> bool:
    """ "Observatoire" and elided "l'Observatoire" both count."""
    return word[0].isupper() or word.partition("'")[2][:1].isupper()


def _has_inner_capital(segment: str) -> bool:
    words = _WORD.findall(normalize_for_matching(segment))
    return any(_capitalised(w) for w in words[1:]) or (len(words) == 1 and _capitalised(words[0]))


def _subject_before(
    sentence: str, verb_start: int, lexicon: Lexicon, *, trailing: bool = False
) -> str | None:
    """The grammatical subject of a reporting verb, from the text before its verb group."""
    before = sentence[:verb_start]
    norm = normalize_for_matching(before)
    aux = lexicon.auxiliaries.search(norm)
    if aux is not None and aux.start() > 0:
        before = before[: aux.start()]
    segments = [s.strip() for s in re.split(r",|\s[-–—]\s", before)]
    kept = [
        s
        for position, s in enumerate(segments)
        if s
        and lexicon.intro_start.match(normalize_for_matching(s)) is None
        and (position == 0 or lexicon.appositive_start.match(normalize_for_matching(s)) is None)
        and lexicon.conjunction_start.match(normalize_for_matching(s)) is None
    ]
    if not kept:
        return None
    if trailing:
        # "The deficit grew, the report says.": the subject is the last clause before the verb.
        return clean_source(kept[-1], lexicon) if len(kept) > 1 else None
    named = [s for s in kept if _has_inner_capital(s)]
    return clean_source((named or kept)[0], lexicon)


def _reporting_verb(norm: str, lexicon: Lexicon) -> tuple[int, int] | None:
    """Span of the first reporting verb group ("a affirmé", "has said", "said", "rapporte")."""
    best: tuple[int, int] | None = None
    for match in lexicon.reporting_participles.finditer(norm):
        window = norm[max(0, match.start() - 40) : match.start()]
        auxes = list(lexicon.auxiliaries.finditer(window))
        aux = auxes[-1] if auxes else None
        if aux is not None and len(window[aux.end() :].split()) <= 3:
            best = (max(0, match.start() - 40) + aux.start(), match.end())
            break
    for simple in lexicon.simple_past_reporting.finditer(norm):
        if best is not None and simple.start() > best[0]:
            break
        previous = norm[: simple.start()].split()[-1:]
        # "41 confirmed cases", "the reported figure": an adjective, not a verb.
        if previous and (
            previous[0][0].isdigit() or lexicon.article_start.fullmatch(previous[0]) is not None
        ):
            continue
        best = (simple.start(), simple.end())
        break
    present = lexicon.reporting_present.search(norm)
    if present is not None and (best is None or present.start() < best[0]):
        after = norm[present.end() : present.end() + 6].lstrip()
        before = norm[: present.start()].rstrip()
        inverted = before.endswith((",", "comme le", "comme l'", "ce que", "ce qu'", "as"))
        clause = lexicon.complementizer_start.match(norm[present.end() :]) is not None
        if inverted or clause or not after.strip(".!?»”\"' "):
            best = (present.start(), present.end())
    return best


def find_attribution(sentence: str, lexicon: Lexicon) -> Attribution | None:
    """The source a sentence gives for its content, if it names one."""
    norm = normalize_for_matching(sentence)
    tokens = tokenize(norm)
    hits = lexicon.cues.phrase_counts(tokens)
    if not (
        hits[_ACCORDING]
        or hits[_REPORTING]
        or lexicon.according.extra_found(tokens, norm)
        or lexicon.reporting.extra_found(tokens, norm)
    ):
        return None  # cheap exit: no source cue at all
    attribution_only = lexicon.attribution_only_start.match(norm) is not None
    according = lexicon.according_to.search(norm)
    if according is not None and not attribution_only:
        source = clean_source(_phrase_after(sentence, according.end(), lexicon), lexicon)
        if source is not None:
            return Attribution(source, "according to")
    verb = _reporting_verb(norm, lexicon)
    if verb is None:
        return None
    start, end = verb
    before = norm[:start].rstrip().rstrip(_QUOTE_CHARS + " ")
    has_clause = lexicon.complementizer_start.match(norm[end:]) is not None
    inverted = attribution_only or (
        not has_clause
        and (before.endswith(",") or lexicon.inversion_end.search(before) is not None)
    )
    if inverted:
        source = clean_source(_phrase_after(sentence, end, lexicon), lexicon)
        if source is not None:
            return Attribution(source, "inverted")
    trailing = not has_clause and len(_WORD.findall(norm[end:])) <= 3
    subject = _subject_before(sentence, start, lexicon, trailing=trailing)
    if subject is not None and not any(q in subject for q in _QUOTE_CHARS):
        return Attribution(subject, "reported speech")
    return None


def is_attribution_only(sentence: str, lexicon: Lexicon) -> bool:
    """ "C'est ce que rapporte X." / "That's what X said.": a source for the previous sentence."""
    norm = normalize_for_matching(sentence.strip())
    return lexicon.attribution_only_start.match(norm) is not None


def _speaker_from_tag(tag: str, lexicon: Lexicon) -> str | None:
    """ "said Jane Doe, the mayor" / "Jane Doe, the mayor" / "Doe said" -> the name."""
    norm = normalize_for_matching(tag)
    verb_first = lexicon.quote_tag_start.match(norm)
    if verb_first is not None:
        phrase = _phrase_after(tag, verb_first.end(), lexicon)
        rest = tag[verb_first.end() :].split(",")
        # "a déclaré la présidente de l'association, Nadia Benali": prefer the name.
        if len(rest) > 1 and not _has_inner_capital(phrase) and _looks_like_name(rest[1].strip()):
            phrase = rest[1]
        return clean_source(phrase, lexicon)
    name = tag.split(",")[0]
    verb = lexicon.quote_tag_verbs.search(normalize_for_matching(name))
    if verb is not None:
        name = name[: verb.start()]
    name = name.strip()
    if not name or not name[0].isupper():
        return None
    return clean_source(name, lexicon)


def _looks_like_name(text: str) -> bool:
    """ "Jane Doe", "Park Ji-woo", "Anne de la Tour": capitalised words and particles."""
    words = text.split(",")[0].split()
    if not 1 <= len(words) <= 5 or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w in _NAME_PARTICLES for w in words)


def _tag_after_quote(line: str, close_end: int, lexicon: Lexicon) -> tuple[int, str] | None:
    """The speaker tag after a closing quote, as (offset in line, tag text), if it is one."""
    if len(line) - close_end > MAX_TAG_CHARS:
        return None  # a tag runs to the end of its line; cheap exit keeps long lines linear
    rest = line[close_end:]
    lead = _TAG_LEAD.match(rest)
    offset = lead.end() if lead else 0
    tag = rest[offset:]
    if not tag.strip() or len(tag.split()) > MAX_TAG_WORDS or any(q in tag for q in '«“"'):
        return None
    if lexicon.quote_tag_start.match(normalize_for_matching(tag)) or _looks_like_name(tag):
        return close_end + offset, tag
    return None


def find_quote_blocks(
    text: str, lines: list[tuple[int, int]], lexicon: Lexicon
) -> list[QuoteBlock]:
    """Quotations with a speaker tag after them on the same line or alone on the next line."""
    blocks: list[QuoteBlock] = []
    for index, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        for match in _QUOTE_PAIRS.finditer(line):
            group = next(g for g in range(1, 5) if match.group(g) is not None)
            inner = match.group(group)
            if len(inner.split()) < MIN_QUOTE_WORDS:
                continue
            inner_start = line_start + match.start(group)
            inner_end = line_start + match.end(group)
            found = _tag_after_quote(line, match.end(), lexicon)
            if found is not None:
                offset, tag = found
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
                if len(name.split()) <= MAX_TAG_WORDS and _looks_like_name(name):
                    speaker = _speaker_from_tag(name, lexicon)
                    blocks.append(QuoteBlock(inner_start, inner_end, next_start, next_end, speaker))
    return blocks
