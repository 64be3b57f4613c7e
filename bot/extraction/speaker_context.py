"""Who a speaker named only by a class, a role, a document or a pronoun is, from the
article around it: "the company" after "Northway Buses", "la directrice du Parvis" after
"Claire Rambert", "selon ce rapport" after "l'ARS relève…", "…, assure-t-il" after "Il
reconnaît…", a quotation with no tag after the person just named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from itertools import takewhile

from .authors import author_named_in
from .common_words import is_person_name, is_person_noun
from .context import full_name, person_named_before
from .drafts import Draft
from .lexicon import Lexicon, normalize_for_matching
from .names import looks_like_name
from .organisations import (
    body_with_complements,
    names_an_organisation,
    organisation_ahead,
    organisation_by_class,
)
from .segment import Segment
from .subjects import can_speak, leading_speaker, only_person

#: sentences before a claim searched for the full name of "the association"
CONTEXT_SENTENCES = 3
#: how far back a pronoun looks for the last person who spoke, past unsourced sentences
PRONOUN_LOOKBACK_SENTENCES = 4
#: how far back a one-word speaker ("the authority") looks for its full name
SPEAKER_LOOKBACK_SENTENCES = 60
#: "directrice du Parvis", "head of the X Trust": a role, then the body it belongs to
_ROLE_OF = re.compile(
    r"^[^\W\d_][\w'’-]* (?:de la |de l['’]|du |des |de |d['’]|of the |of )[A-ZÀ-Þ]"
)
_POSSESSIVE = re.compile(r"[^\W\d_]+['’]s\b")


def named_speaker(
    draft: Draft,
    earlier: list[Draft],
    lexicon: Lexicon,
    before: str,
    sentence_start: int,
    ahead: str = "",
) -> None:
    """ "the authority", "l'agence", "the report": the speaker named in full just before.

    A one-word speaker is the nearest earlier speaker in the article that holds the word
    ("Aldry Water Authority", "agence régionale de santé", named paragraphs before); a
    document ("the report") is the nearest one that spoke through a document; a class
    ("the company", "the state-owned operator") the organisation the article named `before`
    the speaker, its sentence starting at `sentence_start` (`organisations.py`).
    """
    bare = draft.speaker
    if bare is not None and bare.isupper() and " " not in bare:
        # "Selon l'ONG": a class written in capitals
        found = organisation_by_class(bare.lower(), before, lexicon, sentence_start)
        draft.speaker = found or bare
        if found is not None:
            return
    if bare is not None and " " not in bare and looks_like_name(bare):
        # A surname alone ("…," Fitch told the radio): the person named in full before.
        draft.speaker = person_named_before(bare, before, lexicon) or bare
        return
    if bare is None or not bare[:1].islower():
        return
    # `earlier` is in the article's order: stop at the lookback, never rescan the article.
    recent = list(
        takewhile(
            lambda o: draft.segment_index - o.segment_index <= SPEAKER_LOOKBACK_SENTENCES,
            reversed(earlier),
        )
    )
    if not bare.islower():
        # "directrice du Parvis": a role of a named body is the person just before.
        if _ROLE_OF.search(bare):
            draft.speaker = _role_just_before(draft, recent, bare.split()[0], lexicon) or bare
        return
    if " " in bare:
        # "spokeswoman for the agency": the agency, when the sentence before named it
        spokesperson = lexicon.spokesperson_start.match(normalize_for_matching(bare))
        body = bare[spokesperson.end() :].split() if spokesperson else []
        draft.speaker = (
            organisation_by_class(bare, before, lexicon, sentence_start)
            or organisation_ahead(bare, ahead, lexicon)
            or _role_just_before(draft, recent, bare.split()[0], lexicon)
            or (_body_just_before(draft, recent, body[-1], lexicon) if body else None)
            or (
                None  # "la communauté de communes" after "communauté de communes X"
                if not names_an_organisation(bare.split()[0], lexicon)
                else body_with_complements(bare, before[:sentence_start], lexicon)
            )
            or bare
        )
        return
    document = bare in lexicon.document_nouns
    named = [o for o in recent if o.speaker is not None and o.speaker != bare]
    # The word as the head ("groupe Papeteries Delorme") before the word in a complement
    # ("direction du groupe"), which only counts close by.
    for head_only in (True, False):
        for other in named:
            if not head_only and draft.segment_index - other.segment_index > CONTEXT_SENTENCES:
                break
            words = _speaker_words(other, lexicon, head_only=head_only)
            if (bare in words) or (document and not words.isdisjoint(lexicon.document_nouns)):
                draft.speaker = other.speaker
                return
    organisation = (
        organisation_by_class(bare, before, lexicon, sentence_start)
        or organisation_ahead(bare, ahead, lexicon)
        or (
            None
            if document or not names_an_organisation(bare, lexicon)  # "le gérant": a person
            else body_with_complements(bare, before[:sentence_start], lexicon)
        )
    )
    if organisation is not None:
        draft.speaker = organisation
        return
    # Never a speaker before, but named in the article: "Calder University will close…".
    if not document:
        name = full_name(bare, " ".join(o.text for o in reversed(recent)))
        if name is not None:
            draft.speaker = name
            return
    draft.speaker = (
        _speaker_just_before(draft, recent, bare, lexicon)
        or _body_just_before(draft, recent, bare, lexicon)
        or bare
    )


def _body_just_before(draft: Draft, recent: list[Draft], bare: str, lexicon: Lexicon) -> str | None:
    """ "Picardie Nature a recensé 742 phoques. Selon le bilan de l'association, …": a class
    no earlier name holds is the body that spoke in the sentence just before, when that
    body's name says no other class (a person's name is all words no dictionary knows)."""
    if not names_an_organisation(bare, lexicon) or bare in lexicon.document_nouns:
        return None
    previous = recent[0] if recent else None
    if (
        previous is None
        or previous.segment_index != draft.segment_index - 1
        or previous.speaker is None
        or not previous.speaker[:1].isupper()
    ):
        return None
    words = previous.speaker.split()
    if is_person_name(previous.speaker, lexicon):
        return None  # "Michel Bodin": a person
    classes = {w.lower() for w in (*words, *previous.written.split())}
    if any(names_an_organisation(w, lexicon) for w in classes - {bare}):
        return None  # "le collectif Sauvons la maternité" is no "préfecture"
    return previous.speaker


def in_untagged_quote(text: str, seg: Segment) -> bool:
    """The sentence is (inside) a quotation: more quotes opened than closed before it on
    its line, or it opens one."""
    before = text[seg.line_start : seg.start]
    opens = text[seg.start : seg.end].lstrip().startswith(("«", "“"))
    return opens or before.count("«") > before.count("»") or before.count("“") > before.count("”")


def pronoun_in_paragraph(
    drafts: list[Draft],
    index: int,
    segments: list[Segment],
    lexicon: Lexicon,
    *,
    reach_back: bool = False,
    headings: AbstractSet[int] = frozenset(),
) -> str | None:
    """ "…, assure-t-il, …" after "Il reconnaît…", "a-t-elle précisé" two sentences after
    "Christelle Daubin élève…": the speaker, or the one person named, of the sentences just
    before in the same paragraph (or the paragraph before, for its first sentence);
    `reach_back` (a person's pronoun, "-t-il"): else the last person who spoke close by."""
    line = segments[index].line_index
    # A sentence opening its paragraph ("He added that…") reads the paragraph before, and
    # past a subheading (`headings`, the segments that are one): "Selon lui, …" after one.
    before = index - 1
    while before in headings:
        before -= 1
    opens_paragraph = before >= 0 and segments[before].line_index != line
    expected = before
    for other in reversed(drafts[-CONTEXT_SENTENCES:]):
        other_line = segments[other.segment_index].line_index
        if other.segment_index != expected or (other_line != line and not opens_paragraph):
            break
        if other_line != line and other_line != segments[before].line_index:
            break
        expected -= 1
        if other.speaker is not None:
            return other.speaker
        person = only_person(other.text, lexicon)
        if person is not None:
            return person[0]
    return _person_a_few_sentences_before(drafts, index, lexicon) if reach_back else None


def _person_a_few_sentences_before(drafts: list[Draft], index: int, lexicon: Lexicon) -> str | None:
    """ "…, explique-t-il" two paragraphs after "Grégory Dhainaut montre les bacs…", with
    a paragraph about things between ("Les racines… sont forcées…"): the last person who
    spoke, close by; none when someone else opens a sentence between ("Son épouse…")."""
    expected = index - 1
    for other in reversed(drafts):
        if index - other.segment_index > PRONOUN_LOOKBACK_SENTENCES:
            break
        if other.segment_index != expected:
            return None  # a sentence between that is no claim: who it names is unknown
        expected -= 1
        if other.speaker is not None:
            person = len(other.speaker.split()) >= 2 and looks_like_name(other.speaker)
            return other.speaker if person else None
        subject = leading_speaker(other.text, lexicon)
        if subject is not None and can_speak(subject[1], lexicon):
            return None
    return None


def _role_just_before(draft: Draft, recent: list[Draft], head: str, lexicon: Lexicon) -> str | None:
    """ "la directrice du Parvis" after "Claire Rambert ne cache pas…": a person's role
    with its complement is the person just before; a document or a body keeps its name."""
    if head in lexicon.document_nouns or names_an_organisation(head, lexicon):
        return None
    if draft.written.split(" ", 1)[0].lower() in lexicon.indefinite_articles:
        return None  # "a district spokesman": someone new, not the person before
    if head not in lexicon.speaker_nouns:
        head = draft.speaker.split()[-1] if draft.speaker else head  # "ancienne bibliothécaire"
    return _speaker_just_before(draft, recent, head, lexicon)


def _speaker_just_before(
    draft: Draft, recent: list[Draft], bare: str, lexicon: Lexicon
) -> str | None:
    """ "Selon ce rapport" after "l'ARS relève…", "selon le pharmacien" after his quote, "la
    directrice du Parvis" after "Claire Rambert ne cache pas…": the speaker of the three
    sentences before, a body for a document, a person for a person's role."""
    document = bare in lexicon.document_nouns
    wanted = _is_body if document else _is_person_for_role(bare, lexicon)
    own = None if document else only_person(draft.text, lexicon)
    if own is not None and wanted(own[0]):
        return own[0]  # "Le maire de V, Joan Soler, en sait quelque chose : …, selon l'élu."
    for other in recent:
        if draft.segment_index - other.segment_index > CONTEXT_SENTENCES:
            break
        # A sentence that names its subject without reporting ("l'ARS relève une série de
        # manquements") says whose the document is too; one that names one person, whom.
        subject = leading_speaker(other.text, lexicon)
        if subject is not None and not can_speak(subject[1], lexicon):
            subject = None  # "Une caisse climatisée a été commandée": a thing, no author
        speaker = other.speaker or (subject or ("",))[0]
        if document:
            speaker = author_named_in(other.text, lexicon) or speaker
        elif not wanted(speaker):
            speaker = (only_person(other.text, lexicon) or ("",))[0]
        if speaker and speaker != bare and wanted(speaker):
            return speaker
    return None


def _is_body(speaker: str) -> bool:
    """A body, not a person: "agence régionale de santé (ARS)", not "Jean Roux"."""
    return bool(speaker) and not looks_like_name(speaker)


def _is_person_for_role(role: str, lexicon: Lexicon) -> Callable[[str], bool]:
    """For a person's role ("pharmacien", "syndicaliste", "légumier"): a person's name; for
    anything else: nothing."""
    if (
        not is_person_noun(role, lexicon)
        or names_an_organisation(role, lexicon)
        or role in lexicon.spokesperson_nouns  # a spokesman speaks for a body
    ):
        return lambda _: False
    return lambda speaker: len(speaker.split()) >= 2 and looks_like_name(speaker)


def _speaker_words(draft: Draft, lexicon: Lexicon, *, head_only: bool) -> set[str]:
    """The words of a speaker and of its phrase as written; `head_only`: before "of"/"de",
    without a possessor ("university's governing council" is a council)."""
    words: set[str] = set()
    for phrase in (draft.speaker or "", draft.written):
        norm = normalize_for_matching(phrase)
        participle = lexicon.document_participle.search(norm, 1)
        if participle is not None and phrase is draft.written:
            # "dossier déposé en préfecture par la société": "préfecture" names no speaker
            norm = norm[: participle.start()]
        if head_only:
            link = lexicon.author_link.search(norm, 1)
            norm = _POSSESSIVE.sub(" ", norm[: link.start() if link else None])
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", norm))
    return words
