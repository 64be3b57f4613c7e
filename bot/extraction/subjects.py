"""The subject of a verb, from the words before it: who speaks when a sentence reports.

"Jane Doe, the finance director, told…" -> Jane Doe; "The survey, carried out by the
firm X, found…" -> the firm; "The union surveyed 640 homes and found…" -> the union;
"…, its annual report shows" -> whose report it is.  What counts as a speaker is
`speaker.speaker_name`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.text import LETTER_RUN

from .authors import author_named_in
from .lexicon import Lexicon, normalize_for_matching
from .names import (
    ELIDED_ARTICLE_WORD,
    ELIDED_BEFORE_NAME,
    NAME_WORD,
    QUOTE_CHARS,
    SEGMENT,
    has_capital,
    has_verb,
    is_finder,
    is_pronoun,
    is_speaker_noun,
    looks_like_name,
    name_joiners,
)
from .openings import opening_subject
from .organisations import names_an_organisation
from .reporting_verbs import reporting_verbs
from .speaker import is_clause, speaker_name, subject_phrase

#: "whose office", "whose spokeswoman": the relative that speaks for the name before it
MAX_WHOSE_WORDS = 3
#: words of a part before an inverted verb that can still be a name or a role
MAX_NAME_PART_WORDS = 12
#: lower-case adjectives after a body's name ("le Mobilier national")
MAX_NAME_ADJECTIVES = 2
#: how far into a sentence an aside between its subject and verb is looked for
ADVERB_ASIDE_CHARS = 120


def has_inner_capital(segment: str) -> bool:
    words = NAME_WORD.findall(normalize_for_matching(segment))
    return any(has_capital(w) for w in words[1:]) or (len(words) == 1 and has_capital(words[0]))


@dataclass(frozen=True, slots=True)
class _Parts:
    """The comma-separated parts before a verb that can hold its subject."""

    kept: list[str]
    #: the last part was "as he"/"comme il l'": an aside about the sentence's own subject
    aside: bool
    #: a clause stood between the parts ("…, is 17 miles away, she added")
    clause_inside: bool = False


def _segments(before: str, lexicon: Lexicon) -> _Parts:
    """The parts before a verb, introductions ("In a statement,") and appositives (", who
    chairs…,") left out, and "as"/"comme" cut from the last ("…, as the Herald reported")."""
    parts = _join_listed_names([s.strip() for s in SEGMENT.split(before)], lexicon)
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) > 1 and parts[-1].lower() in lexicon.object_pronouns:
        parts.pop()  # "Pere Soler, président de l'Union, la chiffre à 11 ans": a clitic
    aside = False
    if parts:
        marker = lexicon.inversion_start.match(normalize_for_matching(parts[-1]))
        if marker is not None and parts[-1][marker.end() :].strip():
            parts[-1] = parts[-1][marker.end() :].strip()
            aside = True
    kept: list[str] = []
    clause_inside = False
    for position, part in enumerate(parts):
        norm = normalize_for_matching(part)
        if not part or (
            position < len(parts) - 1
            and (lexicon.intro_start.match(norm) or _is_participle_clause(part, lexicon))
        ):
            continue
        # ", who chairs…," and ", a spokeswoman," are appositives; in "…, a district
        # spokesman said" the last part is the subject.
        last = position == len(parts) - 1
        relative, _, named = part.partition(" ")
        if last and relative.lower() in lexicon.object_relatives and named[:1].isupper():
            kept.append(named)  # "…, which Mr Tulley (said)": the name after the relative
            continue
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
            clause_inside = clause_inside or has_verb(part, lexicon)
            continue  # "…, named after a boy who drowned in 2019, …": not a subject
        conjunction = lexicon.conjunction_start.match(norm)
        kept.append(part[conjunction.end() :].strip() if conjunction else part)
    return _Parts([k for k in kept if k], aside, clause_inside)


