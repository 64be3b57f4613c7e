"""Who wrote a document a sentence names: "figures released by the ONS", "étude de
l'Observatoire", "a quote the club obtained", "A survey of marshals carried out by the
safety council"; the author, not the document, is the speaker a fact-checker asks."""

from __future__ import annotations

import re
from itertools import takewhile

from .common_words import is_person_noun
from .lexicon import Lexicon, normalize_for_matching
from .names import (
    MAX_SPEAKER_WORDS,
    NAME_LETTERS,
    NAME_PARTICLES,
    cut_at_stop,
    drop_articles,
    drop_leading_time,
    has_capital,
    is_date_word,
    is_name,
    is_speaker_noun,
    looks_like_name,
)
from .organisations import names_an_organisation

#: a document's head noun is among the first words of its phrase ("2023 inspection report")
MAX_DOCUMENT_MODIFIERS = 3
#: documents of one sentence looked at for their author (each a bounded window)
MAX_DOCUMENTS_NAMED = 3
#: words of a time phrase between a document's participle and its author ("earlier this year")
MAX_TIME_WORDS = 4
#: words of the subject of a relative clause with no pronoun ("the parish council")
MAX_CONTACT_SUBJECT_WORDS = 3
#: the agent of a document, after its subject matter ("of 3,000 students by the X")
_AGENT_LINK = re.compile(r"\b(?:by|par)\s+", re.IGNORECASE)


def _skip_time_before_author(rest: str, lexicon: Lexicon) -> str:
    """ "last month by the X", "in 2023 by the X", "lundi par l'agence": the time between
    a document's participle and its author, in lower-case words and figures, goes."""
    rest = drop_leading_time(rest, lexicon)
    words = rest.split(" ")
    if lexicon.author_link.fullmatch(words[0].lower()):
        return rest  # "par la fédération de pêche de l'Indre": the author comes first
    for i, word in enumerate(words[: MAX_TIME_WORDS + 1]):
        if word.lower() in lexicon.addressee_links and not lexicon.season_time.match(
            normalize_for_matching(" " + " ".join(words[i : i + 2]))  # the pattern's space
        ):
            break  # "présenté jeudi aux élus du secteur": who it went to ("au printemps": when)
        if not i:
            continue
        if lexicon.author_link.fullmatch(word.lower()) and all(
            w[:1].islower() or w[:1].isdigit() or is_date_word(w, lexicon) for w in words[:i]
        ):
            return " ".join(words[i:])
    return rest


def _cut_before_coordinated_participle(author: str, lexicon: Lexicon) -> str:
    """ "the city and released in October" -> "the city": a second participle of the
    document, not part of its author's name."""
    for conjunction in lexicon.conjunction.finditer(normalize_for_matching(author)):
        after = author[conjunction.end() :].lstrip()
        if conjunction.start() > 0 and lexicon.document_participle.match(
            normalize_for_matching(after)
        ):
            return author[: conjunction.start()].rstrip()
    return author


def _skip_adjectives(rest: str, lexicon: Lexicon) -> str:
    """ "interne de la DDSP", "annuel du Conseil": at most two lower-case words between a
    document and the link to its author."""
    words = rest.split(" ")
    for i in (1, 2):
        if (
            i < len(words)
            and all(w.isalpha() and w.islower() for w in words[:i])
            and lexicon.author_link.match(normalize_for_matching(" ".join(words[i:])))
        ):
            return " ".join(words[i:])
    return rest


#: "rapport d'inspection", "panel de distribution": links with no article
_BARE_LINKS = frozenset(["d'", "d’", "de"])


#: who a document was made for ("carried out for X", "réalisée pour X")
_CLIENT_LINK = re.compile(r"\b(?:for|pour)\s+", re.IGNORECASE)


def _client_after_subject_matter(author: str, lexicon: Lexicon) -> str:
    """ "(A survey of) wild seed beds in X Bay carried out for Natural Resources Wales": what
    it surveyed, its participle, then the body it was made for, who speaks through it."""
    participle = lexicon.document_participle.search(normalize_for_matching(author))
    if participle is None or participle.start() == 0:
        return author
    made_by = author[: participle.start()]
    if made_by[:1].isupper() or names_an_organisation(made_by.split()[0], lexicon):
        return author  # "(sondage de l')institut Opinéa réalisé pour La Gazette": the maker
    client = _CLIENT_LINK.match(author, participle.end() + 1)
    if client is None:
        return author
    named = drop_articles(author[client.end() :], lexicon)
    return named if named[:1].isupper() else author


def _after_compound_noun(author: str, lexicon: Lexicon) -> str:
    """ "(rapport d')inspection du Cerema", "(panel de) distribution de l'institut Panelis":
    a noun joined to the document without an article makes one document with it; the body
    that wrote it follows ("l'inventaire des orgues d'Alsace" is about organs: "des" is no
    such link)."""
    head, _, rest = author.partition(" ")
    link = lexicon.author_link.match(normalize_for_matching(rest))
    if (
        link is None
        or not head.isalpha()
        or not head.islower()
        or is_speaker_noun(head, lexicon)
        or is_person_noun(head, lexicon)
    ):
        return author
    named = drop_articles(rest[link.end() :].lstrip(" '’"), lexicon)
    return named if named[:1].isupper() else author


