"""An organisation named only by its class: "the company said", "l'entreprise a reconnu".

Articles name an organisation once ("Western Isles Ferries will cancel…", "la société Eaux
du Val-Brenne") and then by its class ("the state-owned operator", "l'entreprise"). Such a
speaker is the nearest earlier name the article used as an organisation of that class:

* a class noun written right before or after the name ("la société Eaux du Val-Brenne",
  "the energy regulator Ofgem", "the GMB union", "the terminal's operator, Northsea
  Terminals");
* a name with an organisation word in it ("Marchland Power Networks", "Western Isles
  Ferries": `organisation_name_words`);
* else the subject opening the sentence right before, when nothing in the article makes it
  a person ("France Nature Environnement dénonce…. D'après l'association, …"): not two
  capitalised words ("Ruth Okafor"), not a word capitalised only as a sentence opens
  ("Farmers have…").

A name in a complement ("filiale du groupe Aquanor", "a spokesman for the X Group") counts
only when no other name does. A person's name never counts: a name the article gives with
a role, a title or an age, or in apposition, is a person's. Class nouns, grouped by what
they can name, are `organisation_classes` in `data/<lang>.json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import Lexicon, load_raw, normalize_for_matching
from .names import ELIDED_ARTICLE_WORD, ELIDED_BEFORE_NAME, has_verb

MAX_SPEAKER_WORDS = 4
#: how far back the article is read for the name: a long article's 60 sentences, and a
#: bound on each lookup whatever the input
ORGANISATION_LOOKBACK_CHARS = 10_000
#: capitalised words (and the particles between them) that make one name
MAX_NAME_WORDS = 6
_CAPITAL = "A-ZÀ-ÖØ-Þ"
# "Eaux du Val-Brenne", "Pell & Royce", "Federation of Island Businesses", "Basaltes
# d'Auvergne": capitalised words
# joined by particles; each repetition consumes a capitalised word, so the match is linear.
#: small words inside an organisation's name ("Eaux du Val-Brenne", "Respirer à Saint-Aubin")
_PARTICLES = "(?:of|the|and|for|de|du|des|la|le|et|à|en|sur|aux|pour|&)"
_NAME = (
    rf"[{_CAPITAL}][\w'’&.-]*"
    rf"(?:[ \t]+(?:{_PARTICLES}[ \t]+|d['’])?[{_CAPITAL}][\w'’&.-]*)"
    rf"{{0,{MAX_NAME_WORDS - 1}}}"
)
_NAME_RUN = re.compile(rf"(?<![\w'’-]){_NAME}")
#: "Fondation (du patrimoine)": a link and a lower-case word after an organisation's head
_LINKED_WORD = re.compile(
    rf"(?:[ \t]+{_PARTICLES})+[ \t]+"
    rf"((?:[ld]['’])?(?:[a-zà-öø-ÿ]|[{_CAPITAL}])[\w-]*)(?=[ \t,.;:)])"
)
#: a name right after a class and its complements: "société coopérative Bleu de Dadou"
_NAME_AFTER_CLASS = re.compile(rf"[ \t]+{_NAME}")
#: particle-linked complements after an organisation's head ("de services et de paiement")
MAX_HEAD_COMPLEMENTS = 3
#: a full stop then a space inside a run of capitalised words: maybe a sentence's end
_SENTENCE_END_IN_RUN = re.compile(r"(?<=\.)[ \t]+")
#: lower-case words inside a name a class introduces ("l'association Séchoirs et mémoire du
#: Dropt", "l'association des Amis du puits Sainte-Barbe"): particles first, one other word
_INNER_LOWER = re.compile(
    rf"((?:[ \t]+{_PARTICLES})+(?:[ \t]+[a-zà-ÿ][\w-]*)?(?:[ \t]+{_PARTICLES})*)[ \t]+({_NAME})"
)
#: capitalised words of a place before an organisation's class ("Tyne Valley processor")
MAX_PLACE_WORDS = 2
#: words of a named body's unit after its possessive ("Historic England's register team")
MAX_UNIT_WORDS = 3
#: the group of generic class nouns ("organisme", "body"): any organisation answers them
ANY_CLASS = "any"
#: words of an organisation's class before its name ("surveying firm", "marque parisienne")
MAX_CLASS_WORDS = 3
#: how far a sentence's opening phrase runs before its comma ("Côté syndical,")
OPENING_PHRASE_CHARS = 30
#: what stands before a sentence's first name: quotes, an article
_SENTENCE_OPENING = re.compile(r"[\s«“\"]*(?:(?:the|a|an|le|la|les|un|une)\s+|l['’])?", re.I)
_LEADING_PREPOSITIONS = frozenset(["chez", "at", "for", "pour", "selon"])
_LEADING_ARTICLES = frozenset(["the", "a", "an", "le", "la", "les", "l'", "un", "une"])
#: between a class and the name it introduces ("association des Amis…"); "de" names a place
#: ("brigade de gendarmerie de Saint-Léger")
_NAME_LINKS = frozenset(["des"])
_COMPLEMENT_WORDS = frozenset(["of", "for", "de", "du", "des", "d'", "pour", "à", "aux", "sur"])
#: an apposition after a name that makes it a person's: an age, a role, "who"
_PERSON_AFTER = re.compile(r"^,\s*(?:\d|(?!which\b|that\b|dont\b)[a-zà-öø-ÿ])")


@dataclass(frozen=True, slots=True)
class _Candidate:
    name: str
    start: int
    group: str | None  # the class group, None when only its place says it is an organisation
    complement: bool


@cache
def _classes(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """class noun -> group, and organisation name word -> group, from the language file.

    Each entry of `organisation_classes` is "group: noun noun…", of
    `organisation_name_words` "group: Word Word…".
    """
    raw = load_raw(language)
    nouns: dict[str, str] = {}
    words: dict[str, str] = {}
    for key, target in (("organisation_classes", nouns), ("organisation_name_words", words)):
        for entry in raw.get(key, []):
            group, _, members = str(entry).partition(":")
            for member in members.split():
                target.setdefault(member if target is words else member.lower(), group.strip())
    return nouns, words


def class_of(speaker: str, lexicon: Lexicon) -> str | None:
    """The class group of a speaker that is only a class noun ("state-owned operator",
    "entreprise", "energy regulator"), or None."""
    words = _words(speaker)
    if not speaker.islower():
        return None
    # The head stands before a complement: "direction du groupe" is a direction, and
    # "fédération de parents d'élèves" a federation however long its complement.
    link = next((i for i, w in enumerate(words) if w in _COMPLEMENT_WORDS), len(words))
    words = words[:link]
    if not 1 <= len(words) <= MAX_SPEAKER_WORDS:
        return None
    nouns, _ = _classes(lexicon.language)
    for word in (words[-1], words[0]):
        if word in nouns:
            return nouns[word]
    return None


def names_an_organisation(word: str, lexicon: Lexicon) -> bool:
    """ "société", "institut", "agency": a word that names an organisation, not a person's
    role ("élue", "maire")."""
    nouns, name_words = _classes(lexicon.language)
    return word.lower() in nouns or word.capitalize() in name_words


def _trim(name: str, *, keep_article: bool = False) -> str:
    """ "The Federation of Island Businesses" -> "Federation of Island Businesses"."""
    words = name.rstrip(".").split()  # "Powerwatch." ends its sentence
    if len(words) > 1 and words[0].lower() in _LEADING_PREPOSITIONS:
        words.pop(0)  # "Pour la Confédération paysanne…": the article after it goes too
    while words and words[0].lower() in _LEADING_ARTICLES and not keep_article:
        words.pop(0)
    if words and ELIDED_ARTICLE_WORD.match(words[0]):
        words.pop(0)  # "L'association Surfrider Foundation": the class goes before the name
    elif words and ELIDED_BEFORE_NAME.match(words[0]) and not keep_article:
        words[0] = words[0][2:]  # "L'Agence de l'eau": the article goes, the name stays
    if words and words[0].lower() in _LEADING_PREPOSITIONS:
        words.pop(0)  # "Chez Transalp Logistique, on assure…"
    while words and not (words[-1][:1].isupper() or ELIDED_BEFORE_NAME.match(words[-1])):
        words.pop()  # "(Basaltes) d'Auvergne" stays
    return " ".join(words)


def _is_person(name: str, text: str, lexicon: Lexicon) -> bool:
    """The article gives the name with a role or a title before it, or an apposition after
    it ("Eileen Parry, 71,", "Pascal Morin, éleveur", "the mayor, Ann Lee")."""
    for match in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", text):
        before = text[max(0, match.start() - 3) : match.start()]
        previous = text[: match.start()].split()[-1:]
        if _PERSON_AFTER.match(text[match.end() :]) or before.endswith(", "):
            return True
        role = previous[0].lower() if previous else ""
        if previous and (
            previous[0].rstrip(".") in lexicon.title_abbreviations
            or (role in lexicon.speaker_nouns and role not in _classes(lexicon.language)[0])
        ):
            return True
    return False


def _words(text: str) -> list[str]:
    """Lower-case words, an elided article kept apart: "l'entreprise" -> "l'", "entreprise"."""
    words: list[str] = []
    for word in normalize_for_matching(text).lower().split():
        article, apostrophe, rest = word.partition("'")
        words.extend([article + apostrophe, rest] if apostrophe and rest else [word])
    return words


def _complement_before(text: str, start: int, nouns: dict[str, str]) -> bool:
    """ "filiale du groupe Aquanor", "spokesman for the Acme Group": in a complement."""
    words = _words(text[max(0, start - 60) : start])
    while words and (words[-1] in _LEADING_ARTICLES or words[-1] in nouns):
        words.pop()
    return bool(words) and words[-1] in _COMPLEMENT_WORDS


def _introducing_class(before: list[str], nouns: dict[str, str]) -> str | None:
    """The group of the class noun just before a name: "la société (Eaux du Val-Brenne)",
    "l'association des (Amis du puits)", "l'association des familles (Les Amis…)"."""
    if before and before[-1] in nouns:
        return nouns[before[-1]]
    for noun_at in (2, 3):  # "association des (Amis)", "association des familles (Les Amis)"
        if (
            len(before) >= noun_at
            and before[-noun_at + 1] in _NAME_LINKS
            and before[-noun_at] in nouns
        ):
            return nouns[before[-noun_at]]
    return None


def _across_lower_case(text: str, end: int, lexicon: Lexicon) -> int:
    """Where a name a class introduces ends, across the lower-case words inside it
    ("Séchoirs" -> "Séchoirs et mémoire du Dropt"), never across a verb."""
    inner = _INNER_LOWER.match(text, end)
    if inner is None or has_verb(inner.group(1), lexicon):
        return end
    return inner.end()


def _name_runs(text: str, lexicon: Lexicon) -> list[tuple[str, int]]:
    """Runs of capitalised words and where they start, cut where a sentence ends inside one
    ("…, Laurence Houbart. Bpifrance garantit…"), not after an abbreviation ("Co. Ltd")."""
    runs: list[tuple[str, int]] = []
    for run in _NAME_RUN.finditer(text):
        piece_start = 0
        for stop in _SENTENCE_END_IN_RUN.finditer(run.group()):
            word = run.group()[: stop.start()].rsplit(None, 1)[-1].rstrip(".").lower()
            if len(word) > 1 and word not in lexicon.abbreviations:
                runs.append((run.group()[piece_start : stop.start()], run.start() + piece_start))
                piece_start = stop.end()
        runs.append((run.group()[piece_start:], run.start() + piece_start))
    return runs


def _head_complement_end(text: str, end: int, lexicon: Lexicon) -> int:
    """Where an organisation named by its head word and lower-case complements ends:
    "Fondation du patrimoine", "Agence de services et de paiement", "Ligue pour la
    protection des oiseaux"; each word after a link ("de", "pour"), never a verb."""
    for _ in range(MAX_HEAD_COMPLEMENTS):
        linked = _LINKED_WORD.match(text, end)
        if (
            linked is None
            or not _COMPLEMENT_WORDS.intersection(_words(linked.group(0))[:-1])
            or _is_verb(linked.group(1), lexicon)
        ):
            break  # "(le Département) et la commune": no link, another subject
        end = linked.end()
    return end