def _is_participle_clause(part: str, lexicon: Lexicon) -> bool:
    """ "Presenting the plan to the board last Thursday", "Interrogeant les élus", "Installé
    au mas de la Roubine": a clause on a participle, not a name ("Bryant", "Helen Manning")."""
    words = part.split()
    return (
        len(words) >= 3
        and words[1][:1].islower()
        and not any(c in words[0] for c in "'’")  # "L'Institute for the Study of War"
        and words[0].lower().endswith(lexicon.participle_endings + lexicon.past_participle_endings)
    )


def _is_modifier(part: str, norm: str, lexicon: Lexicon) -> bool:
    """A middle part opening on a lower-case word other than an article or a conjunction
    ("named after…", "based in Leeds", "de son côté"): it qualifies, it does not speak."""
    return (
        part[:1].islower()
        and lexicon.article_start.match(norm) is None
        and lexicon.conjunction_start.match(norm) is None
    )


def _join_listed_names(parts: list[str], lexicon: Lexicon) -> list[str]:
    """ "the Department for Environment, Food and Rural Affairs": a name whose words are
    listed with commas is one part (capitalised words joined by "and" after the last comma)."""
    joiners = name_joiners(lexicon)
    joined: list[str] = []
    pending: list[str] = []  # capitalised parts waiting for the one with "and"
    for part in parts:
        words = part.split()
        listed = bool(words) and all(w[:1].isupper() or w in joiners for w in words)
        previous = (pending or joined)[-1].split()[-1:] if (pending or joined) else []
        if listed and previous and previous[0][:1].isupper():
            if any(w in lexicon.list_conjunctions for w in words[1:-1]):
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
class Subject:
    speaker: str | None
    written: str
    pronoun: bool = False


def is_clause_part(part: str, lexicon: Lexicon, *, first: bool) -> bool:
    """A part before an inverted verb that is a clause, not a name or its apposition."""
    norm = normalize_for_matching(part.strip())
    if any(q in part for q in QUOTE_CHARS):
        return True
    if not first and lexicon.appositive_start.match(norm):
        return False  # ", a retired machinist who rents out a cabin on X Lane,": an apposition
    return (
        (has_verb(part, lexicon) and not _is_relative_clause(part, lexicon))
        # "…, mais chaque hectare coûte 6 500 €, a chiffré X": a clause, not an apposition
        or lexicon.conjunction.match(norm) is not None
        or len(part.split()) > MAX_NAME_PART_WORDS  # a clause with a verb no list knows
    )


def _is_relative_clause(part: str, lexicon: Lexicon) -> bool:
    """ ", who chairs the committee,": it describes the name before, it is no clause of its own."""
    words = part.split(maxsplit=1)
    return bool(words) and (
        words[0].lower() in lexicon.relative_pronouns
        or words[0].lower() in lexicon.relative_possessives  # ", whose family has farmed…,"
    )


