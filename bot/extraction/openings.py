"""The subject a sentence opens on when no verb list knows its verb: a name, a role with its
named complement ("La chambre d'agriculture de Lot-et-Garonne appelle…"), a role and its
person, an apposition; after an opening phrase too ("Pour alléger la facture, le Parc
naturel régional des Grands Causses finance…").
"""

from __future__ import annotations

import re

from .lexicon import Lexicon, normalize_for_matching
from .names import (
    ELIDED_ARTICLE_WORD,
    SEGMENT,
    has_capital,
    has_verb,
    is_speaker_noun,
    looks_like_name,
    name_joiners,
)
from .organisations import names_an_organisation
from .speaker import speaker_name

#: "La Direction régionale des affaires culturelles (Drac) des Hauts-de-France financera":
#: an article, a capitalised name in lower-case words, its acronym, maybe a place after
_NAME_WITH_ACRONYM = re.compile(
    r"((?:Le|La|Les|L['’]|The) ?[A-ZÀ-Þ][^,()\n]{0,80}?\([A-Z][\w -]{0,12}\)"
    r"(?: (?:de|des|du|d['’]|of) ?[A-ZÀ-Þ][\w'’-]*)?)"
)
#: complement words of a role opening a sentence ("chambre d'agriculture de Lot-et-Garonne")
MAX_ROLE_COMPLEMENT_WORDS = 6
#: lower-case words inside a name, between its capitals ("naturel régional des")
MAX_BRIDGED_WORDS = 3
#: "(divers gauche)", "(Labour)": a party or an age after a name
_BRACKETS = re.compile(r" ?\([^()\n]{0,60}\)")