def _cut_before_addressee(author: str, lexicon: Lexicon) -> str:
    """ "la société Atemax à la chambre d'agriculture" -> "la société Atemax": who a
    document went to is no part of who gave it ("Respirer à Saint-Aubin" is a name)."""
    words = author.split(" ")
    for i in range(1, len(words) - 1):
        if words[i].lower() in lexicon.addressee_links and words[i + 1][:1].islower():
            return " ".join(words[:i])
    return author


def _maker(author: str, lexicon: Lexicon, *, commissioned: bool = False) -> str:
    """ "the council from the accountancy firm Pell & Royce" (commissioned by one, made by
    the other) -> "accountancy firm Pell & Royce"; "le syndicat au cabinet Hydroconseil en
    2023" after "commandé" -> "cabinet Hydroconseil"."""
    norm = normalize_for_matching(author)
    link = lexicon.supplier_link.search(norm, 1)
    if link is None and commissioned:
        link = lexicon.commission_link.search(norm, 1)
    if link is None:
        return author
    maker = _trim_author(drop_articles(author[link.end() :].lstrip(" '’"), lexicon), lexicon)
    if maker.split(" ", 1)[0].lower() in lexicon.possessives:
        # "menée par l'Union auprès de ses adhérents": those it asked, not who made it
        return _trim_author(author[: link.start()].rstrip(), lexicon)
    return maker if is_name(maker, lexicon) else author


def _author_in_relative(rest: str, lexicon: Lexicon) -> str | None:
    """ "(les relevés) que Jérôme Vaissade effectue chaque semaine" -> "Jérôme Vaissade":
    a name, then a verb, in the relative clause after a document, keeps it."""
    relative, _, after = rest.partition(" ")
    elided = next((p for p in lexicon.object_relatives if p.endswith(("'", "’"))), None)
    if elided is not None and relative.lower().startswith(elided) and len(relative) > len(elided):
        relative, after = elided, f"{relative[len(elided) :]} {after}"
    if relative.lower() not in lexicon.object_relatives:
        return None
    words = after.split()
    run = list(takewhile(lambda w: w[:1].isupper() or w in NAME_PARTICLES, words))
    while run and run[-1] in NAME_PARTICLES:
        run.pop()
    name = " ".join(run)
    followed_by_verb = len(run) < len(words) and words[len(run)][:1].islower()
    if len(run) >= 2 and followed_by_verb and looks_like_name(name) and is_name(name, lexicon):
        return name
    return None


def _author_in_contact_clause(rest: str, lexicon: Lexicon) -> str | None:
    """ "(a quote) the club obtained from a dealer", "(a report) the council published": a
    relative clause with no pronoun, its subject an article and a name before its verb."""
    words = rest.split()
    if (
        len(words) < 3
        or not lexicon.article_start.fullmatch(words[0].lower())
        or words[0].lower() in lexicon.complement_links  # "(rapport) de la Cour des comptes"
    ):
        return None
    for i in range(2, min(len(words), MAX_CONTACT_SUBJECT_WORDS + 2)):
        verb = words[i].lower().rstrip(",.;:")
        if verb.endswith(lexicon.past_participle_endings) and verb.isalpha():
            author = " ".join(words[1:i])
            return author if is_name(author, lexicon) else None
    return None


