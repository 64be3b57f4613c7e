"""Claims a fact-checker can take as they are: what a sentence borrows from its neighbours.

A sentence in an article leans on the ones before it: "the association" was named
two sentences earlier, "also" continues a report whose speaker was given just before,
"ils" is whoever the previous sentence was about, and a judgement of the author's
("this strategy paid off") or a remark ("the measure comes late:") can lead the
verifiable part.  This module finds those cases with the language's cue lists:

* `resolve_references`: a definite noun ("the association") whose full name appears
  in the preceding sentences is replaced by it; a pronoun or noun that cannot be
  resolved is reported so the claim is marked as needing context, never guessed.
* `continues_report`: "Des missiles ... ont également ..." right after a sourced
  sentence of the same paragraph carries that speaker.
* `opinion_head_end` / `judgement_split`: where the verifiable part starts when an
  opinion clause before a colon, or the author's judgement before "when", leads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.text import WORD, letter_words, word_count

from .lexicon import Lexicon, normalize_for_matching
from .signals import compute_signals

MAX_OPINION_HEAD_WORDS = 8
MIN_TAIL_WORDS = 4
MAX_NAME_WORDS = 4
MAX_HINT_CHARS = 160
# An elided or bare article before a noun: "the", "l'", "le", "la", "ce", "this".
_ARTICLE_THEN_NOUN = re.compile(r"^(?P<article>\S+?(?:\s+|'|’))(?P<noun>[^\W\d_][\w-]*)$")
_COMPLEMENT_BEFORE = re.compile(r"(?:\b(?:de|of|for)|\bd')\s*$", re.IGNORECASE)
# A colon that ends a clause is followed by a space; the colons of "https://" and "10:30"
# are not.
_CLAUSE_COLON = re.compile(r":(?=\s)")
#: a word that makes the noun after it a complement ("président du syndicat", "head of the")
_LINK_WORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "d'",
        "d’",
        "la",
        "le",
        "les",
        "l'",
        "l’",
        "of",
        "for",
        "the",
        "à",
        "au",
        "aux",
    ]
)
#: a word that makes a description a phrase, not a name ("le dossier déposé en préfecture")
_DESCRIPTION_BREAKS = _LINK_WORDS | frozenset(["en", "in", "at", "by", "par"])
_LOWER_WORD = r"[a-zà-öø-ÿ][\w-]*"
_COMPLEMENT = re.compile(r"\s+(?:de|des|du|d'|d’|of|for)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class References:
    """The claim text with resolvable references replaced, and those left unresolved."""

    text: str
    #: (reference as written, its full name) for each replacement made
    resolved: tuple[tuple[str, str], ...]
    unresolved: tuple[str, ...]


def _has_name_before(text: str, lexicon: Lexicon) -> bool:
    """A proper noun before this point of the sentence the pronoun can refer to."""
    words = WORD.findall(text)
    if not words:
        return False
    first = words[0]
    if (
        first[0].isupper()
        and first.lower() not in lexicon.stopwords
        and not lexicon.article_start.match(first)
        and not lexicon.context_start.match(first)
    ):
        return True
    return any(w[0].isupper() for w in words[1:])


def full_name(noun: str, context: str) -> str | None:
    """The one longer name with the same head noun in the preceding text: "Northgate Nurses
    Association", "Federation of Island Businesses" or "county health department" for "the
    department"; None when there is none or several."""
    head = re.escape(noun)
    # A name stays on its line: a heading before it ("The cost") is not part of it. The
    # head in any case, the words before it capitalised ("Selon le Syndicat" is none).
    capitalised = re.compile(
        rf"((?:[A-ZÀ-ÖØ-Þ][\w'’.-]*[ \t]+){{1,{MAX_NAME_WORDS}}})(?i:{head})\b"
    )
    described = re.compile(
        rf"\b(?:the|le|la|les|l'|l’)[ \t]*((?:[\w’'-]+[ \t]+){{1,3}}){head}\b", re.IGNORECASE
    )
    # Written head first: "Federation of Island Businesses", "Office of Port Regulation".
    head_first = re.compile(
        rf"\b(?i:{head})[ \t]+(?:of|for|de|du|des)[ \t]+(?:the[ \t]+)?"
        rf"[A-ZÀ-ÖØ-Þ][\w'’.-]*"
        rf"(?:[ \t]+(?:and[ \t]+)?[A-ZÀ-ÖØ-Þ][\w'’.-]*){{0,{MAX_NAME_WORDS - 1}}}"
    )  # "Department of Agriculture and Land": "and" between capitals stays in the name
    names: set[str] = {m.group() for m in head_first.finditer(context) if m.group()[0].isupper()}
    # "L'Institut culturel basque, qui…": the head capitalised, its adjectives, an apposition
    capitalised_head = re.escape(noun[:1].upper() + noun[1:])
    adjectives = re.compile(rf"\b{capitalised_head}(?:[ \t]+{_LOWER_WORD}){{1,2}}(?=[ \t]*[,(])")
    names.update(m.group() for m in adjectives.finditer(context))
    for match in capitalised.finditer(context):
        words = match.group(1).split()
        # From the first capitalised word that is not an article: "The cost\n\nThe
        # Association" (a heading before) is "Association".
        while words and (
            not words[0][:1].isupper()
            or words[0].lower() in {"the", "a", "an", "this", "le", "la", "les"}
        ):
            words.pop(0)
        found = match.group().split()[-1]
        if words and found[:1].isupper():
            names.add(" ".join([*words, found]))
    if not names:
        for match in described.finditer(context):
            words = match.group(1).split()
            # "le président du syndicat" is a president: the noun is a complement there;
            # "le dossier déposé en préfecture" is a dossier.
            if not any(w.lower() in _DESCRIPTION_BREAKS for w in words):
                names.add(" ".join([*words, noun]))
    return names.pop() if len(names) == 1 else None