def _is_verb(word: str, lexicon: Lexicon) -> bool:
    return has_verb(word, lexicon) or any(
        pattern.fullmatch(word) is not None
        for pattern in (lexicon.reporting_present, lexicon.finding_verbs, lexicon.quote_tag_verbs)
    )


def _candidates(text: str, lexicon: Lexicon) -> list[_Candidate]:
    """Every name of `text` an organisation could be, with its class group when known."""
    nouns, name_words = _classes(lexicon.language)
    found: list[_Candidate] = []
    for run_text, run_start in _name_runs(text, lexicon):
        name = _trim(run_text)
        if not name:
            continue
        head = text[max(0, run_start - 2) : run_start]
        if name != run_text.rstrip(".") and head.endswith(" ") and head[:1].islower():
            # "…des familles Les Amis des Tilleuls": mid-sentence, the article is the name's
            name = _trim(run_text, keep_article=True)
        start = run_start + run_text.find(name)
        end = start + len(name)
        # The head is the last organisation word: "Aldry Water Authority" is an authority;
        # the word alone ("Buses lined up…") names nothing.
        words = name.split()
        group = next((name_words[w] for w in reversed(words) if w in name_words), None)
        group = group if len(words) > 1 or words[0].isupper() else None  # "la CGT" is a union
        before = _words(text[max(0, start - 40) : start].rstrip(" ,"))
        introduced = _introducing_class(before, nouns)
        if introduced is not None:
            end = _across_lower_case(text, end, lexicon)
            name = text[start:end]
        elif len(words) == 1 and words[0] in name_words:
            end = _head_complement_end(text, end, lexicon)  # "Fondation du patrimoine"
            name = text[start:end]
            group = name_words[words[0]] if len(name.split()) > 1 or name.isupper() else None
            words = name.split()
        group = group or introduced
        after = _words(text[end : end + 40].lstrip(" ,"))
        if group is None and after and after[0] in nouns:
            group = nouns[after[0]]  # "the GMB union"
        found.append(_Candidate(name, start, group, _complement_before(text, start, nouns)))
    return found