def author_of_document(phrase: str, lexicon: Lexicon) -> str:
    """ "figures released by the ONS" -> "ONS"; "étude de l'Observatoire" -> "Observatoire".

    The author is taken when the link is an agent ("released by", "réalisée par") or the
    author is a name; "rapport du renseignement militaire" stays the report.
    """
    words = phrase.split(" ")
    head = next(
        (
            i
            for i, w in enumerate(words[: MAX_DOCUMENT_MODIFIERS + 1])
            if (w.islower() or (i == 0 and w[1:].islower())) and w.lower() in lexicon.document_nouns
        ),
        None,
    )
    if head is None and len(words) > 3 and words[0].islower():
        # "tarifs communiqués par la société X": any noun given by someone is its document
        given = lexicon.document_participle.match(normalize_for_matching(" ".join(words[1:])))
        by_word = words[1 + len(given.group().split())].lower() if given else ""
        head = 0 if given is not None and _AGENT_LINK.fullmatch(by_word + " ") else None
    if head is None:
        return phrase
    while head + 1 < len(words) and words[head + 1].lower() in lexicon.document_nouns:
        head += 1  # "inspection report by…": the head is the last of the nouns
    document = " ".join(words[: head + 1])
    rest = " ".join(words[head + 1 :])
    keeper = _author_in_relative(rest, lexicon) or _author_in_contact_clause(rest, lexicon)
    if keeper is not None:
        return keeper
    participle = lexicon.document_participle.match(normalize_for_matching(rest))
    if participle is not None and participle.group().lower() in lexicon.acquisition_participles:
        return document  # "records obtained by the Ledger": the Ledger is no author
    if participle is not None:
        rest = _skip_time_before_author(rest[participle.end() :].lstrip(), lexicon)
    commissioned = participle is not None and participle.group().lower() in (
        lexicon.commission_participles
    )
    link = lexicon.author_link.match(normalize_for_matching(rest))
    if link is None and participle is None:
        rest = _skip_adjectives(rest, lexicon)  # "audit interne de la DDSP"
        link = lexicon.author_link.match(normalize_for_matching(rest))
    if link is None and commissioned:
        link = lexicon.commission_link.match(normalize_for_matching(rest))  # "commandée au X"
    if link is None:
        return document if participle is not None else phrase
    if words[0].endswith(("'s", "’s")) and not has_capital(rest):
        return document  # "federation's own survey (of members)"
    author = drop_articles(rest[link.end() :].lstrip(" '’"), lexicon)
    if link.group().lower() in _BARE_LINKS:
        author = _after_compound_noun(author, lexicon)
    agent_link = _AGENT_LINK.search(author)
    if agent_link is not None and link.group().lower() not in {"by", "par"}:
        # "A survey of island businesses by the X", "of more than 3,000 students by the X":
        # what the document is about, then its agent ("of the meeting seen by the Post":
        # the agent of something else)
        between = normalize_for_matching(author[: agent_link.start()])
        seen = lexicon.document_participle.search(between)
        if ", " not in between and (
            seen is None
            # "of marshals carried out by": the survey's own agent, after what it is about;
            # "du cabinet X commandée par": the cabinet is the author, the agent its client
            or (
                seen.group().lower() not in lexicon.acquisition_participles
                and not has_capital(between)
                and not any(names_an_organisation(w, lexicon) for w in between.split())
            )
        ):
            author = drop_articles(author[agent_link.end() :], lexicon)
    elif link.group().lower() not in {"by", "par"}:
        author = _client_after_subject_matter(author, lexicon)
    author = _cut_before_coordinated_participle(author, lexicon)
    author = _trim_author(_maker(author, lexicon, commissioned=commissioned), lexicon)
    author = _cut_before_addressee(author, lexicon)
    agent = participle is not None or link.group().lower() in {"by", "par"}
    # "la chambre régionale des comptes", a body in lower case with its complement, writes
    # too ("council meeting" and "la direction" alone stay the document's)
    author_words = author.lower().split()
    body = (
        is_speaker_noun(author, lexicon)
        and author_words[0] not in lexicon.document_nouns
        and (
            any(w in lexicon.complement_links for w in author_words[1:-1])
            or author_words[-1] in lexicon.speaker_nouns  # "the county's budget office"
        )
    )
    if not agent and has_capital(document) and not has_capital(author):
        return document  # "An Estyn inspection of the cylch": what it inspected is no author
    if is_name(author, lexicon) and (agent or has_capital(author) or body):
        return author
    return document if participle is not None else phrase


def author_named_in(sentence: str, lexicon: Lexicon) -> str | None:
    """ "La ville s'appuie sur un audit du cabinet X, commandé…" -> "cabinet X": the author
    of a document the sentence names, for a later "le document" to speak through."""
    words = sentence.split()
    documents = [i for i, w in enumerate(words[:-1]) if w.islower() and w in lexicon.document_nouns]
    for i in documents[:MAX_DOCUMENTS_NAMED]:
        window = " ".join(words[i : i + MAX_SPEAKER_WORDS + 2])
        phrase = re.split(r"[,;:.!?()]", window, maxsplit=1)[0]
        author = cut_at_stop(author_of_document(phrase, lexicon), lexicon)
        if author.split(" ", 1)[0] != words[i] and is_name(author, lexicon):
            return author
    return None


def _trim_author(author: str, lexicon: Lexicon) -> str:
    """A document's author without what follows its name: a time phrase, a participle, a
    season, a dated complement ("Pell & Royce in 2023" -> "Pell & Royce")."""
    return _cut_before_dated(cut_at_stop(author, lexicon), lexicon)


def _cut_before_dated(author: str, lexicon: Lexicon) -> str:
    """ "the agency's regional director in 2021" (a document's author), "An inspection in
    May 2025" -> without the time: a preposition with a figure or a month ends the name."""
    norm = normalize_for_matching(author)
    for word in NAME_LETTERS.finditer(norm):
        following = norm[word.end() : word.end() + 2]
        month = NAME_LETTERS.match(norm, word.end() + 1)
        if (
            word.start() > 0
            and word.group().islower()
            and following[:1] == " "
            and (
                following[1:].isdigit()
                or (month is not None and month.group().lower() in lexicon.months.phrases)
            )
            and lexicon.intro_start.fullmatch(word.group())
        ):
            return author[: word.start()].rstrip()
    return author
