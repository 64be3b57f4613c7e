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
from dataclasses import dataclass

from .cue_index import SIGNAL_CUES
from .lexicon import Lexicon, normalize_for_matching, tokenize
from .names import (
    ELIDED_BEFORE_NAME,
    NAME_WORD,
    QUOTE_CHARS,
    SEGMENT,
    has_capital,
    has_verb,
    is_pronoun,
    is_speaker_noun,
    looks_like_name,
    name_goes_on,
)
from .organisations import names_an_organisation, without_class
from .pronouns import INVERTED_PRONOUN, is_latter, latter_named
from .reporting_verbs import LOOKBACK_CHARS, clause_follows, counts_as_reporting, reporting_verbs
from .sources import (
    is_owned_source,
    is_pronoun_source,
    names_an_actor,
    names_no_source,
    opens_like_a_name,
)
from .speaker import apposed_name, speaker_name
from .subjects import can_speak, is_clause_part, leading_speaker, only_person, subject_before

#: a quotation introduced by a colon (its marks may be gone from a claim): the clause before
#: names who speaks
_QUOTE_AFTER_COLON = re.compile(r"\s:\s*(?:[«“\"]|[A-ZÀ-Þ])")
#: any clause after a colon: a person's account when a person opens the sentence
_CLAUSE_AFTER_COLON = re.compile(r"\s:\s+\S")
#: "X redoute « une désertification … »": a quotation opening right after the subject's verb
_QUOTE_OPENING = re.compile(r"\s[«“]\s*")
_QUOTE_CLOSING = re.compile(r"[»”]")
#: words between the subject and its quotation: a verb, "que", an adverb ("redoute déjà")
MAX_WORDS_BEFORE_QUOTE = 3
#: a quotation shorter than this, capitalised, is a title or a name ("« Les Amis du Rail »")
MIN_QUOTED_WORDS = 5
#: "Le Trot", "La Poste" after "selon": a one-word name written with its article
_ARTICLE_NAME = re.compile(r"\s+((?:Le|La|Les) [A-ZÀ-Þ][\w'’-]*)(?=\s*,)")
#: words of a person's name; a longer name is a body's ("Laiterie de la Claise")
MAX_PERSON_WORDS = 3
#: words after the verb of a tag that starts with its speaker ("Smith told the BBC on Monday")
MAX_TAG_TAIL = 4
#: words of a source read for its owner ("les chiffres transmis par ses services")
MAX_OWNED_SOURCE_WORDS = 6
_ACCORDING = SIGNAL_CUES.index("according")
_REPORTING = SIGNAL_CUES.index("reporting")

_SOURCE_END = re.compile(r"[,;:!?()]|\.(?=\s|$)|\s[-–—]\s|$")
_CONTINUATION = re.compile(r"^,\s*(?:dont|notamment|including|among them)\s", re.IGNORECASE)


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
    inside = -1
    for end in _SOURCE_END.finditer(tail):
        if end.start() < inside:
            continue
        resumes = name_goes_on(tail, end.start())
        if resumes is not None:
            inside = resumes  # "(CCI) du Cantal", "of Fisheries, Forestry and Agriculture"
            continue
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


_ADDRESSEE = re.compile(
    r"[ \t]*(\w+)[ \t]+(?:(?:l['’]|la[ \t]+|le[ \t]+|the[ \t]+))?[A-ZÀ-Þ][\w'’-]*"
    r"(?:[ \t]+[A-ZÀ-Þ][\w'’-]*){0,2}(?=[ \t])"
)


def _past_addressee(sentence: str, end: int, lexicon: Lexicon) -> int:
    """ "…, a précisé à l'Est Républicain son animateur, X": past the newspaper told."""
    told = _ADDRESSEE.match(sentence, end)
    if told is None or told.group(1).lower() not in lexicon.addressee_links:
        return end
    return told.end()


def speaker_before(
    previous: str | None, lexicon: Lexicon, earlier: str | None = None
) -> Attribution | None:
    """Who a pronoun speaker is: the speaker of the sentence before ("…, a indiqué le
    docteur X. …, a-t-il ajouté."), else its subject when that is a speaker ("The ministry
    published its figures. It said…"); `earlier`, the sentence before that one, answers for
    a pronoun of its own."""
    if not previous:
        return None
    reported = find_attribution(previous, lexicon, earlier)
    if reported is not None:
        return Attribution(reported.speaker, "previous sentence", reported.written)
    found = leading_speaker(previous, lexicon)
    if found is not None and found[0].islower() and INVERTED_PRONOUN.search(previous):
        return None  # "Les résultats, dit-il, sont…": he spoke there, whoever he is, not they
    if found is not None and not can_speak(found[1], lexicon):
        found = None  # "Le tableau sera absent 18 mois": a thing opens it, no one speaks
    person = only_person(previous, lexicon)
    if person is not None and (
        found is None
        or not looks_like_name(found[0])
        or lexicon.article_start.match(normalize_for_matching(found[1])) is not None
        or len(found[0].split()) > MAX_PERSON_WORDS  # "Laiterie de la Claise": a body
    ):
        found = person  # "Directeur du réseau La Poste…, Gwenaël Tanguy défend…": him
    return Attribution(found[0], "previous sentence", found[1]) if found else None


