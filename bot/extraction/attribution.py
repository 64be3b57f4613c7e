"""Who says so: speakers of reported statements (quotes and their tags: `quotes.py`).

Patterns, most reliable first:
  * "selon X", "d'après X", "according to X"              -> X
  * "X a affirmé que", "X said", "X told Y", "X found that" -> X (the subject, minus
    introductory phrases and appositives; "… and the mayor said" -> the mayor)
  * "comme le rapporte X", "…, écrit X", "…, said X"        -> X (inverted)
  * "…, the X confirmed", "…, she added", "…, a-t-il ajouté" -> X (trailing)
  * "Pour le syndicat, …", "For critics, …"               -> X (a role or body only)
What counts as a speaker is one rule, `speaker.speaker_name`.  A pronoun subject ("It
said", "Elle y indique", "a-t-il ajouté") is the subject of the sentence before in the
same paragraph (`previous`) when that is a speaker; without it there is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .lexicon import SIGNAL_CUES, Lexicon, normalize_for_matching, tokenize
from .speaker import (
    SEGMENT,
    apposed_name,
    has_capital,
    has_verb,
    is_clause,
    is_finder,
    is_pronoun,
    is_speaker_noun,
    looks_like_name,
    speaker_name,
    subject_phrase,
)

#: words after the verb of a tag that starts with its speaker ("Smith told the BBC on Monday")
MAX_TAG_TAIL = 4
#: reporting verbs tried per sentence, first to last (each try is linear in the sentence)
MAX_VERB_CANDIDATES = 6
#: words between an auxiliary and its participle ("avait pourtant relevé", "has also said")
MAX_AUX_GAP_WORDS = 3
#: characters looked back from a verb for its auxiliary or the word before it
LOOKBACK_CHARS = 40
_ACCORDING = SIGNAL_CUES.index("according")
_REPORTING = SIGNAL_CUES.index("reporting")

_SOURCE_END = re.compile(r"[,;:!?()]|\.(?=\s|$)|\s[-–—]\s|$")
QUOTE_CHARS = '«»“”„"‹›'
_CONTINUATION = re.compile(r"^,\s*(?:dont|notamment|including|among them)\s", re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'’.-]*")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# "a-t-il ajouté", "affirme-t-elle", "dit-il": the speaker is a pronoun after the verb.
INVERTED_PRONOUN = re.compile(r"-(?:t-)?([^\W\d_]+)\b")
#: "(divers gauche)", "(Labour)": a party or an age after a name
_BRACKETS = re.compile(r" ?\([^()\n]{0,60}\)")
#: ", lui, ", ", for its part, ": an aside of at most three words between a verb and its clause
#: "Food and Rural Affairs": the word before a listed name's last item
_LIST_JOINERS = frozenset(["and", "&", "et", "of", "for", "de", "des", "du"])
_ASIDE = re.compile(r"\s*,\s*[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,2}\s*,")


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speaker a sentence names for its content, and the cue that revealed it.

    `written` is the phrase as the sentence has it ("the report", "an inspection report by
    the state Environmental Protection Agency"), so that a later "the report" finds it.
    """

    speaker: str
    cue: str  # "according to", "reported speech", "inverted", "previous sentence"
    written: str = ""