def _subject_of_last_sentence(text: str, lexicon: Lexicon) -> tuple[str, int] | None:
    """The capitalised name opening the last sentence of `text`, and where it starts."""
    body = text.rstrip()
    cut = max(body.rfind(". "), body.rfind(".\n"), body.rfind("\n"))
    start = cut + 1 if cut >= 0 else 0
    while start < len(body) and body[start] in ' \n\t«“"':
        start += 1
    start = _after_opening_phrase(body, start, lexicon)
    run = _NAME_RUN.match(body, start)
    if run is None:
        return None
    name = _trim(run.group())
    following = body[run.end() :].split()[:3]
    if (
        not name
        or not run.group().endswith(name)
        or not following
        or not following[0][:1].islower()
        or any(w[:1].isupper() for w in following[1:])  # "Local shopkeeper Ruth Okafor"
    ):
        return None
    return name, run.end() - len(name)


def _after_opening_phrase(body: str, start: int, lexicon: Lexicon) -> int:
    """ "Côté syndical, le SNUipp-FSU dénonce…": where the subject starts after a short
    opening phrase and its article."""
    comma = body.find(",", start, start + OPENING_PHRASE_CHARS)
    if comma < 0 or not lexicon.intro_start.fullmatch(body[start:comma].split(" ", 1)[0].lower()):
        return start
    opening = _SENTENCE_OPENING.match(body, comma + 1, comma + 14)
    return opening.end() if opening else comma + 1