def latter_before(previous: str | None, lexicon: Lexicon) -> Attribution | None:
    """Who "celle-ci", "the latter" is (`pronouns.latter_named`), as an attribution."""
    found = latter_named(previous, lexicon)
    return Attribution(found[0], "previous sentence", found[1]) if found else None


def _owner_of_source(
    sentence: str, start: int, lexicon: Lexicon, previous: str | None
) -> Attribution | None:
    """ "La Mutualité sociale agricole a accordé…, selon son antenne locale", "…, selon les
    chiffres transmis par ses services": the source is the sentence's subject's own (its
    branch, its organisers, its figures); "Celle-ci…" is the body named just before."""
    words = sentence[start:].split()[:MAX_OWNED_SOURCE_WORDS]
    owned = bool(words) and (
        words[0].lower() in lexicon.possessives
        or (
            len(words) > 1
            and words[1].lower() in lexicon.document_nouns
            and any(w.lower() in lexicon.possessives for w in words[2:])
        )
    )
    if not owned:
        return None
    if is_latter(" ".join(sentence.split()[:2]), lexicon):
        return latter_before(previous, lexicon)
    own = leading_speaker(sentence[: max(0, start - 1)], lexicon)
    if own is None or not can_speak(own[1], lexicon):
        return None
    return Attribution(own[0], "according to", own[1])


def _pronoun_speaker(
    head: str, previous: str | None, lexicon: Lexicon, pronoun: str = ""
) -> Attribution | None:
    """Who "il", "lui", "he" is: a name opening the sentence itself ("Le député, X, a déposé
    un texte…, a-t-il indiqué"; "La préfecture a accordé…, a-t-elle confirmé", the article
    agreeing), else the speaker of the sentence before."""
    own = leading_speaker(head, lexicon) if head.strip() else None
    article = own[1].split(" ", 1)[0].lower() if own is not None else ""
    if (
        own is not None
        and (pronoun, article) in lexicon.pronoun_articles
        and has_capital(own[0])  # a named body: "Le diagnostic" stays no one's
        and can_speak(own[1], lexicon)
    ):
        return Attribution(own[0], "reported speech", own[1])
    if (
        own is not None
        and own[0].islower()
        and own[0].split(" ", 1)[0] in lexicon.speaker_nouns  # not "cotisation de l'association"
        and not names_an_organisation(own[0].split()[0], lexicon)  # "La mairie" is no "il"
    ):
        # "Le syndicaliste s'inquiète… : selon lui, …": the role, for the article to name
        return Attribution(own[0], "reported speech", own[1])
    if own is not None and lexicon.article_start.match(normalize_for_matching(own[1])):
        own = None  # "…, La Poste lui verserait…, a-t-il précisé": "il" is no "La Poste"
    if own is None or not looks_like_name(own[0]):
        own = only_person(head, lexicon)  # "La maire de V, Nathalie Gros, redoute…, dit-elle"
    if own is not None and looks_like_name(own[0]):
        return Attribution(own[0], "reported speech", own[1])
    return speaker_before(previous, lexicon)


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
    # "Pour Sophie Lemaire, déléguée CFDT de l'établissement, le…": a person and their role.
    after = sentence[start.end() :].lstrip()[len(written) :]
    role = after.lstrip(" ,").split(",")[0]
    if looks_like_name(name) and after.lstrip().startswith(",") and role[:1].islower():
        return Attribution(name, "according to", written)
    return None


def find_attribution(
    sentence: str, lexicon: Lexicon, previous: str | None = None
) -> Attribution | None:
    """The speaker a sentence names for its content, if it names one.

    `previous` is the sentence before in the same paragraph: a pronoun subject ("It
    said…") is its subject, and so is the owner of "ses calculs", "sa direction régionale".
    """
    found = _find_attribution(sentence, lexicon, previous)
    if found is not None and is_owned_source(found.speaker, found.written, lexicon):
        own = leading_speaker(sentence, lexicon)
        if own is not None and can_speak(own[1], lexicon) and own[0] != found.speaker:
            found = Attribution(own[0], found.cue, own[1])
        else:
            found = speaker_before(previous, lexicon)
    if found is None:
        return None
    if ELIDED_BEFORE_NAME.match(found.written):
        return found  # "L'Agence de l'eau Adour-Garonne": a class written as the name's own
    return Attribution(without_class(found.speaker, lexicon), found.cue, found.written)


