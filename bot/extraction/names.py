"""What a name is made of: the word-level tests every speaker rule shares.

A name is a short noun phrase with no verb and no figure (except inside it, "Channel 4",
"state 911 Board"), more than a determiner or a pronoun; what ends one (a time, a
relative clause, a season) and what a role or a finder is.  Word lists are in
`data/<lang>.json`.
"""

from __future__ import annotations

import re

from .lexicon import Lexicon, normalize_for_matching

MAX_SPEAKER_WORDS = 12
MAX_NAME_WORDS = 5
#: a comma or a dash between two parts of a sentence; not the comma of "62,000"
#: ", du sport et de la recherche": a name's enumerated complements go on past the comma
_ENUMERATED = r"(?!\s(?:du|des|de\sla|de\sl['’])\s?[^\W\d_A-ZÀ-Þ][\w-]*\set\s)"
SEGMENT = re.compile(rf"(?<!\d),{_ENUMERATED}|,(?!\d){_ENUMERATED}|\s[-–—]\s")
#: a word of a name: letters or digits with inner apostrophes, dots and hyphens ("U.S.")
NAME_WORD = re.compile(r"[^\W_][\w'’.-]*")
NAME_LETTERS = re.compile(r"[^\W\d_][\w-]*")
NAME_PARTICLES = frozenset([
    "de", "du", "des", "la", "le", "van", "von", "der", "den", "da", "di", "al", "bin", "ibn",
    "et", "and", "of", "for", "&",
])  # fmt: skip
CURRENCIES = frozenset("£$€¥")
#: quotation marks, opening and closing, in either language
QUOTE_CHARS = '«»“”„"‹›'
#: "L'association", "L'hydrobiologiste": an elided article and a lower-case noun, one word
ELIDED_ARTICLE_WORD = re.compile(r"^[LlDd]['’][a-zà-öø-ÿ]")
#: "d'Antoine", "L'Agence", "l'Ifremer": an elided article or preposition before a name
ELIDED_BEFORE_NAME = re.compile(r"^[dDlL]['’][A-ZÀ-Þ]")


#: "Department of Fisheries, Forestry and Agriculture": names listed after "of" are one name
_NAME_WORDS = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,3}"
_LISTED_NAMES = re.compile(rf", {_NAME_WORDS}(?:, {_NAME_WORDS}){{0,3}} and {_NAME_WORDS}")
#: how far back "of X" is looked for before a comma (a bounded window)
OF_NAME_LOOKBACK = 60
_OF_NAME_END = re.compile(r"\bof [A-Z][\w'’-]*$")
#: an acronym in brackets inside a name, the name going on after it: "agence régionale de
#: santé (ARS) Centre-Val de Loire" (cited "ARS Centre-Val de Loire"), "(CCI) du Cantal"
INNER_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9}(?: [0-9]{1,3})?)\) (?=\S)")


def _capitalised(word: str) -> bool:
    """ "Observatoire" and elided "l'Observatoire" both count."""
    return word[:1].isupper() or word.partition("'")[2][:1].isupper()


def has_capital(phrase: str) -> bool:
    """A proper name in the phrase: some word is capitalised."""
    return any(_capitalised(w) for w in NAME_WORD.findall(normalize_for_matching(phrase)))


def looks_like_name(text: str) -> bool:
    """ "Jane Doe", "Park Ji-woo", "Anne de la Tour": capitalised words and particles."""
    words = text.split(",")[0].split()
    if not 1 <= len(words) <= MAX_NAME_WORDS or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w in NAME_PARTICLES for w in words)


def name_joiners(lexicon: Lexicon) -> frozenset[str]:
    """The small words a listed name holds ("Food and Rural Affairs", "Office of Science")."""
    return lexicon.list_conjunctions | lexicon.complement_links


def has_verb(phrase: str, lexicon: Lexicon) -> bool:
    """A conjugated verb in the phrase ("approved the", "was", "a voté"): a clause, not a name.

    Only lower-case words count: "Will Smith" and "Le Monde" are names.
    """
    norm = normalize_for_matching(phrase)
    if lexicon.clause_verb_pattern.search(norm) is not None:
        return True
    return any(w in lexicon.clause_verb_words for w in NAME_LETTERS.findall(norm) if w.islower())


def has_figure(words: list[str], lexicon: Lexicon) -> bool:
    """A number that is not part of a name ("41 cases", "About 62", but not "Channel 4")."""
    return any(
        (w[0].isdigit() or (w[0] in CURRENCIES and w[1:2].isdigit()))  # "£640,000"
        and not (i and words[i - 1][:1].isupper() and words[i - 1].lower() not in lexicon.stopwords)
        and not (i + 1 < len(words) and words[i + 1][:1].isupper())  # "state 911 Board"
        # "the 2021 census", "its 2024 annual report": a year naming a document
        and not (len(w) == 4 and w.isdigit() and _names_document(words[i + 1 :], lexicon))
        for i, w in enumerate(words)
    )


def _names_document(following: list[str], lexicon: Lexicon) -> bool:
    """A document noun within the next two words ("census", "annual report")."""
    return any(w.lower() in lexicon.document_nouns for w in following[:2])