def subject_before(
    sentence: str, verb_start: int, lexicon: Lexicon, *, trailing: bool = False
) -> Subject | None:
    """The grammatical subject of a verb, from the text before its verb group.

    The part next to the verb is the subject when what comes first is a clause ("The
    deficit grew, the report says.") or a pronoun stands there ("…, she added."); else
    the first part, a name before a role ("Jane Doe, the finance director, told…").  In
    an aside ("Kim veut …, comme il l'a souligné") the pronoun is the sentence's subject.
    """
    antecedent = _whose_antecedent(sentence[:verb_start], lexicon) or _relative_antecedent(
        sentence[:verb_start], lexicon
    )
    if antecedent is not None:
        return antecedent
    parts = _segments(sentence[:verb_start], lexicon)
    kept = parts.kept
    if not kept:
        return None
    adjacent = subject_phrase(kept[-1], lexicon)
    opening = adjacent.split(maxsplit=1)[0].lower() if adjacent else ""
    pronouns = lexicon.relative_subjects | lexicon.subject_pronouns
    if len(adjacent.split()) > 2 and opening in pronouns:
        # "Elle reconnaît une douzaine d'annulations…, mais (souligne)": she is the subject
        return Subject(None, opening, pronoun=True)
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
                return Subject(own[0], own[1])
        # "Traffic grew by 9 percent, he told reporters": a clause first, the pronoun speaks.
        # "The nearest pool, in X, is 17 miles away, she added": a clause in between too.
        if (
            len(kept) == 1
            or first is None
            or parts.aside
            or parts.clause_inside
            or any(is_clause(k, lexicon) for k in kept[:-1])
        ):
            return Subject(None, adjacent, pronoun=True)
    named_before = speaker_name(kept[-2], lexicon) if len(kept) > 1 else None
    if (
        named_before is not None
        and looks_like_name(named_before)
        and speaker_name(adjacent, lexicon) is not None
        and not has_capital(adjacent)
        and any(w in lexicon.speaker_nouns for w in adjacent.lower().split())
    ):
        # "…, Councillor Ann Pym, the cabinet member for finance, told…": the name, not the role
        return Subject(named_before, kept[-2])
    if len(kept) > 1 and (trailing or first is None or parts.clause_inside):
        # "X, which answers…, has 14 posts vacant, center director Y said in an interview"
        name = speaker_name(adjacent, lexicon)
        return Subject(name, adjacent) if name is not None else None
    subjects = [subject_phrase(k, lexicon) for k in kept]
    named = [
        k
        for k in subjects
        if has_inner_capital(k)
        and not _opens_on_participle(k, lexicon)  # "X, rattaché au ministère de Y, a relevé"
        and speaker_name(k, lexicon) is not None
    ]
    # A person's name before a role with a place in it ("le préfet de la Drôme, Olivier Grandin").
    # … and before a role written in capitals ("Kestermouth's MP, Laura Bennion, raised…").
    named.sort(key=lambda k: not looks_like_name(k) or not _ends_with_person(k, lexicon))
    chosen = named[0] if named else subject_phrase(kept[0], lexicon)
    name = speaker_name(chosen, lexicon)
    return Subject(name, chosen) if name is not None else None


def _opens_on_participle(part: str, lexicon: Lexicon) -> bool:
    """ "rattaché au ministère de l'Agriculture", "based in Leeds": an apposition, no subject."""
    first = part.split(maxsplit=1)[0] if part.strip() else ""
    return first.islower() and len(first) > 3 and first.endswith(lexicon.past_participle_endings)


def _whose_antecedent(before: str, lexicon: Lexicon) -> Subject | None:
    """ "…registered with the Traffic Commissioner, whose office said…": the office is the
    Commissioner's, the name ending the part before."""
    parts = [p.strip() for p in SEGMENT.split(before)]
    while parts and not parts[-1]:
        parts.pop()
    if (
        len(parts) < 2
        or parts[-1].split(maxsplit=1)[0].lower() not in lexicon.relative_possessives
        or len(parts[-1].split()) > MAX_WHOSE_WORDS  # "whose husband died at X in May"
    ):
        return None
    return _name_ending(parts[-2], lexicon)


def _name_ending(part: str, lexicon: Lexicon, *, adjectives: int = 0) -> Subject | None:
    """The name ending a part ("…registered with the Traffic Commissioner"), with up to
    `adjectives` lower-case words after its capitals ("le Mobilier national")."""
    words = part.split()
    end = len(words)
    while end > len(words) - adjectives and end > 0 and words[end - 1].isalpha():
        if not words[end - 1].islower():
            break
        end -= 1
    if end < len(words) and (end == 0 or not words[end - 1][:1].isupper()):
        end = len(words)  # no capital before the lower-case words: they end no name
    start = end
    joiners = name_joiners(lexicon)
    while start > 0 and (words[start - 1][:1].isupper() or words[start - 1] in joiners):
        start -= 1
    while start < end and words[start] in joiners:
        start += 1
    if start == end or start == 0:
        return None  # no name, or a name opening the sentence: the first part speaks anyway
    before = words[start - 1].lower()
    if adjectives and (lexicon.article_start.fullmatch(before) is None or before in joiners):
        return None  # "la Compagnie maritime des îles du Ponant": the name began before
    written = " ".join(words[start:])
    name = speaker_name(written, lexicon)
    if name is None or not looks_like_name(" ".join(words[start:end])):
        return None
    return Subject(name, written)