def _is_name_in_prose(name: str, text: str) -> bool:
    """A one-word name is a name when the article capitalises it mid-sentence too ("about
    Marchland since Monday"), an acronym, or has a capital inside ("Météo-France");
    "Farmers have…" is not."""
    if (name.isupper() and len(name) > 1) or any(c.isupper() for c in name[1:]):
        return True
    return re.search(rf"\b[a-zà-öø-ÿ][\w'’,-]*[ \t]+{re.escape(name)}\b", text) is not None


def _leading_space(text: str, start: int) -> int:
    """Characters between a sentence's start and its first word ("The", an article kept)."""
    opening = _SENTENCE_OPENING.match(text, start, start + 12)
    return opening.end() - start if opening else 0


def organisation_by_class(
    speaker: str, before: str, lexicon: Lexicon, sentence_start: int | None = None
) -> str | None:
    """The organisation a class-noun speaker ("the company") names, from the article text
    `before` the speaker (its own sentence starting at `sentence_start`): see the module
    docstring."""
    group = class_of(speaker, lexicon)
    if group is None:
        return None
    names = _candidates(before, lexicon)
    opening = _opening_candidate(names, before, sentence_start, lexicon)
    if opening is not None and group == ANY_CLASS and not opening.complement:
        # "Bpifrance garantit la moitié du prêt, a précisé l'établissement public": the body
        # opening the speaker's own sentence, before any named earlier
        return opening.name
    for in_complement in (False, True):
        for candidate in reversed(names):
            # "l'organisme", "the body": a generic class, any organisation the article named
            matches = candidate.group == group or (group == ANY_CLASS and candidate.group)
            if matches and candidate.complement == in_complement:
                return candidate.name
    # "The Hexley Community Food Bank handed out…, the charity said": the organisation
    # opening the speaker's own sentence, whatever class its name says.
    if (
        opening is not None
        # an acronym ("La FCPE du Cantal…, selon la fédération")
        and (opening.group is not None or opening.name[:2].isupper())
        and not opening.complement
    ):
        return opening.name
    subject = _subject_of_last_sentence(before[:sentence_start], lexicon)
    if subject is None or _is_person(subject[0], before, lexicon):
        return None
    words = subject[0].split()
    if len(words) == 2 or (len(words) == 1 and not _is_name_in_prose(words[0], before)):
        return None  # "Ruth Okafor", a person's name as far as the text tells
    own = next((c for c in names if c.start == subject[1]), None)
    return subject[0] if own is None or own.group is None else None