def is_name(phrase: str, lexicon: Lexicon) -> bool:
    """The rule itself: a short noun phrase, no verb, no figure, not a lone function word."""
    words = NAME_WORD.findall(phrase)
    if not words or len(words) > MAX_SPEAKER_WORDS or not any(c.isalpha() for c in phrase):
        return False
    norm = normalize_for_matching(phrase)
    if lexicon.pronoun.match(norm) and len(words) <= 2:
        return False
    if all(w.lower() in lexicon.stopwords or lexicon.article_start.fullmatch(w) for w in words):
        return False  # "The", "de la"
    if words[0].lower() in lexicon.negative_subjects:
        return False  # "Rien ne", "Nobody": no one says it
    if words[0].islower() and lexicon.pronoun.fullmatch(words[0]) is not None:
        return False  # "lui que les équipes…": a lower-case pronoun opens no name
    if all(is_date_word(w, lexicon) for w in words):
        return False  # "October", "lundi": a time
    if words[0].islower() and lexicon.intro_start.fullmatch(words[0]) is not None:
        return False  # "dans l'Indre", "in the valley": a place or a time, no one
    if words[0].islower() and lexicon.document_participle.match(norm) is not None:
        return False  # "commandée par la mairie": what was done to a document, no one
    if lexicon.question_start.match(norm) is not None:
        return False  # "What followed, the rancher said, was…": a clause, no one
    if words[-1].lower() in lexicon.list_conjunctions:
        return False  # "the surrounding townlands and (found)": verbs joined, no name
    if words[0].islower() and words[0] in lexicon.number_words.phrases:
        return False  # "douze blessures nécessitant un arrêt": a count, no one
    return not has_verb(phrase, lexicon) and not has_figure(words, lexicon)


def is_pronoun(phrase: str, lexicon: Lexicon) -> bool:
    """ "It", "she", "Elle y": a subject to be found in the sentence before."""
    words = phrase.split()
    return 1 <= len(words) <= 2 and lexicon.pronoun.fullmatch(words[0].lower()) is not None


def drop_articles(phrase: str, lexicon: Lexicon) -> str:
    for _ in range(2):
        article = lexicon.article_start.match(normalize_for_matching(phrase))
        if article is None:
            break
        rest = phrase[article.end() :].lstrip(" '’")
        if not rest:
            break
        phrase = rest
    return phrase


def is_date_word(word: str, lexicon: Lexicon) -> bool:
    lowered = word.lower()
    return lowered in lexicon.date_words.phrases or lowered in lexicon.months.phrases


def drop_leading_time(phrase: str, lexicon: Lexicon) -> str:
    """ "vendredi l'agence" (after an inverted verb) -> "l'agence"."""
    words = phrase.split(" ")
    while len(words) > 1:
        if is_date_word(words[0], lexicon):
            words = words[1:]
        elif (
            len(words) > 2
            and lexicon.intro_start.fullmatch(words[0].lower())
            and is_date_word(words[1], lexicon)
        ):
            words = words[2:]
        else:
            break
    return " ".join(words)


def cut_at_stop(phrase: str, lexicon: Lexicon) -> str:
    """ "ONS on Tuesday", "institut Opinéa réalisé pour La Gazette", "députée X samedi",
    "la région au printemps": the name ends before a time phrase, a relative clause, a
    participle, a day or a season."""
    norm = normalize_for_matching(phrase)
    for pattern in (lexicon.source_stop, lexicon.document_participle, lexicon.season_time):
        found = pattern.search(norm)
        if found is not None and found.start() > 0:
            norm = norm[: found.start()]
    previous_word = ""
    for word in NAME_LETTERS.finditer(norm):
        if previous_word in lexicon.document_nouns and word.group() in lexicon.relative_subjects:
            norm = norm[: word.start()]  # "a monthly performance report it filed"
            break
        previous_word = word.group().lower()
    for word in NAME_LETTERS.finditer(norm):
        following = norm[word.end() :].split()[:1]
        if (
            word.start() > 0
            and word.group().islower()
            and is_date_word(word.group(), lexicon)
            and not (following and following[0].lower() in lexicon.document_nouns)
        ):  # "annual report" is a document, "annual" alone a time
            norm = norm[: word.start()]
            break
    return phrase[: len(norm)].rstrip()


def is_speaker_noun(phrase: str, lexicon: Lexicon) -> bool:
    """A role or body by its common noun ("le syndicat", "critics"): first or last word."""
    words = [w.lower() for w in NAME_LETTERS.findall(normalize_for_matching(phrase))]
    words = [w for w in words if len(w) > 1 and lexicon.article_start.fullmatch(w) is None]
    return bool(words) and (words[0] in lexicon.speaker_nouns or words[-1] in lexicon.speaker_nouns)


def is_finder(phrase: str, lexicon: Lexicon) -> bool:
    """A document or a body whose "found"/"a jugé" is a finding, not an opinion."""
    head = phrase
    # Where the head ends: "critics of the plan", "l'étude de l'institut".
    link = lexicon.author_link.search(normalize_for_matching(phrase), 1)
    if link is not None:
        head = phrase[: link.start()]
    words = [w.lower() for w in NAME_LETTERS.findall(normalize_for_matching(head)) if len(w) > 1]
    words = [w for w in words if lexicon.article_start.fullmatch(w) is None]
    finders = lexicon.finder_nouns | lexicon.document_nouns
    return bool(words) and (words[0] in finders or words[-1] in finders)


def name_goes_on(text: str, at: int) -> int | None:
    """Where a name resumes past the bracket or comma at `at`: "la chambre de commerce et
    d'industrie (CCI) du Cantal", "Department of Fisheries, Forestry and Agriculture";
    None when it ends there."""
    mark = text[at : at + 1]
    if mark == "(":
        acronym = INNER_ACRONYM.match(text, at)
        return acronym.end() if acronym is not None else None
    if mark == "," and _OF_NAME_END.search(text[max(0, at - OF_NAME_LOOKBACK) : at]):
        listed = _LISTED_NAMES.match(text, at)
        return listed.end() if listed is not None else None
    return None