def opening_subject(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """The subject before a verb no list knows, after an opening phrase if there is one
    ("Pour alléger la facture, le Parc naturel régional des Grands Causses finance…")."""
    found = (
        _apposed_subject(sentence, lexicon)
        or _role_then_name(sentence, lexicon)
        or _leading_name(sentence, lexicon)
        or _leading_role(sentence, lexicon)
    )
    rest = _after_opening_phrase(sentence, lexicon) if found is None else ""
    if rest:
        # only a name there: "D'après ses calculs, l'agence coûterait…" names no one
        found = _leading_name(rest, lexicon) or _leading_role(rest, lexicon)
        if found is not None and not has_capital(found[0]):
            return None
    return found


def _after_opening_phrase(sentence: str, lexicon: Lexicon) -> str:
    """The sentence after its opening phrase ("Pour alléger la facture, "), or ""."""
    first, comma, rest = sentence.partition(", ")
    if not comma or lexicon.intro_start.match(normalize_for_matching(first)) is None:
        return ""
    return rest


def _leading_role(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "Le syndicaliste s'inquiète…": an article, a person's role, then a verb no list
    knows: the role is the subject (the article names the person elsewhere)."""
    words = sentence.split()[: MAX_ROLE_COMPLEMENT_WORDS + 3]
    elided = bool(words) and ELIDED_ARTICLE_WORD.match(words[0]) is not None
    if elided:
        words = [words[0][:2], words[0][2:], *words[1:]]  # "L'association propose…"
    if not (
        len(words) >= 3
        and lexicon.article_start.fullmatch(words[0].lower())
        and words[1].islower()
        and (words[1] in lexicon.speaker_nouns or words[1] in lexicon.document_nouns)
    ):
        return None
    head = words[0] + words[1] if elided else f"{words[0]} {words[1]}"  # as written
    named = _named_complement_end(words, lexicon)
    if words[1] not in lexicon.speaker_nouns and named is None:
        return None  # "Les chiffres lui donnent raison": a document needs its author named
    if named is not None:
        # "La chambre d'agriculture de Lot-et-Garonne appelle…": the body and its place
        written = " ".join([head, *words[2:named]])
        name = speaker_name(written, lexicon)
        if name is not None:
            return name, written
    if words[2][:1].islower() and (not elided or names_an_organisation(words[1], lexicon)):
        return words[1], head  # "L'élu défend…" stays a clause, as before
    return None


def _named_complement_end(words: list[str], lexicon: Lexicon) -> int | None:
    """Where "chambre d'agriculture de Lot-et-Garonne" ends, when a capitalised name ends the
    role's complements and a lower-case word (a verb) follows; None otherwise."""
    end = None
    i = 2
    while i < len(words) - 1:
        word = words[i].lower()
        link, apostrophe, noun = word.partition("'")
        is_link = word in lexicon.complement_links
        article = lexicon.article_start.fullmatch(words[i + 1].lower()) is not None
        if is_link and article and i + 2 < len(words) and words[i + 2][:1].isupper():
            i += 1  # "de la Meuse": the article goes with the name
        if is_link and words[i + 1][:1].isupper():
            i += 2  # "de Lot-et-Garonne"
            end = i
            if words[i - 1][-1:] in ",.;:":
                return None  # "Le maire de Brest, Paul Kerouac, …": an apposition's
        elif apostrophe and f"{link}'" in lexicon.complement_links and noun.isalpha():
            i += 1  # "d'agriculture"
        elif is_link and words[i + 1].isalpha() and words[i + 1].islower():
            i += 2  # "de commerce"
        else:
            break
    if end is None or end >= len(words) or not words[end][:1].islower():
        return None
    return end


def _leading_name(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "The Housing Ombudsman upheld 46 complaints…": an article, a capitalised name, then
    a lower-case word (a verb no list knows): the name is the subject."""
    words = sentence.split()
    if len(words) < 3 or lexicon.article_start.fullmatch(words[0].lower()) is None:
        return None
    bracketed = _NAME_WITH_ACRONYM.match(sentence)
    if bracketed is not None:
        # "Le Service départemental d'incendie et de secours (Sdis 66) s'appuie…": the
        # name runs to its acronym, and the place after it
        name = speaker_name(bracketed.group(1), lexicon)
        return (name, bracketed.group(1)) if name is not None else None
    joiners = name_joiners(lexicon)
    end = 1
    while end < len(words) and (words[end][:1].isupper() or (end > 1 and words[end] in joiners)):
        end += 1
    while end > 1 and words[end - 1] in joiners:
        end -= 1
    capitals_end = end
    end = _bridge_adjectives(words, end, joiners)  # "Parc naturel régional des Grands Causses"
    if end == 1 or end == len(words) or not words[end][:1].islower():
        return None
    written = " ".join(words[:end])
    if not looks_like_name(" ".join(words[1:capitals_end])):
        return None
    name = speaker_name(written, lexicon)
    return (name, written) if name is not None else None


def _bridge_adjectives(words: list[str], end: int, joiners: frozenset[str]) -> int:
    """Past lower-case adjectives between two capitalised parts of one name: "Parc |
    naturel régional des | Grands Causses"; `end` unchanged when no capital follows them."""
    i = end
    while (
        i < len(words) and i - end < MAX_BRIDGED_WORDS and words[i].isalpha() and words[i].islower()
    ):
        i += 1
    if i == end or i >= len(words) or words[i - 1] not in joiners or not words[i][:1].isupper():
        return end
    while i < len(words) and (words[i][:1].isupper() or words[i] in joiners):
        i += 1
    while words[i - 1] in joiners:
        i -= 1
    return i


def _apposed_subject(sentence: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """ "Le député de la circonscription, Karim Haddad, demande…": a role, the person's name
    between commas, then the verb, whatever verb it is; or the name first, then a role in
    lower case ("Roger Fabre, éleveur de brebis, louerait…")."""
    parts = SEGMENT.split(sentence, maxsplit=2)
    if len(parts) < 3 or not parts[2].lstrip()[:1].islower():
        return None
    name = _BRACKETS.sub("", parts[1]).strip()  # "Philippe Aubrac (sans étiquette)"
    if not looks_like_name(name):
        name = speaker_name(name, lexicon) or name  # "Son directeur, le colonel X, …"
    if is_speaker_noun(parts[0], lexicon) and looks_like_name(name):
        return name, name
    body = speaker_name(parts[1], lexicon)
    if (
        is_speaker_noun(parts[0], lexicon)
        and body is not None
        and has_capital(body)
        and names_an_organisation(body.split()[0], lexicon)
    ):
        return body, parts[1].strip()  # "L'exploitant, la société Transfrontal, met…"
    first, role = speaker_name(parts[0], lexicon) or "", parts[1].strip()
    if (
        len(first.split()) >= 2
        and looks_like_name(first)
        and (role[:1].islower() or role[:1].isdigit())  # "fromager…", "54 ans"
        and not has_verb(role, lexicon)
    ):
        return first, parts[0].strip()
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