def _opening_candidate(
    names: list[_Candidate], before: str, sentence_start: int | None, lexicon: Lexicon
) -> _Candidate | None:
    """The name opening the speaker's own sentence, if one does; not a participle opening
    a clause ("Lancée il y a dix-huit mois, la souscription…")."""
    if sentence_start is None:
        return None
    start = sentence_start + _leading_space(before, sentence_start)
    elided = 2 if ELIDED_BEFORE_NAME.match(before[start : start + 3]) else 0  # "L'ONF a…"
    opening = next((c for c in names if c.start in (start, start + elided)), None)
    if opening is None:
        return None
    word = opening.name.lower()
    if " " not in word and (
        word.endswith(lexicon.past_participle_endings) or word in lexicon.stopwords  # "Ces"
    ):
        return None
    return opening


def body_with_complements(head: str, before: str, lexicon: Lexicon) -> str | None:
    """ "la chambre" after "la chambre de métiers et de l'artisanat des Hauts-de-France": the
    last body named by this lower-case head and complements ending on a capitalised name."""
    found = None
    for match in re.finditer(rf"(?<![\w'’-]){re.escape(head)}(?![\w'’-])", before):
        end = _head_complement_end(before, match.end(), lexicon)
        # "communauté de communes Causses et Valdonnez": the class, then its name
        named = _NAME_AFTER_CLASS.match(before, end)
        end = named.end() if named is not None else end
        name = before[match.start() : end]
        last = name.split()[-1]
        if end > match.end() and (last[:1].isupper() or ELIDED_BEFORE_NAME.match(last)):
            found = name
    return found