def _phrase_after(sentence: str, start: int, lexicon: Lexicon) -> tuple[str, int]:
    """The noun phrase starting at `start` (up to punctuation or a gerund/relative clause),
    and where it ends in `sentence`."""
    tail = sentence[start:]
    cut = len(tail)
    for end in _SOURCE_END.finditer(tail):
        word = tail[: end.start()].split()[-1:]
        # "Dr. Priya Raman", "J. Smith", "the U.S. Geological Survey": not the end.
        if (
            end.group() == "."
            and word
            and (
                word[0] in lexicon.title_abbreviations
                or (len(word[0]) == 1 and word[0].isupper())
                or word[0].lower() in lexicon.abbreviations
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
    if (
        stop is not None
        and stop.start() > 0
        and not _after_participle(phrase[: stop.start()], lexicon)
    ):
        phrase = phrase[: stop.start()]
    return phrase, start + len(phrase)


def _after_participle(head: str, lexicon: Lexicon) -> bool:
    """ "figures released | on Monday by the Board": the time belongs to the participle,
    the author comes after it (`speaker_name` drops the time)."""
    words = head.split()
    return bool(words) and lexicon.document_participle.fullmatch(words[-1].lower()) is not None


def speaker_after(sentence: str, start: int, lexicon: Lexicon) -> tuple[str, str] | None:
    """The speaker named from `start` on, with the phrase as written; a role followed by a
    name ("its chief executive, Mark Young") gives the name, also a role with a name in it
    when the person ends the sentence ("…, said the chief executive of the X Service, Peter
    Hale.")."""
    phrase, end = _phrase_after(sentence, start, lexicon)
    name = speaker_name(phrase, lexicon)
    if name is not None and name[:1].islower():
        person = apposed_name(sentence[end:])
        rest = sentence[end:].lstrip(", ")
        last = rest.rstrip(" .!?" + QUOTE_CHARS) == person
        # "Pour le maire de V, Paul Drouet, la saison…": a clause goes on after the person.
        clause = person is not None and rest[len(person) :].lstrip(", ")[:1].islower()
        if person is not None and (last or clause or not has_capital(name)):
            return person, phrase.strip()
    return (name, phrase.strip()) if name is not None else None


def _has_inner_capital(segment: str) -> bool:
    words = _WORD.findall(normalize_for_matching(segment))
    return any(has_capital(w) for w in words[1:]) or (len(words) == 1 and has_capital(words[0]))


@dataclass(frozen=True, slots=True)
class _Parts:
    """The comma-separated parts before a verb that can hold its subject."""

    kept: list[str]
    #: the last part was "as he"/"comme il l'": an aside about the sentence's own subject
    aside: bool


def _segments(before: str, lexicon: Lexicon) -> _Parts:
    """The parts before a verb, introductions ("In a statement,") and appositives (", who
    chairs…,") left out, and "as"/"comme" cut from the last ("…, as the Herald reported")."""
    parts = _join_listed_names([s.strip() for s in SEGMENT.split(before)])
    while parts and not parts[-1]:
        parts.pop()
    aside = False
    if parts:
        marker = lexicon.inversion_start.match(normalize_for_matching(parts[-1]))
        if marker is not None and parts[-1][marker.end() :].strip():
            parts[-1] = parts[-1][marker.end() :].strip()
            aside = True
    kept: list[str] = []
    for position, part in enumerate(parts):
        norm = normalize_for_matching(part)
        if not part or (lexicon.intro_start.match(norm) and position < len(parts) - 1):
            continue
        # ", who chairs…," and ", a spokeswoman," are appositives; in "…, a district
        # spokesman said" the last part is the subject.
        last = position == len(parts) - 1
        if (
            position
            and lexicon.appositive_start.match(norm)
            and not (last and lexicon.article_start.match(norm))
        ):
            continue
        if kept and lexicon.document_participle.match(norm) and is_finder(kept[-1], lexicon):
            # "The survey, carried out by the firm X, found…": the document and its author.
            kept[-1] = f"{kept[-1]} {part}"
            continue
        if 0 < position < len(parts) - 1 and _is_modifier(part, norm, lexicon):
            continue  # "…, named after a boy who drowned in 2019, …": not a subject
        conjunction = lexicon.conjunction_start.match(norm)
        kept.append(part[conjunction.end() :].strip() if conjunction else part)
    return _Parts([k for k in kept if k], aside)


def _is_modifier(part: str, norm: str, lexicon: Lexicon) -> bool:
    """A middle part opening on a lower-case word other than an article or a conjunction
    ("named after…", "based in Leeds", "de son côté"): it qualifies, it does not speak."""
    return (
        part[:1].islower()
        and lexicon.article_start.match(norm) is None
        and lexicon.conjunction_start.match(norm) is None
    )


def _join_listed_names(parts: list[str]) -> list[str]:
    """ "the Department for Environment, Food and Rural Affairs": a name whose words are
    listed with commas is one part (capitalised words joined by "and" after the last comma)."""
    joined: list[str] = []
    pending: list[str] = []  # capitalised parts waiting for the one with "and"
    for part in parts:
        words = part.split()
        listed = bool(words) and all(w[:1].isupper() or w in _LIST_JOINERS for w in words)
        previous = (pending or joined)[-1].split()[-1:] if (pending or joined) else []
        if listed and previous and previous[0][:1].isupper():
            if any(w in _LIST_JOINERS for w in words[1:-1]):
                base = joined.pop() if joined else ""
                joined.append(", ".join([base, *pending, part]) if base else part)
                pending = []
            else:
                pending.append(part)
            continue
        joined.extend(pending)
        pending = []
        joined.append(part)
    return joined + pending


@dataclass(frozen=True, slots=True)
class _Subject:
    speaker: str | None
    written: str
    pronoun: bool = False


def _subject_before(
    sentence: str, verb_start: int, lexicon: Lexicon, *, trailing: bool = False
) -> _Subject | None:
    """The grammatical subject of a verb, from the text before its verb group.

    The part next to the verb is the subject when what comes first is a clause ("The
    deficit grew, the report says.") or a pronoun stands there ("…, she added."); else
    the first part, a name before a role ("Jane Doe, the finance director, told…").  In
    an aside ("Kim veut …, comme il l'a souligné") the pronoun is the sentence's subject.
    """
    parts = _segments(sentence[:verb_start], lexicon)
    kept = parts.kept
    if not kept:
        return None
    adjacent = subject_phrase(kept[-1], lexicon)
    shared = _shared_subject(kept[-1], adjacent, lexicon)
    if shared is not None:
        return shared
    owner = _document_owner(kept, adjacent, lexicon)
    if owner is not None:
        return owner
    first = speaker_name(subject_phrase(kept[0], lexicon), lexicon)
    if is_pronoun(adjacent, lexicon):
        if parts.aside and len(kept) > 1:
            own = leading_speaker(kept[0], lexicon)
            if own is not None:
                return _Subject(own[0], own[1])
        # "Traffic grew by 9 percent, he told reporters": a clause first, the pronoun speaks.
        if len(kept) == 1 or first is None or parts.aside or is_clause(kept[0], lexicon):
            return _Subject(None, adjacent, pronoun=True)
    if len(kept) > 1 and (trailing or first is None):
        name = speaker_name(adjacent, lexicon)
        return _Subject(name, adjacent) if name is not None else None
    subjects = [subject_phrase(k, lexicon) for k in kept]
    named = [k for k in subjects if _has_inner_capital(k) and speaker_name(k, lexicon) is not None]
    # A person's name before a role with a place in it ("le préfet de la Drôme, Olivier Grandin").
    named.sort(key=lambda k: not looks_like_name(k))
    chosen = named[0] if named else subject_phrase(kept[0], lexicon)
    name = speaker_name(chosen, lexicon)
    return _Subject(name, chosen) if name is not None else None


def _shared_subject(part: str, adjacent: str, lexicon: Lexicon) -> _Subject | None:
    """ "The union surveyed 640 homes and found that…": a verb right after "and" shares the
    subject of the clause before it."""
    if adjacent or not part:
        return None
    conjunctions = list(lexicon.conjunction.finditer(normalize_for_matching(part)))
    if not conjunctions or part[conjunctions[-1].end() :].strip():
        return None
    own = leading_speaker(part[: conjunctions[-1].start()], lexicon)
    return _Subject(own[0], own[1]) if own is not None else None


def _document_owner(kept: list[str], adjacent: str, lexicon: Lexicon) -> _Subject | None:
    """ "X upheld 46 complaints, its annual report shows": the report is X's; after a clause
    without a speaker of its own, whose it is is told by the sentence before (a pronoun)."""
    words = adjacent.split()
    if len(words) < 2 or words[0].lower() not in lexicon.possessives:
        return None
    if not is_finder(adjacent, lexicon):
        return None
    own = leading_speaker(kept[0], lexicon) if len(kept) > 1 else None
    if own is not None and (
        _has_inner_capital(own[1]) or is_speaker_noun(own[1], lexicon) or is_finder(own[1], lexicon)
    ):
        return _Subject(own[0], own[1])
    return _Subject(None, adjacent, pronoun=True)


def _aux_before(norm: str, position: int, lexicon: Lexicon) -> int | None:
    """Start of an auxiliary at most `MAX_AUX_GAP_WORDS` words before `position`, in the
    same clause ("has said", "avait pourtant relevé", "comme l'a indiqué")."""
    start = max(0, position - LOOKBACK_CHARS)
    window = norm[start:position]
    boundary = max(window.rfind(c) for c in ',;:()«»“”"')
    start += boundary + 1
    words = list(_LETTER_RUN.finditer(norm, start, position))
    if len(norm[start:position].split()) > MAX_AUX_GAP_WORDS + 1:
        words = words[-(MAX_AUX_GAP_WORDS + 1) :]
    for word in reversed(words):
        if lexicon.auxiliaries.fullmatch(word.group()):
            return word.start()
    return None


def _is_passive(verb_group: str, lexicon: Lexicon) -> bool:
    """ "has been admitted", "a été signalé": the subject undergoes the verb, it reports nothing."""
    return any(w in lexicon.passive_markers for w in verb_group.lower().split())


def _is_noun_use(norm: str, position: int, end: int, lexicon: Lexicon) -> bool:
    """ "41 confirmed cases", "the report also found", "the audit report says": an adjective
    or a noun, not a verb."""
    before = norm[max(0, position - LOOKBACK_CHARS) : position]
    if lexicon.inversion_end.search(before.rstrip()) is not None:
        return False  # "comme le rapporte": "le" is the object, not an article
    if lexicon.complementizer_start.match(norm[end:].lstrip()) is not None:
        return False  # "… in 2021 warned that": a verb before its clause
    words = before.split()
    previous = words[-1].lower() if words else ""
    if previous[-1:].isalnum() and (
        previous[0].isdigit() or lexicon.article_start.fullmatch(previous) is not None
    ):
        return True
    following = _LETTER_RUN.match(norm, end + 1) if norm[end : end + 1] == " " else None
    if following is not None and following.group().lower() in lexicon.noun_complements:
        return True  # "investigate reports of damp"
    return following is not None and (
        lexicon.simple_past_reporting.fullmatch(following.group()) is not None
        or lexicon.reporting_present.fullmatch(following.group()) is not None
    )


def _reporting_verbs(norm: str, lexicon: Lexicon) -> Iterator[tuple[int, int, bool]]:
    """Spans of the reporting verb groups ("a affirmé", "has said", "said", "found"), in
    sentence order, and whether the verb reports whatever follows it (`firm`: a simple
    past or a participle with its auxiliary) or only in some positions (a present tense,
    a finding: `_counts_as_reporting`)."""
    found: dict[int, tuple[int, bool]] = {}
    for match in lexicon.reporting_participles.finditer(norm):
        aux = _aux_before(norm, match.start(), lexicon)
        if aux is not None and not _is_passive(norm[aux : match.start()], lexicon):
            found.setdefault(aux, (match.end(), True))
    for pattern, firm in (
        (lexicon.simple_past_reporting, True),
        (lexicon.reporting_present, False),
        (lexicon.finding_verbs, False),
    ):
        for match in pattern.finditer(norm):
            previous = norm[max(0, match.start() - LOOKBACK_CHARS) : match.start()].split()[-1:]
            if previous and _is_passive(previous[0], lexicon):
                continue  # "have been admitted"
            if not _is_noun_use(norm, match.start(), match.end(), lexicon):
                aux = _aux_before(norm, match.start(), lexicon) if not firm else None
                found.setdefault(match.start() if aux is None else aux, (match.end(), firm))
    for start, end in _quote_verbs_before_clause(norm, lexicon):
        found.setdefault(start, (end, True))
    for start in sorted(found)[:MAX_VERB_CANDIDATES]:
        yield start, *found[start]


def _quote_verbs_before_clause(norm: str, lexicon: Lexicon) -> Iterator[tuple[int, int]]:
    """ "rappelle (de son côté) que…", "répond que…": a one-word quote verb reports when a
    clause follows it (the reporting lists, which also score, stay as they are)."""
    for match in lexicon.quote_tag_verbs.finditer(norm):
        start, end = match.span()
        word = match.group()
        if (
            " " in word
            or "-" in word
            or norm[start - 1 : start].isalnum()
            or norm[end : end + 1].isalnum()
            or lexicon.according_to.fullmatch(word) is not None
        ):
            continue
        if _clause_follows(norm, end, lexicon):
            yield start, end


def _clause_follows(norm: str, end: int, lexicon: Lexicon) -> bool:
    """A clause after the verb, or after a short aside between commas ("indique, lui,
    que…", "said, however, that…")."""
    if lexicon.complementizer_start.match(norm[end:]) is not None:
        return True
    aside = _ASIDE.match(norm, end)
    return aside is not None and lexicon.complementizer_start.match(norm[aside.end() :]) is not None


def _counts_as_reporting(norm: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """A present or finding verb reports only before a clause, after a comma (inverted),
    at the end, or after a document ("figures show 412 cases"); "ont conclu un pacte" and
    "the report found" as a noun do not."""
    after = norm[end : end + 6].strip(".!?»”\"' ")
    before = norm[:start].rstrip()
    if not after or before.endswith(",") or lexicon.inversion_end.search(before):
        return True
    if _clause_follows(norm, end, lexicon):
        return True
    return is_finder(SEGMENT.split(norm[:start])[-1], lexicon)


def leading_speaker(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """The subject of a sentence's first verb when it is a speaker ("The ministry published
    its figures on Monday." -> "ministry"), with the phrase as written."""
    norm = normalize_for_matching(sentence)
    positions = [m.start() for m in lexicon.clause_verb_pattern.finditer(norm)][:1]
    positions += [
        m.start()
        for m in _LETTER_RUN.finditer(norm)
        if m.group().islower() and m.group() in lexicon.clause_verb_words
    ][:1]
    positions += [start for start, _, _ in _reporting_verbs(norm, lexicon)][:1]
    subject = _subject_before(sentence, min(positions), lexicon) if positions else None
    if subject is None or subject.speaker is None:
        return (
            _apposed_subject(sentence, lexicon)
            or _role_then_name(sentence, lexicon)
            or _leading_name(sentence, lexicon)
        )
    return subject.speaker, subject.written


def _leading_name(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "The Housing Ombudsman upheld 46 complaints…": an article, a capitalised name, then
    a lower-case word (a verb no list knows): the name is the subject."""
    words = sentence.split()
    if len(words) < 3 or lexicon.article_start.fullmatch(words[0].lower()) is None:
        return None
    end = 1
    while end < len(words) and (
        words[end][:1].isupper() or (end > 1 and words[end] in _LIST_JOINERS)
    ):
        end += 1
    while end > 1 and words[end - 1] in _LIST_JOINERS:
        end -= 1
    if end == 1 or end == len(words) or not words[end][:1].islower():
        return None
    written = " ".join(words[:end])
    if not looks_like_name(" ".join(words[1:end])):
        return None
    name = speaker_name(written, lexicon)
    return (name, written) if name is not None else None


def _apposed_subject(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "Le député de la circonscription, Karim Haddad, demande…": a role, the person's name
    between commas, then the verb, whatever verb it is."""
    parts = SEGMENT.split(sentence, maxsplit=2)
    if len(parts) < 3 or not parts[2].lstrip()[:1].islower():
        return None
    name = parts[1].strip()
    if is_speaker_noun(parts[0], lexicon) and looks_like_name(name):
        return name, name
    return None


def _role_then_name(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "Le conseiller municipal d'opposition Julien Ferrand (divers gauche) accuse…": a
    role, the person's name with no comma, a party in brackets, then any verb; or an aside
    between commas before the verb ("L'association Terre Vive, de son côté, réclame…")."""
    parts = SEGMENT.split(sentence, maxsplit=2)
    words = _BRACKETS.sub("", parts[0]).split()
    if len(parts) == 3 and parts[2].lstrip()[:1].islower():
        words.append(parts[2].split()[0])
    first = next((i for i in range(1, len(words)) if words[i][:1].isupper()), None)
    if first is None:
        return None
    last = first
    while last < len(words) and words[last][:1].isupper():
        last += 1
    role, name = " ".join(words[:first]), " ".join(words[first:last])
    if (
        last < len(words)
        and words[last][:1].islower()
        and last - first >= 2
        and looks_like_name(name)
        and is_speaker_noun(role, lexicon)
        and not has_verb(role, lexicon)
    ):
        return name, name
    return None


def speaker_before(previous: str | None, lexicon: Lexicon) -> Attribution | None:
    """Who a pronoun speaker is: the speaker of the sentence before ("…, a indiqué le
    docteur X. …, a-t-il ajouté."), else its subject when that is a speaker ("The ministry
    published its figures. It said…")."""
    if not previous:
        return None
    reported = find_attribution(previous, lexicon)
    if reported is not None:
        return Attribution(reported.speaker, "previous sentence", reported.written)
    found = leading_speaker(previous, lexicon)
    return Attribution(found[0], "previous sentence", found[1]) if found else None


def holder(sentence: str, lexicon: Lexicon) -> Attribution | None:
    """ "Pour le syndicat, …", "For critics, …": whose view opens the sentence, a role or a
    body, or a role and its name ("For the first time, …" is no one's)."""
    norm = normalize_for_matching(sentence)
    start = lexicon.judgement_frame_start.match(norm)
    if start is None or "," not in norm:
        return None
    found = speaker_after(sentence, start.end(), lexicon)
    if found is None:
        return None
    name, written = found
    if name != speaker_name(written, lexicon) or is_speaker_noun(written, lexicon):
        return Attribution(name, "according to", written)
    return None


def find_attribution(
    sentence: str, lexicon: Lexicon, previous: str | None = None
) -> Attribution | None:
    """The speaker a sentence names for its content, if it names one.

    `previous` is the sentence before in the same paragraph: a pronoun subject ("It
    said…") is its subject.
    """
    norm = normalize_for_matching(sentence)
    view = holder(sentence, lexicon)
    if view is not None:
        return view
    if _ends_with_pronoun_tag(norm, lexicon):
        return speaker_before(previous, lexicon)  # "…, a-t-il rappelé."
    tokens = tokenize(norm)
    hits = lexicon.cues.phrase_counts(tokens)
    if not (
        hits[_ACCORDING]
        or hits[_REPORTING]
        or lexicon.according.extra_found(tokens, norm)
        or lexicon.reporting.extra_found(tokens, norm)
        or lexicon.finding_verbs.search(norm)
        or lexicon.quote_tag_verbs.search(norm)
    ):
        return None  # cheap exit: no speaker cue at all
    attribution_only = lexicon.attribution_only_start.match(norm) is not None
    according = lexicon.according_to.search(norm)
    if according is not None and _names_a_medium(norm, according):
        # "X, interrogée par Le Journal, rappelle que…": the paper asks, X speaks.
        reported = _reported_speaker(sentence, lexicon, previous, attribution_only)
        if reported is not None:
            return reported
    if according is not None and not attribution_only:
        found = speaker_after(sentence, according.end(), lexicon)
        if found is not None:
            return Attribution(found[0], "according to", found[1])
        if is_pronoun(_phrase_after(sentence, according.end(), lexicon)[0].strip(), lexicon):
            return speaker_before(previous, lexicon)  # "Selon lui, …"
    return _reported_speaker(sentence, lexicon, previous, attribution_only)


def _reported_speaker(
    sentence: str, lexicon: Lexicon, previous: str | None, attribution_only: bool
) -> Attribution | None:
    """The speaker of the sentence's first reporting verb that names one."""
    norm = normalize_for_matching(sentence)
    for start, end, firm in _reporting_verbs(norm, lexicon):
        if firm or attribution_only or _counts_as_reporting(norm, start, end, lexicon):
            result = _speaker_of_verb(sentence, start, end, lexicon, previous, attribution_only)
            if result is not None:
                return result
    return None


def _names_a_medium(norm: str, according: re.Match[str]) -> bool:
    """ ", interrogé par X,", ", quoted by X,": after its subject, the cue names who asked
    or quoted, not who speaks."""
    return norm[: according.start()].rstrip().endswith(",") and according.group().split()[
        -1
    ].lower() in {"par", "by"}


def _ends_with_pronoun_tag(norm: str, lexicon: Lexicon) -> bool:
    """ "…, a-t-il rappelé.": a quote tag with an inverted pronoun ends the sentence, whether
    or not its verb is among the reporting verbs."""
    comma = norm.rfind(",")
    tag = norm[comma + 1 :].strip().rstrip(".!?»”\"' ") if comma >= 0 else ""
    # "a-t-il rappelé" is listed; "affirme-t-il" is "affirme" with its pronoun.
    verb = INVERTED_PRONOUN.sub("", tag, count=1)
    if (
        not tag
        or len(tag.split()) > 2
        or not (lexicon.quote_tag_verbs.fullmatch(tag) or lexicon.quote_tag_verbs.fullmatch(verb))
    ):
        return False
    pronoun = INVERTED_PRONOUN.search(tag)
    return pronoun is not None and lexicon.pronoun.fullmatch(pronoun.group(1).lower()) is not None


def _speaker_of_verb(
    sentence: str,
    start: int,
    end: int,
    lexicon: Lexicon,
    previous: str | None,
    attribution_only: bool,
) -> Attribution | None:
    """The speaker of one reporting verb group: after it (inverted) or before it."""
    norm = normalize_for_matching(sentence)
    pronoun = INVERTED_PRONOUN.match(norm, end) or INVERTED_PRONOUN.search(norm, start, end)
    if pronoun is not None and lexicon.pronoun.fullmatch(pronoun.group(1).lower()):
        return speaker_before(previous, lexicon)
    before = norm[:start].rstrip().rstrip(QUOTE_CHARS + " ")
    has_clause = _clause_follows(norm, end, lexicon)
    inverted = attribution_only or (
        not has_clause
        and (before.endswith(",") or lexicon.inversion_end.search(before) is not None)
    )
    if inverted and not attribution_only:
        # "X, the vice-chancellor, told staff in an email that…": staff are told, X tells;
        # "La maire de V, Isabelle Caron, a annoncé le dépôt…": only names before the verb.
        object_clause = _clause_after_object(norm, end, lexicon)
        names_only = not any(
            has_verb(part, lexicon) or any(q in part for q in QUOTE_CHARS)
            for part in SEGMENT.split(sentence[:start])
        )
        subject = _subject_before(sentence, start, lexicon) if object_clause or names_only else None
        if (
            subject is not None
            and subject.speaker is not None
            and not subject.pronoun
            and (object_clause or has_capital(subject.speaker))
        ):
            return Attribution(subject.speaker, "reported speech", subject.written)
    if inverted:
        found = speaker_after(sentence, end, lexicon)
        if found is not None:
            return Attribution(found[0], "inverted", found[1])
    trailing = not has_clause and len(_WORD.findall(norm[end:])) <= 3
    subject = _subject_before(sentence, start, lexicon, trailing=trailing)
    if subject is None:
        return None
    if subject.pronoun:
        return speaker_before(previous, lexicon)
    if subject.speaker is None or any(q in subject.speaker for q in QUOTE_CHARS):
        return None
    return Attribution(subject.speaker, "reported speech", subject.written)


def _clause_after_object(norm: str, end: int, lexicon: Lexicon) -> bool:
    """ "told staff in an email that…": a clause follows the verb's object, in its part."""
    words = SEGMENT.split(norm[end:], maxsplit=1)[0].split()[: MAX_TAG_TAIL + 2]
    return any(lexicon.complementizer_start.match(w) for w in words[1:])


def is_attribution_only(sentence: str, lexicon: Lexicon) -> bool:
    """ "C'est ce que rapporte X." / "That's what X said.": a speaker for the previous sentence."""
    norm = normalize_for_matching(sentence.strip())
    return lexicon.attribution_only_start.match(norm) is not None