def _ends_with_person(phrase: str, lexicon: Lexicon) -> bool:
    """ "Councillor Martin Hale", "Jane Doe": a person's name ends it; "Kestermouth's MP"
    (a role) does not."""
    words = phrase.split()
    if not is_speaker_noun(phrase, lexicon):
        return True
    return len(words) >= 3 and all(w[:1].isupper() and not w.isupper() for w in words[-2:])


def _relative_antecedent(before: str, lexicon: Lexicon) -> Subject | None:
    """ "…un rapport du Barpi, qui recensait 180 incidents": the report's author reports."""
    parts = [p.strip() for p in SEGMENT.split(before)]
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) < 2 or parts[-1].lower() not in lexicon.subject_relatives:
        return None
    author = author_named_in(parts[-2], lexicon)
    if author is not None:
        return Subject(author, author)
    # "Parmi ses clients figure le Mobilier national, qui confirme…": the name just before
    return _name_ending(parts[-2], lexicon, adjectives=MAX_NAME_ADJECTIVES)


def _shared_subject(part: str, adjacent: str, lexicon: Lexicon) -> Subject | None:
    """ "The union surveyed 640 homes and found that…": a verb right after "and" shares the
    subject of the clause before it."""
    if adjacent or not part:
        return None
    conjunctions = list(lexicon.conjunction.finditer(normalize_for_matching(part)))
    if not conjunctions or part[conjunctions[-1].end() :].strip():
        return None
    clause = part[: conjunctions[-1].start()]
    opening = clause.split(maxsplit=1)[0].lower() if clause.strip() else ""
    if opening in lexicon.subject_pronouns:
        return Subject(None, opening, pronoun=True)  # "Elle emploie 12 personnes et dit…"
    own = leading_speaker(clause, lexicon)
    return Subject(own[0], own[1]) if own is not None else None


def _document_owner(kept: list[str], adjacent: str, lexicon: Lexicon) -> Subject | None:
    """ "X upheld 46 complaints, its annual report shows": the report is X's; after a clause
    without a speaker of its own, whose it is is told by the sentence before (a pronoun)."""
    words = adjacent.split()
    if len(words) < 2 or words[0].lower() not in lexicon.possessives:
        return None
    if not is_finder(adjacent, lexicon):
        return None
    own = leading_speaker(kept[0], lexicon) if len(kept) > 1 else None
    if own is not None and (
        has_inner_capital(own[1]) or is_speaker_noun(own[1], lexicon) or is_finder(own[1], lexicon)
    ):
        return Subject(own[0], own[1])
    return Subject(None, adjacent, pronoun=True)


def _without_adverb_aside(sentence: str, lexicon: Lexicon) -> str:
    """ "La chambre d'agriculture, de son côté, juge…" -> "La chambre d'agriculture juge…":
    the aside between a subject and its verb ("côté" is no participle)."""
    norm = normalize_for_matching(sentence)
    comma = norm.find(",", 0, ADVERB_ASIDE_CHARS)
    if comma < 0:
        return sentence
    adverb = lexicon.adverb_start.match(norm[comma + 1 :].lstrip())
    if adverb is None:
        return sentence
    start = len(norm) - len(norm[comma + 1 :].lstrip()) + adverb.end()
    if norm[start : start + 1] != ",":
        return sentence
    return sentence[:comma] + sentence[start + 1 :]