def person_named_before(surname: str, context: str, lexicon: Lexicon) -> str | None:
    """ "Fitch" told the radio: the one person the article named in full before ("Graham
    Fitch, the chief executive, …"), given name and surname; None when two people share
    the surname."""
    # up to two given names: "Ruth Ann Pfeiffer"
    pattern = re.compile(
        rf"(?<![\w'’-])((?:[A-ZÀ-ÖØ-Þ][\w'’-]*[ \t]+){{1,2}}){re.escape(surname)}(?![\w'’-])"
    )
    names: set[str] = set()
    for match in pattern.finditer(context):
        given = match.group(1).split()
        while given and not _is_given_name(given[0], lexicon):
            given.pop(0)  # "Mayor Jim Haskins", "When Ann Pfeiffer"
        if given and _is_given_name(given[-1], lexicon):
            names.add(" ".join([*given, surname]))
    return names.pop() if len(names) == 1 else None


def _is_given_name(word: str, lexicon: Lexicon) -> bool:
    """Not "The" (Fitch report), "Professor" or "Dr" (Osei): a word that can be a given name."""
    lowered = word.lower()
    return not (
        lowered in lexicon.stopwords
        or lowered in lexicon.speaker_nouns
        or word in lexicon.title_abbreviations
        or word in lexicon.honorific_titles
        or lexicon.article_start.fullmatch(word) is not None
        or not word[-1].isalpha()
    )


def _plural_subject(previous: str, lexicon: Lexicon) -> str | None:
    """ "les missiles KN23" from "Selon le Guardian, ces missiles KN23 auraient été livrés":
    the plural subject a following "ils" / "they" refers to, or None when there is none."""
    body = previous.strip()
    if lexicon.according_to.match(normalize_for_matching(body)) and "," in body:
        body = body.split(",", 1)[1].lstrip()
    match = lexicon.plural_subject.match(normalize_for_matching(body))
    if match is None or not lexicon.definite_plural:
        return None
    noun = body[match.start("noun") : match.end("noun")]
    # "the" is also singular: a plural noun must show it ("the trams", "les chevaux").
    if match.group("det").lower() == lexicon.definite_plural and not any(
        w.lower().endswith(("s", "x")) for w in noun.split()
    ):
        return None
    return f"{lexicon.definite_plural} {noun}"


