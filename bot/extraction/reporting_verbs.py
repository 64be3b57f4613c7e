"""Which words of a sentence are its reporting verbs ("a affirmé", "has said", "found").

A reporting word is a verb only where it reports: not a noun ("41 confirmed cases",
"reports of damp"), not a passive ("has been admitted"); a present or a finding verb
reports only in some positions (`counts_as_reporting`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import dropwhile, pairwise

from bot.core.text import LETTER_RUN

from .lexicon import Lexicon
from .names import CURRENCIES, SEGMENT, is_finder, is_speaker_noun
from .organisations import class_of, names_an_organisation

#: reporting verbs tried per sentence, first to last (each try is linear in the sentence)
MAX_VERB_CANDIDATES = 6
#: words between an auxiliary and its participle ("avait pourtant relevé", "has also said")
MAX_AUX_GAP_WORDS = 3
#: characters looked back from a verb for its auxiliary or the word before it
LOOKBACK_CHARS = 40
#: how far after a quote verb a colon introduces what is reported
COLON_WINDOW_CHARS = 40
#: words between an estimating verb and its figure ("estime les dégâts à 380 000 €")
MAX_ESTIMATE_WORDS = 6
ESTIMATE_WINDOW_CHARS = 80
#: "put the value of the barns and walls to the local visitor economy at £6.2 million"
MAX_PUT_OBJECT_WORDS = 16
#: where a subject's acronym stands ("La LPO…", "The RSPB's…")
MAX_ACRONYM_AT = 2
#: characters between a closing quote and its tag's verb ("», ")
MAX_TAG_GAP_CHARS = 8
#: "«…», " right before a verb: the verb is the quotation's tag
_QUOTE_THEN_COMMA = re.compile(r"[»”\"]\s*,\s*$")
#: ", lui, ", ", dans une étude publiée l'an dernier, ": an aside of at most seven words between a
#: verb and its clause
_ASIDE = re.compile(r"\s*,\s*[^\W\d_][\w'’-]*(?:\s+[\w'’-]+){0,6}\s*,")


def _aux_before(norm: str, position: int, lexicon: Lexicon) -> int | None:
    """Start of an auxiliary at most `MAX_AUX_GAP_WORDS` words before `position`, in the
    same clause ("has said", "avait pourtant relevé", "comme l'a indiqué")."""
    start = max(0, position - LOOKBACK_CHARS)
    window = norm[start:position]
    boundary = max(window.rfind(c) for c in ',;:()«»“”"')
    start += boundary + 1
    words = list(LETTER_RUN.finditer(norm, start, position))
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
    if _estimate_follows(norm, end, lexicon):
        return False  # "X, président de l'Union, la chiffre à 11 ans": "la" is an object
    if before.rstrip().endswith(("'s", "’s")):
        return True  # "Mr Okafor's report found that…": a noun after a possessive
    if lexicon.inversion_end.search(before.rstrip()) is not None:
        return False  # "comme le rapporte": "le" is the object, not an article
    if lexicon.complementizer_start.match(norm[end:].lstrip()) is not None:
        return False  # "… in 2021 warned that": a verb before its clause
    words = before.split()
    previous = words[-1].lower() if words else ""
    if (
        previous[-1:].isalnum()
        and (
            previous[0].isdigit()
            or lexicon.article_start.fullmatch(previous) is not None
            # "A routine inspection report by…" (but "council records show" is a verb)
            or (
                previous in lexicon.document_nouns
                and norm[position:end].lower() in lexicon.document_nouns
            )
        )
    ):
        return True
    following = LETTER_RUN.match(norm, end + 1) if norm[end : end + 1] == " " else None
    if following is not None and following.group().lower() in lexicon.noun_complements:
        return True  # "investigate reports of damp"
    return following is not None and (
        lexicon.simple_past_reporting.fullmatch(following.group()) is not None
        or lexicon.reporting_present.fullmatch(following.group()) is not None
    )


def reporting_verbs(norm: str, lexicon: Lexicon) -> Iterator[tuple[int, int, bool]]:
    """Spans of the reporting verb groups ("a affirmé", "has said", "said", "found"), in
    sentence order, and whether the verb reports whatever follows it (`firm`: a simple
    past or a participle with its auxiliary) or only in some positions (a present tense,
    a finding: `counts_as_reporting`)."""
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
            if (
                pattern is lexicon.finding_verbs
                and previous
                and previous[0].lower() in lexicon.reflexive_pronouns
            ):
                continue  # "les dégâts se chiffrent à 3 500 euros": they amount to it
            if not _is_noun_use(norm, match.start(), match.end(), lexicon):
                aux = _aux_before(norm, match.start(), lexicon) if not firm else None
                found.setdefault(match.start() if aux is None else aux, (match.end(), firm))
    for match in lexicon.estimate_verbs.finditer(norm):
        if _estimate_follows(norm, match.end(), lexicon, MAX_PUT_OBJECT_WORDS):
            # "has put losses at $46 million": a finding; "put up fences" is none
            aux = _aux_before(norm, match.start(), lexicon)
            found.setdefault(match.start() if aux is None else aux, (match.end(), False))
    for start, end in _quote_verbs_before_clause(norm, lexicon):
        found.setdefault(start, (end, True))
    for start in sorted(found)[:MAX_VERB_CANDIDATES]:
        yield start, *found[start]


def _quote_verbs_before_clause(norm: str, lexicon: Lexicon) -> Iterator[tuple[int, int]]:
    """ "rappelle (de son côté) que…", "pointed out that…": a quote verb reports when a
    clause follows it, right after a quotation ("«…», déplore X") or a comma ("…, rappelle
    son porte-parole"); the reporting lists,
    which also score, stay as they are."""
    for match in lexicon.quote_tag_verbs.finditer(norm):
        start, end = match.span()
        word = match.group()
        if (
            "-" in word
            or norm[start - 1 : start].isalnum()
            or norm[end : end + 1].isalnum()
            or lexicon.according_to.fullmatch(word) is not None
        ):
            continue
        window = norm[max(0, start - MAX_TAG_GAP_CHARS) : start]
        if (
            clause_follows(norm, end, lexicon)
            or _QUOTE_THEN_COMMA.search(window)
            or window.rstrip().endswith(",")  # "…, rappelle son porte-parole, X."
        ):
            yield start, end


def _name_then_colon(text: str) -> bool:
    """ ", confirme Mathieu Escande : …": the tag's speaker, then a colon; no clause."""
    words = text.rstrip().removesuffix(":").split()
    return text.rstrip().endswith(":") and bool(words) and all(w[:1].isupper() for w in words)


def clause_follows(norm: str, end: int, lexicon: Lexicon) -> bool:
    """A clause after the verb, or after a short aside between commas ("indique, lui,
    que…", "said, however, that…"), or a French infinitive ("reconnaît refuser")."""
    complementizer = lexicon.complementizer_start.match(norm[end:])
    if complementizer is not None and not _name_then_colon(complementizer.group()):
        return True
    following = LETTER_RUN.match(norm, end + 1) if norm[end : end + 1] == " " else None
    if following is not None and following.group() == "n" and norm[following.end() :][:1] in "'’":
        following = LETTER_RUN.match(norm, following.end() + 1)  # "assure n'avoir…"
    if (
        following is not None
        and following.group().islower()
        and following.group().endswith(lexicon.infinitive_endings)
    ):
        return True  # "Il reconnaît refuser…", "dit avoir cherché": a reported infinitive
    colon = norm.find(":", end, end + COLON_WINDOW_CHARS)
    if colon >= 0 and not _name_then_colon(norm[end : colon + 1]):
        return True  # "rappelle de son côté l'enjeu économique : la filière a produit…"
    aside = _ASIDE.match(norm, end)
    return aside is not None and lexicon.complementizer_start.match(norm[aside.end() :]) is not None


def _names_a_person(subject: str, lexicon: Lexicon) -> bool:
    """A person's name, two or three capitalised words, right before the verb ("La
    Normandie assure à elle seule…" is a place: an article opens it)."""
    words = subject.split()[-3:]
    run = list(dropwhile(lambda w: not w[:1].isupper(), words))
    if run and lexicon.article_start.fullmatch(run[0].lower()):
        return False  # "Yannick Le Goff" stays a person
    return (
        len(words) >= 2
        and all(w[:1].isupper() for w in words[-2:])
        and not any(w[:1].isdigit() for w in words)
    )


def _estimate_follows(
    norm: str, end: int, lexicon: Lexicon, max_words: int = MAX_ESTIMATE_WORDS
) -> bool:
    """ "estime les dégâts à 380 000 €", "évalue à 95 millions", "put the cost at £3.6m": an
    estimate, a figure after "à"/"at" within a few words."""
    window = ESTIMATE_WINDOW_CHARS * max_words // MAX_ESTIMATE_WORDS
    words = norm[end : end + window].split()[: max_words + 1]
    return any(
        w.lower() in lexicon.estimate_links and nxt.lstrip("".join(CURRENCIES))[:1].isdigit()
        for w, nxt in pairwise(words)
    )


def counts_as_reporting(norm: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """A present or finding verb reports only before a clause, after a comma (inverted),
    at the end, or after a document or a named body ("figures show 412 cases"); "ont conclu
    un pacte" and
    "the report found" as a noun do not."""
    after = norm[end : end + 6].strip(".!?»”\"' ")
    before = norm[:start].rstrip()
    if not after or before.endswith(",") or lexicon.inversion_end.search(before):
        return True
    if clause_follows(norm, end, lexicon) or _estimate_follows(norm, end, lexicon):
        return True
    parts = SEGMENT.split(norm[:start])
    subject = parts[-1]
    if subject.strip().lower() in lexicon.subject_relatives and len(parts) > 1:
        subject = parts[-2]  # "un rapport du Barpi, qui recensait…": the report finds
    if _names_a_person(subject, lexicon):
        return True  # "Amandine Roux note des ventes « en hausse de 60 % »"
    # "The National Weather Service measured 11.4 inches": a named body finds too
    last = subject.split()[-1:]
    if last and last[0].islower() and last[0] in lexicon.document_nouns:
        return True  # "Office of Gaming figures show…"
    words = [w for w in subject.split() if w]
    if is_speaker_noun(subject, lexicon) and any(w[:1].isupper() for w in words[1:]):
        return True  # "L'office de tourisme de Hohenbach a comptabilisé…": a named body
    if any(len(w) > 1 and w.isupper() and w.isalpha() for w in words[:MAX_ACRONYM_AT]):
        return True  # "La LPO Centre-Val de Loire a compté…": a body by its acronym
    return is_finder(subject, lexicon) or any(
        names_an_organisation(w, lexicon) or class_of(w.partition("'")[2] or w, lexicon)
        for i, w in enumerate(words)
        if i or "'" in w  # "L'association a recensé…", "Le syndicat recense…"
    )