def organisation_ahead(speaker: str, after: str, lexicon: Lexicon) -> str | None:
    """ "…, its operator has announced." opening an article, the name in the paragraph
    after ("Northway Buses said on Monday…"): the first name of the speaker's class."""
    group = class_of(speaker, lexicon)
    if group is None:
        return None
    return next(
        (c.name for c in _candidates(after, lexicon) if c.group == group and not c.complement),
        None,
    )


def without_class(speaker: str, lexicon: Lexicon) -> str:
    """ "association Samu-Urgences de France", "Surveying firm Dunley & Pratt" -> the name: the
    class says what an organisation is, the name who; fact-checkers cite the name."""
    words = speaker.split()
    place = next((i for i, w in enumerate(words[: MAX_PLACE_WORDS + 1]) if w.islower()), 0)
    if (
        0 < place < len(words) - 1
        and all(w[:1].isupper() for w in words[:place])
        and names_an_organisation(words[place], lexicon)
        and words[place + 1][:1].isupper()
    ):  # "Tyne Valley processor Atlantic Kelp Products": a place, then the class and name
        return without_class(" ".join(words[place:]), lexicon)
    for k in range(min(MAX_CLASS_WORDS, len(words) - 1)):
        if " ".join(words[: k + 1]).lower() in lexicon.territorial_bodies:
            return speaker  # "office de tourisme Champsaur-Valgaudemar": a place alone is none
        rest = words[k + 1 :]
        if (
            any(names_an_organisation(w, lexicon) for w in words[: k + 1])
            # the class in lower case, its first word capitalised only as a sentence opens
            and all(w.islower() for w in words[1 : k + 1])
            and words[k].islower()
            and (words[0].islower() or words[0][1:].islower())
            and rest[0][:1].isupper()
            # "coopérative des Sauniers de Keravel": the name is the class's complement, kept
            # whole; "association de consommateurs UFC-Que Choisir" drops its class
            and words[k].lower() not in _COMPLEMENT_WORDS
            and words[k].lower() not in _LEADING_ARTICLES  # "préfecture de la Marne"
            and not words[k].lower().endswith(("'", "’"))  # "direction de l'Agence"
        ):
            # "Rivages bretons", "Eaux du Val-Brenne": a short name opening on a capital
            return " ".join(rest) if len(rest) <= MAX_NAME_WORDS else speaker
    return speaker


def body_of_unit(phrase: str, lexicon: Lexicon) -> str:
    """ "Farm Service Agency's county office", "X Council's planning officer": an office or
    an officer of a named body speaks for it (not a document's addressee: "report to X")."""
    mark = max(phrase.rfind(m) for m in ("'s ", "’s ", "s' ", "s’ "))
    if mark < 0 or phrase.split()[0].lower() in lexicon.document_nouns:
        return phrase
    owner = phrase[: mark + 1] if phrase[mark] == "s" else phrase[:mark]
    unit = phrase[mark + 3 :].split()
    last = owner.split()[-1:]
    if (
        1 <= len(unit) <= MAX_UNIT_WORDS
        and all(w[:1].islower() and w[:1].isalpha() for w in unit)
        and last
        and any(c.isupper() for c in last[0])
    ):
        return owner
    return phrase