def resolve_references(text: str, context: str, lexicon: Lexicon, previous: str = "") -> References:
    """Replace "the association" by its full name from `context`, and "ils" by the plural
    subject of the `previous` sentence; report what stays open."""
    if lexicon.anaphor_heads.isdisjoint(letter_words(text)):
        return References(text, (), ())
    norm = normalize_for_matching(text)
    resolved: list[tuple[str, str]] = []
    unresolved: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    for match in lexicon.anaphor.finditer(norm):
        phrase = text[match.start() : match.end()]
        before, after = norm[: match.start()], norm[match.end() :]
        if before.endswith("-") or after[:1] == "-":
            continue  # "a-t-il", "elle-même"
        if len(phrase.split()) == 1 and "'" not in normalize_for_matching(phrase):
            # A subject pronoun: resolved by a name earlier in the same sentence.
            if lexicon.impersonal_after_pronoun.match(after.lstrip()):
                continue
            if _has_name_before(text[: match.start()], lexicon):
                continue
            subject = (
                _plural_subject(previous, lexicon)
                if phrase.lower() in lexicon.plural_pronouns
                else None
            )
            if subject is None:
                unresolved.append(phrase)
                continue
            if phrase[:1].isupper():
                subject = subject[:1].upper() + subject[1:]
            replacements.append((match.start(), match.end(), subject))
            resolved.append((phrase, subject))
            continue
        if (
            any(c.isupper() for c in phrase.split()[-1].split("'")[-1])
            or after.lstrip()[:1].isupper()
            or _COMPLEMENT.match(after)
            or _COMPLEMENT_BEFORE.search(before)
        ):
            # "l'Observatoire", "le syndicat Sud-Rail", "l'association des usagers",
            # "la direction de la compagnie": a name, or specified where it stands.
            continue
        parts = _ARTICLE_THEN_NOUN.match(phrase)
        name = full_name(parts.group("noun"), context) if parts else None
        if parts is None or name is None:
            unresolved.append(phrase)
            continue
        article = parts.group("article")
        replacements.append((match.start() + len(article), match.end(), name))
        resolved.append((phrase, name))
    for start, end, name in reversed(replacements):
        text = text[:start] + name + text[end:]
    return References(text, tuple(resolved), tuple(unresolved))


def context_hint(references: tuple[str, ...], previous: str | None) -> str:
    """What a reviewer should read to understand the claim."""
    named = ", ".join(f'"{r}"' for r in dict.fromkeys(references))
    if not previous:
        return f"{named} refers to an earlier part of the article."
    previous = " ".join(previous.split())
    if len(previous) > MAX_HINT_CHARS:
        previous = previous[: MAX_HINT_CHARS - 1].rstrip() + "…"
    return f"{named} refers to an earlier sentence: {previous}"


def continues_report(sentence: str, lexicon: Lexicon) -> bool:
    """ "... ont également ...", "... also ...": the sentence adds to the previous report."""
    return lexicon.additive.search(normalize_for_matching(sentence)) is not None