def leading_speaker(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """The subject of a sentence's first verb when it is a speaker ("The ministry published
    its figures on Monday." -> "ministry"), with the phrase as written."""
    sentence = _without_adverb_aside(sentence, lexicon)
    norm = normalize_for_matching(sentence)
    positions = [m.start() for m in lexicon.clause_verb_pattern.finditer(norm)][:1]
    positions += [
        m.start()
        for m in LETTER_RUN.finditer(norm)
        if m.group().islower() and m.group() in lexicon.clause_verb_words
    ][:1]
    positions += [start for start, _, _ in reporting_verbs(norm, lexicon)][:1]
    subject = subject_before(sentence, min(positions), lexicon) if positions else None
    if subject is None or subject.speaker is None:
        return opening_subject(sentence, lexicon)
    return subject.speaker, subject.written


def only_person(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "L'argument ne convainc pas Sophie Garnier, conseillère…", "Dans son bureau, Claire
    Rambert ne cache pas…": the one person a sentence names (two or three capitalised
    words, no organisation word, not after a preposition: "in Brackley Down" is a place),
    whom a pronoun or a role after it means; none when it names two."""
    words = sentence.split()
    people: set[str] = set()
    for start, run in _capitalised_runs(words):
        if run and (
            lexicon.article_start.fullmatch(run[0].lower())
            or lexicon.intro_start.fullmatch(run[0].lower())
        ):
            run, start = run[1:], start + 1  # "La Région Bretagne", "À Fressinval"
        elif run and ELIDED_ARTICLE_WORD.match(run[0]):
            run, start = run[1:], start + 1  # "L'hydrobiologiste Anne Lacroix"
        elif run and ELIDED_BEFORE_NAME.match(run[0]):
            run = [run[0][2:], *run[1:]]  # "le cas d'Antoine Mattei"
        name = " ".join(run).rstrip(",.;:")
        before = words[start - 1].lower() if start > 0 else ""
        # "For Walter Nickerson, 67, the decision…": whose view the sentence opens on
        framing = start == 1 and lexicon.judgement_frame_start.match(f"{before} ") is not None
        # "in Brackley Down" is a place, "the Tyrone Herald" a paper: not people
        after_preposition = (
            bool(before)
            and not framing
            and (
                lexicon.intro_start.fullmatch(before) is not None
                or (
                    lexicon.article_start.fullmatch(before) is not None
                    and not (run and run[0].rstrip(".") in lexicon.honorific_titles)  # "le Dr X"
                )
            )
        )
        # "l'entreprise Armor Nuisibles": a name after an organisation's class is its name
        after_class = names_an_organisation(before.split("'")[-1].split("’")[-1], lexicon)
        if (
            2 <= len(run) <= 3
            and not after_preposition
            and not after_class
            and looks_like_name(name)
            and not any(names_an_organisation(w.rstrip(",.;:"), lexicon) for w in run)
        ):
            people.add(name)
    if len(people) != 1:
        return None
    (person,) = people
    return person, person


def _capitalised_runs(words: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of capitalised words, each ended by a lower-case word or by its own comma or
    full stop ("La Combe-d'Orsan, Nathalie Gros," is two runs)."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for i, word in enumerate(words):
        if word[:1].isupper() or ELIDED_BEFORE_NAME.match(word):  # "d'Antoine"
            if not current:
                start = i
            current.append(word)
            if word[-1:] in ",.;:":
                runs.append((start, current))
                current = []
        elif current:
            runs.append((start, current))
            current = []
    if current:
        runs.append((start, current))
    return runs


def can_speak(subject: str, lexicon: Lexicon) -> bool:
    """A name, a role, a body or a document: "The ministry", "Ruth Abara", "the report";
    not "Le tableau", "the road"."""
    if subject.lstrip().startswith(("«", "“", "„", '"')):
        return False  # the words of a quotation, not who speaks them
    words = [w for w in normalize_for_matching(subject).split() if w]
    return (
        any(w[:1].isupper() for w in words[1:])
        or (len(words) == 1 and words[0][:1].isupper())
        or is_speaker_noun(subject, lexicon)
        or is_finder(subject, lexicon)
        or any(w[:1].isupper() and names_an_organisation(w, lexicon) for w in words)
    )