def _find_attribution(
    sentence: str, lexicon: Lexicon, previous: str | None = None
) -> Attribution | None:
    norm = normalize_for_matching(sentence)
    view = holder(sentence, lexicon)
    if view is not None:
        return view
    frame = lexicon.judgement_frame_start.match(norm)
    if frame is not None and is_pronoun(norm[frame.end() :].split(",", 1)[0].strip(), lexicon):
        return speaker_before(previous, lexicon)  # "Pour lui, l'enjeu est…": the one before
    if _ends_with_pronoun_tag(norm, lexicon):
        head = sentence[: norm.rfind(",")]
        tag = INVERTED_PRONOUN.search(norm, norm.rfind(","))
        pronoun = tag.group(1).lower() if tag is not None else ""
        return _pronoun_speaker(head, previous, lexicon, pronoun)  # "…, a-t-il rappelé."
    introduced = _QUOTE_AFTER_COLON.search(norm) or _CLAUSE_AFTER_COLON.search(norm)
    if introduced is not None:
        # "Sa porte-parole, Aurélie Caron, craint des classes surchargées : « On nous…»";
        # "Son gérant, X, a fait ses comptes : le moulin a trituré 74 tonnes": a person's
        # account after the colon
        own = leading_speaker(sentence[: introduced.start()], lexicon)
        if (
            own is not None
            and can_speak(own[1], lexicon)
            and (
                _QUOTE_AFTER_COLON.match(norm, introduced.start())
                or (names_an_actor(own[0], lexicon) and not lexicon.according_to.search(norm))
            )
        ):
            return Attribution(own[0], "reported speech", own[1])
    quoted = _quoted_by_subject(sentence, lexicon)
    if quoted is not None:
        return quoted
    tokens = tokenize(norm)
    hits = lexicon.cues.phrase_counts(tokens)
    if not (
        hits[_ACCORDING]
        or hits[_REPORTING]
        or lexicon.according.extra_found(tokens, norm)
        or lexicon.reporting.extra_found(tokens, norm)
        or lexicon.finding_verbs.search(norm)
        or lexicon.estimate_verbs.search(norm)
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
        named = _ARTICLE_NAME.match(sentence, according.end())
        if named is not None:
            return Attribution(named.group(1), "according to", named.group(1))  # "Selon Le Trot"
        first = next(iter(reporting_verbs(norm, lexicon)), None)
        found = speaker_after(sentence, according.end(), lexicon)
        if found is not None and found[1].split(" ", 1)[0].lower() in lexicon.addressee_links:
            found = None  # "In a statement to this newspaper, …": the paper is told
        if (
            first is not None
            and first[0] < according.start()
            and not (found is not None and looks_like_name(found[0]))
        ):
            # "X told the Courier that…, citing counts by the district": X speaks; but
            # "The committee told the club that…, according to its chair, Y": Y does.
            reported = _reported_speaker(sentence, lexicon, previous, attribution_only)
            if reported is not None:
                return reported
        # "selon son antenne locale" is the subject's own; "selon son directeur, Marc Jeune" his
        owner = _owner_of_source(sentence, according.end(), lexicon, previous)
        if owner is not None and not (found is not None and looks_like_name(found[0])):
            return owner
        if found is not None and found[0] in lexicon.document_nouns:
            # "X prévoit 12 écluses, selon le dossier présenté aux élus": X's own file
            own = leading_speaker(sentence[: according.start()], lexicon)
            if (
                own is not None
                and (has_capital(own[0]) or is_speaker_noun(own[0], lexicon))
                and can_speak(own[1], lexicon)
            ):
                return Attribution(own[0], "according to", own[1])
        if found is not None and names_no_source(*found, lexicon):
            found = None  # "450 euros selon les finitions": depending on, not according to
        if found is not None:
            return Attribution(found[0], "according to", found[1])
        if is_pronoun_source(_phrase_after(sentence, according.end(), lexicon)[0], lexicon):
            # "Selon lui, …"; "Le maire, X, soutient le projet, qui rapporterait selon lui…"
            return _pronoun_speaker(sentence[: according.start()], previous, lexicon)
    return _reported_speaker(sentence, lexicon, previous, attribution_only)


def _quoted_by_subject(sentence: str, lexicon: Lexicon) -> Attribution | None:
    """ "Son président, X, redoute « une désertification complète » si rien n'est fait": the
    subject speaks the quotation its verb opens."""
    opening = _QUOTE_OPENING.search(sentence)
    if opening is None:
        return None
    own = leading_speaker(sentence[: opening.start()], lexicon)
    if own is None or not can_speak(own[1], lexicon):
        return None
    said_at = sentence.find(own[1])
    between = sentence[said_at + len(own[1]) : opening.start()].strip(" ,")
    closing = _QUOTE_CLOSING.search(sentence, opening.end())
    inner = sentence[opening.end() : closing.start() if closing else len(sentence)].split()
    if (
        said_at < 0
        or not 1 <= len(between.split()) <= MAX_WORDS_BEFORE_QUOTE
        or any(q in between for q in QUOTE_CHARS)
        or INVERTED_PRONOUN.search(normalize_for_matching(between)) is not None  # "dit-il"
        or len(inner) < MIN_QUOTED_WORDS
        or (inner[0][:1].isupper() and not has_verb(" ".join(inner), lexicon))
    ):
        return None
    return Attribution(own[0], "reported speech", own[1])


def _reported_speaker(
    sentence: str, lexicon: Lexicon, previous: str | None, attribution_only: bool
) -> Attribution | None:
    """The speaker of the sentence's first reporting verb that names one."""
    norm = normalize_for_matching(sentence)
    thing: Attribution | None = None
    for start, end, firm in reporting_verbs(norm, lexicon):
        if firm or attribution_only or counts_as_reporting(norm, start, end, lexicon):
            result = _speaker_of_verb(sentence, start, end, lexicon, previous, attribution_only)
            if result is not None and not can_speak(result.written, lexicon):
                # "La vente a rapporté 14 250 €, se félicite X": a thing is no speaker
                thing = thing or result
                continue
            if result is not None:
                return result
            if _opens_on_pronoun(norm, start, lexicon):
                return thing  # "Elle reconnaît que le constat… a relevé…": she speaks, unknown
    return thing


def _opens_on_pronoun(norm: str, start: int, lexicon: Lexicon) -> bool:
    """The verb at `start` has the pronoun opening the sentence as its subject ("Elle
    reconnaît que…", "He added that…")."""
    words = norm[:start].split()
    return len(words) == 1 and lexicon.pronoun.fullmatch(words[0].lower()) is not None


def _names_a_medium(norm: str, according: re.Match[str]) -> bool:
    """ ", interrogé par X,", ", quoted by X,", "Interrogé par X, …": after its subject or
    opening the sentence, the cue names who asked or quoted, not who speaks."""
    cue = according.group().split()
    after_subject = norm[: according.start()].rstrip().endswith(",")
    opening = according.start() == 0 and len(cue) > 1  # "Interrogé par La Dépêche, X a…"
    return (after_subject or opening) and cue[-1].lower() in {"par", "by"}


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
        return _pronoun_speaker(sentence[:start], previous, lexicon, pronoun.group(1).lower())
    before = norm[:start].rstrip().rstrip(QUOTE_CHARS + " ")
    last_word = before.rsplit(" ", 1)[-1].lower() if before else ""
    if is_latter(before, lexicon):
        return latter_before(previous, lexicon)  # "Celle-ci indique…", "The latter said…"
    object_clitic = last_word in lexicon.object_pronouns and len(before.split()) > 1
    if (
        lexicon.pronoun.fullmatch(last_word)
        and not lexicon.complementizer_start.match(last_word)
        and not object_clitic  # "Son assureur, la Mutuelle X, lui a fait savoir": told him
    ):
        # '«…,» he told the Tyrone Herald': the pronoun speaks, the paper is told
        return speaker_before(previous, lexicon)
    has_clause = clause_follows(norm, end, lexicon)
    inverted = (
        attribution_only
        or (
            not has_clause
            and (before.endswith(",") or lexicon.inversion_end.search(before) is not None)
            # "…, X, the cabinet member, told a meeting": the meeting is told, X speaks
            and norm[start:end].lower() not in lexicon.addressee_verbs
        )
    )
    if inverted and not attribution_only:
        # "X, the vice-chancellor, told staff in an email that…": staff are told, X tells;
        # "La maire de V, Isabelle Caron, a annoncé le dépôt…": only names before the verb.
        object_clause = _clause_after_object(norm, end, lexicon)
        parts = [part for part in SEGMENT.split(sentence[:start]) if part.strip()]
        names_only = not any(
            is_clause_part(part, lexicon, first=i == 0) for i, part in enumerate(parts)
        )
        if names_only and len(parts) == 1 and speaker_after(sentence, end, lexicon) is not None:
            # "Trop peu, estime Célia Martinez", "Bpifrance garantit la moitié du prêt, a
            # précisé l'établissement public": one phrase, then who says it
            names_only = False
        subject = subject_before(sentence, start, lexicon) if object_clause or names_only else None
        if (
            subject is not None
            and subject.speaker is not None
            and not subject.pronoun
            and (
                object_clause
                # not "principalement en Belgique et au Japon, précise X": no name opens so
                or (has_capital(subject.speaker) and opens_like_a_name(subject.speaker, lexicon))
            )
        ):
            return Attribution(subject.speaker, "reported speech", subject.written)
    if inverted:
        found = speaker_after(sentence, _past_addressee(sentence, end, lexicon), lexicon)
        if found is not None:
            return Attribution(found[0], "inverted", found[1])
    trailing = not has_clause and len(NAME_WORD.findall(norm[end:])) <= 3
    subject = subject_before(sentence, start, lexicon, trailing=trailing)
    if subject is None:
        return None
    if subject.pronoun:
        return speaker_before(previous, lexicon)
    if subject.speaker is None or any(q in subject.speaker for q in QUOTE_CHARS):
        return None
    written = subject.written.lstrip()
    if written.startswith(("«", "“", "„")) or (written[:1] == '"' and written[1:2] != " "):
        return None  # "«On nous présente ça…», estime l'élu": the quotation is no subject
    return Attribution(subject.speaker, "reported speech", subject.written)


def _clause_after_object(norm: str, end: int, lexicon: Lexicon) -> bool:
    """ "told staff in an email that…": a clause follows the verb's object, in its part."""
    words = SEGMENT.split(norm[end:], maxsplit=1)[0].split()[: MAX_TAG_TAIL + 2]
    return any(lexicon.complementizer_start.match(w) for w in words[1:])


def is_attribution_only(sentence: str, lexicon: Lexicon) -> bool:
    """ "C'est ce que rapporte X." / "That's what X said.": a speaker for the previous sentence."""
    norm = normalize_for_matching(sentence.strip())
    return lexicon.attribution_only_start.match(norm) is not None


def speaks_as_pronoun(sentence: str, lexicon: Lexicon) -> bool:
    """ "…, assure-t-il, sauf urgence.", "Elle précise que…": a reporting verb whose
    speaker is a pronoun, whoever it stands for."""
    norm = normalize_for_matching(sentence)
    first = norm.split(maxsplit=1)[0].lower() if norm.strip() else ""
    if is_latter(" ".join(norm.split()[:2]), lexicon):
        return False  # "Celle-ci indique…": the last name before, not the paragraph's speaker
    according = lexicon.according_to.search(norm)
    if according is not None and is_pronoun_source(
        _phrase_after(sentence, according.end(), lexicon)[0], lexicon
    ):
        return True  # "…, dont une vingtaine envisagent, selon elle, de réduire…"
    for pronoun in INVERTED_PRONOUN.finditer(norm):
        # the word before the pronoun, looked for within a bounded window (linear overall)
        window = norm[max(0, pronoun.start() - LOOKBACK_CHARS) : pronoun.start()]
        verb = window.rsplit(" ", 1)[-1]
        # ", assure-t-il,"; "a-t-il chiffré" (an auxiliary, the pronoun, the participle)
        group = verb + norm[pronoun.start() : pronoun.end() + LOOKBACK_CHARS].split(",")[0]
        if lexicon.pronoun.fullmatch(pronoun.group(1).lower()) and (
            lexicon.quote_tag_verbs.fullmatch(verb)
            or lexicon.reporting_present.fullmatch(verb)
            or lexicon.quote_tag_verbs.fullmatch(group.strip().rstrip(".!?"))
        ):
            return True
    for start, end, _ in reporting_verbs(norm, lexicon):
        after = INVERTED_PRONOUN.match(norm, end) or INVERTED_PRONOUN.search(norm, start, end)
        if after is not None and lexicon.pronoun.fullmatch(after.group(1).lower()):
            return True
        if lexicon.pronoun.fullmatch(first) and len(norm[:start].split()) <= 2:
            return True
        before = norm[max(0, start - LOOKBACK_CHARS) : start].split()[-1:]
        if (
            before
            and lexicon.pronoun.fullmatch(before[0].lower())
            and not lexicon.complementizer_start.match(before[0].lower())  # "a letter that said"
        ):
            return True  # "Last winter she waited five hours…, she said, and lost…"
    return False