def opinion_head_end(body: str, lexicon: Lexicon) -> int:
    """Where the facts start after a short remark and a colon ("La mesure arrive tard : …").

    The head must hold nothing to check (no figure, date, name or speaker) and the tail
    something (a figure, date or name); 0 when the sentence has no such head.
    """
    found = _CLAUSE_COLON.search(body)
    if found is None or found.start() == 0:
        return 0
    colon = found.start()
    head, tail = body[:colon], body[colon + 1 :]
    if word_count(head) > MAX_OPINION_HEAD_WORDS or word_count(tail) < MIN_TAIL_WORDS:
        return 0
    head_signals = compute_signals(head, lexicon)
    if (
        head_signals.number
        or head_signals.date
        or head_signals.named_entities
        or head_signals.named_source
        or head_signals.reported_speech
        or lexicon.according_to.search(normalize_for_matching(head))
    ):
        return 0
    tail_signals = compute_signals(tail, lexicon)
    if not (tail_signals.number or tail_signals.date or tail_signals.named_entities):
        return 0
    return colon + 1 + (len(tail) - len(tail.lstrip()))


@dataclass(frozen=True, slots=True)
class JudgementSplit:
    """The author's judgement cut off: where the fact starts, and a date kept from it."""

    fact_start: int
    date: str | None


def judgement_split(body: str, lexicon: Lexicon) -> JudgementSplit | None:
    """ "Cette stratégie s'est avérée payante en mars, lorsque la Russie a …": the fact is
    what follows "lorsque"; the date the judgement gave ("en mars") goes with it."""
    if lexicon.judgement_heads.isdisjoint(letter_words(body)):
        return None
    norm = normalize_for_matching(body)
    judgement = lexicon.judgement.search(norm)
    if judgement is None:
        return None
    for comma in re.finditer(r",\s*", norm[judgement.end() :]):
        at = judgement.end() + comma.end()
        conjunction = lexicon.when_conjunction.match(norm, at)
        if conjunction is None:
            continue
        fact_start = conjunction.end() + (
            len(norm[conjunction.end() :]) - len(norm[conjunction.end() :].lstrip())
        )
        if word_count(body[fact_start:]) < MIN_TAIL_WORDS + 1:
            return None
        date = date_phrases(lexicon).search(body, judgement.end(), judgement.end() + comma.start())
        return JudgementSplit(fact_start, date.group().strip() if date else None)
    return None


_DATE_PREPOSITIONS = ("en", "in", "au mois de", "début", "fin", "le", "on", "during", "pendant")


def date_phrases(lexicon: Lexicon) -> re.Pattern[str]:
    """ "en mars", "in March 2023", "le 4 mars": a date as a phrase that can open a claim."""
    return _date_phrases(lexicon.language, lexicon.months.phrases)


@cache
def _date_phrases(language: str, words: frozenset[str]) -> re.Pattern[str]:
    if not words:
        return re.compile(r"(?!x)x")
    months = "|".join(sorted((re.escape(m) for m in words), key=len, reverse=True))
    preps = "|".join(re.escape(p) for p in _DATE_PREPOSITIONS)
    return re.compile(
        rf"(?<![\w])(?:(?:{preps})\s+)?(?:\d{{1,2}}(?:er)?\s+)?(?:{months})(?:\s+\d{{4}})?(?![\w])",
        re.IGNORECASE,
    )


def drop_judgement_adjectives(text: str, lexicon: Lexicon) -> str:
    """ "des explosions et autres échecs embarrassants" -> "... autres échecs": a word of
    judgement qualifying a noun goes; after a copula ("est scandaleux") it is the claim
    itself, an opinion, and stays for the scorer to weigh."""
    if lexicon.judgement_adjective_words.isdisjoint(letter_words(text)):
        return text
    norm = normalize_for_matching(text)
    cuts: list[tuple[int, int]] = []
    for match in lexicon.opinion_adjective.finditer(norm):
        before = WORD.findall(norm[: match.start()])
        if not before or before[-1].lower() in lexicon.copulas or before[-1][:1].isupper():
            continue
        if len(before) < 2:
            continue
        start = match.start()
        while start > 0 and norm[start - 1] == " ":
            start -= 1
        cuts.append((start, match.end()))
    for start, end in reversed(cuts):
        text = text[:start] + text[end:]
    return text
