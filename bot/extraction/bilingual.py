"""Score a language without its own model by mapping its words onto the English model's.

The English check-worthiness model was learned from CheckThat! data; nothing comparable
exists for French.  Instead of hand-setting French weights, a French sentence is mapped,
token by token, onto the English words the model knows, using the hand-written lexicon
`data/<lang>_en_lexicon.json` (general vocabulary, not sentences), and the English model
scores the mapped tokens.  So a sentence and its translation share one set of learned
weights, which is what keeps their decisions and scores together.

Mapping, in order of preference at each position: the longest listed phrase ("selon" ->
"according to"); an auxiliary followed by a past participle ("a doublé" -> "doubled");
a listed word or a verb form generated from a listed infinitive; the same with a plural
or feminine ending removed; a cognate spelling rule whose result the English model knows
("criminalité" -> "criminality"); otherwise the token is kept as is and scores nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from bot.core.text import fold

from .lexicon import DATA_PACKAGE, ELIDED_HEADS, load_raw, normalize_for_matching

# The English model's tokens (see model._TOKEN) with French elided articles split off.
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*'?|\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|[%$€£?!]")
MAX_PHRASE_TOKENS = 4
_INFINITIVE_MARKERS = frozenset(["pour", "de", "d'", "à", "afin"])
_OBJECT_PRONOUNS = {"l'": "it", "le": "it", "la": "it", "les": "them"}
_AUXILIARY_HEADS = frozenset(["a", "ont", "avait", "avaient", "ai", "avons", "aura", "aurait"])
# English verbs that take "to" before an infinitive ("wants to", "plans to").
_TO_VERBS = frozenset(
    ["want", "wants", "wanted", "plan", "plans", "planned", "intend", "intends", "intended",
     "hope", "hopes", "hoped", "aim", "aims", "seek", "seeks", "try", "tries", "tried",
     "attempt", "promise", "promises", "promised", "pledge", "pledged", "decide", "decides",
     "decided", "need", "needs", "needed", "refuse", "refuses", "refused", "continue",
     "continues", "continued", "begin", "begins", "began", "start", "started", "manage",
     "managed", "agree", "agreed", "allow", "allows", "allowed", "help", "helps", "helped",
     "going"]
)  # fmt: skip
# Future and conditional endings of regular verbs, longest first.
_TENSE_ENDINGS = tuple(
    sorted(
        [(p + e, "will") for p in ("er", "ir") for e in ("ai", "as", "a", "ons", "ez", "ont")]
        + [(p + e, "would") for p in ("er", "ir") for e in ("ais", "ait", "ions", "iez", "aient")],
        key=lambda pair: -len(pair[0]),
    )
)
_COMPARATIVES = frozenset(
    ["more", "less", "fewer", "better", "worse", "higher", "lower", "faster", "slower",
     "larger", "smaller", "bigger", "longer", "shorter", "cheaper", "older", "younger",
     "greater", "earlier", "later", "warmer", "colder", "hotter", "wider", "richer",
     "poorer", "safer", "stronger", "weaker", "heavier"]
)  # fmt: skip
# A phrase ending in "de" or "à" also stands before the contracted article: "en vertu du"
# is "en vertu de le", "grâce au" is "grâce à le" (English: "under the", "thanks to the").
_CONTRACTIONS = {
    "de": (("du", ("the",)), ("des", ()), ("d'", ())),
    "à": (("au", ("the",)), ("aux", ("the",))),
}
# "le 3 mars", "le dimanche": a day is "on" in English.
_WEEKDAYS = frozenset(["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])
# "compte 3 600 km": "counter" before a quantity is "have" ("has 3,600 km").
_COUNT_FORMS = {
    "compte": "has", "comptent": "have", "comptait": "had", "comptaient": "had",
    "comptera": "will have", "compteront": "will have", "compterait": "would have",
}  # fmt: skip
# After these a date needs no "on" ("depuis le 1er juillet": "since 1 July").
_DATE_PREPOSITIONS = frozenset(
    ["depuis", "avant", "après", "dès", "jusqu'", "pour", "entre", "vers", "et", "au", "du"]
)
_QUANTITY_STARTS = frozenset(
    ["plus", "moins", "près", "environ", "quelque", "quelques", "plusieurs", "un", "une",
     "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
     "quinze", "vingt", "trente", "quarante", "cinquante", "soixante", "cent", "mille"]
)  # fmt: skip
# "ne ... pas" and its kin: the French negation brackets the verb; English puts one word
# before the verb, after its first auxiliary ("n'augmentera jamais" -> "will never increase").
_NEGATION_HEADS = frozenset(["ne", "n'"])
_NEGATORS = {"pas": "not", "jamais": "never", "plus": "no longer", "guère": "hardly"}
_NEGATION_REACH = 4
_ENGLISH_AUXILIARIES = frozenset(
    ["will", "would", "has", "have", "had", "is", "are", "was", "were", "can", "could",
     "should", "must", "may", "might", "do", "does", "did", "cannot"]
)  # fmt: skip
# Forms of "avoir" before "été": "a été", "ait été" are "has been", never "summer".
_AVOIR_FORMS = frozenset(
    ["a", "ont", "ai", "avons", "avez", "as", "avait", "avaient", "ait", "aient", "aura",
     "auront", "aurait", "auraient", "avoir", "ayant", "eu"]
)  # fmt: skip
# Future and conditional of "-re" and irregular verbs ("reprendrons", "battrai",
# "vaudrait"): the tense is what the model weighs, whatever the verb.
_IRREGULAR_TENSE_ENDINGS = (
    ("raient", "would"), ("rions", "would"), ("riez", "would"), ("rais", "would"),
    ("rait", "would"), ("rons", "will"), ("ront", "will"), ("rez", "will"), ("rai", "will"),
)  # fmt: skip
_NOT_A_TENSE = frozenset(["portrait", "retrait", "extrait", "attrait", "distrait", "abstrait"])

# French regular conjugations: ending -> which English form it maps to.
_ER_FORMS = {
    "er": "base", "e": "3sg", "es": "base", "ent": "base", "ons": "base", "ez": "base",
    "é": "pp", "ée": "pp", "és": "pp", "ées": "pp",
    "ait": "past", "aient": "past", "ais": "past", "a": "past", "èrent": "past",
    "era": "will", "eront": "will", "erai": "will", "erons": "will", "eras": "will", "erez": "will",
    "erait": "would", "eraient": "would", "erais": "would", "ant": "ing",
}  # fmt: skip
_IR_FORMS = {
    "ir": "base", "it": "3sg", "is": "base", "issent": "base", "issons": "base",
    "i": "pp", "ie": "pp", "ies": "pp",
    "issait": "past", "issaient": "past", "irent": "past",
    "ira": "will", "iront": "will", "irait": "would", "iraient": "would", "issant": "ing",
}  # fmt: skip
# "-dre" / "-ttre" verbs ("vendre", "perdre", "battre"): the stem drops "re".
_RE_FORMS = {
    "re": "base", "s": "base", "": "3sg", "ons": "base", "ez": "base", "ent": "base",
    "u": "pp", "ue": "pp", "us": "pp", "ues": "pp",
    "ait": "past", "aient": "past", "ais": "past", "ant": "ing",
    "ra": "will", "ront": "will", "rai": "will", "rons": "will",
    "rait": "would", "raient": "would",
}  # fmt: skip
# "-uire" verbs ("construire", "réduire"): "construit" is also the participle.
_UIRE_FORMS = {
    "re": "base", "s": "base", "t": "pp", "te": "pp", "ts": "pp", "tes": "pp",
    "sent": "base", "sons": "base", "sez": "base", "sait": "past", "saient": "past",
    "sant": "ing", "ra": "will", "ront": "will", "rait": "would", "raient": "would",
}  # fmt: skip
# Spelling correspondences French -> English (accents folded), tried only when the result
# is a word the English model has a weight for ("-ité" -> "-ity": "criminalité" ->
# "criminality").
_COGNATE_SUFFIXES = (
    ("ite", "ity"), ("ites", "ities"), ("ique", "ic"), ("iques", "ics"), ("isme", "ism"),
    ("iques", "ic"), ("iste", "ist"), ("istes", "ists"), ("eux", "ous"), ("euse", "ous"),
    ("if", "ive"), ("ive", "ive"), ("ifs", "ive"), ("el", "al"), ("elle", "al"), ("els", "al"),
    ("aire", "ary"), ("aires", "ary"), ("ie", "y"), ("teur", "tor"), ("teurs", "tors"),
    ("iser", "ize"), ("iser", "ise"), ("ise", "ized"), ("isee", "ized"), ("isees", "ized"),
    ("er", ""), ("e", "ed"), ("ee", "ed"), ("es", "ed"), ("ees", "ed"), ("ees", "ated"),
    ("e", "ated"), ("e", ""), ("es", "s"), ("ent", ""), ("s", "s"), ("", ""),
)  # fmt: skip


def source_tokens(text: str) -> list[str]:
    """Lower-cased tokens as the model sees them, with "l'", "d'", "qu'"... split off."""
    tokens: list[str] = []
    for token in _TOKEN.findall(normalize_for_matching(text).lower()):
        head, sep, tail = token.partition("'")
        if sep and head in ELIDED_HEADS:
            tokens.append(head + "'")
            if tail:
                tokens.append(tail)
        else:
            tokens.append(token)
    return tokens


def name_tokens(text: str) -> frozenset[str]:
    """Source tokens written with a capital after the first word: names ("d'Aldera").

    A name is never a French verb, so the future-tense guess must not read "Aldera"
    as "will ald".
    """
    names = set()
    for position, token in enumerate(_TOKEN.findall(normalize_for_matching(text))):
        head, sep, tail = token.partition("'")
        word = tail if sep and tail and head.lower() in ELIDED_HEADS else token
        if position and word[:1].isupper():
            names.add(word.lower())
    return frozenset(names)


def _english_forms(spec: str) -> dict[str, str]:
    """English base, 3sg, past, past participle, will/would and -ing forms of a verb spec."""
    parts = spec.split("|")
    base = parts[0]
    head, _, rest = base.partition(" ")
    if len(parts) == 3:
        past, participle = parts[1], parts[2]
    else:
        if head.endswith("e"):
            stem_past = head + "d"
        elif head.endswith("y") and head[-2:-1] not in "aeiou":
            stem_past = head[:-1] + "ied"
        else:
            stem_past = head + "ed"
        past = participle = " ".join(filter(None, (stem_past, rest)))
    if head.endswith(("s", "sh", "ch", "x", "o")):
        third = head + "es"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        third = head[:-1] + "ies"
    else:
        third = head + "s"
    ing = (head[:-1] if head.endswith("e") and not head.endswith("ee") else head) + "ing"
    return {
        "base": base,
        "3sg": " ".join(filter(None, (third, rest))),
        "past": past,
        "pp": participle,
        "will": f"will {base}",
        "would": f"would {base}",
        "ing": " ".join(filter(None, (ing, rest))),
    }


def _conjugations(infinitive: str, spec: str) -> Iterable[tuple[str, str, str]]:
    """(French form, English rendering, form name) for a regular -er, -ir or -re verb."""
    english = _english_forms(spec)
    if infinitive.endswith("er"):
        stem, table = infinitive[:-2], _ER_FORMS
    elif infinitive.endswith("ir"):
        stem, table = infinitive[:-2], _IR_FORMS
    elif infinitive.endswith(("dre", "ttre")):
        stem, table = infinitive[:-2], _RE_FORMS
    elif infinitive.endswith("uire"):
        stem, table = infinitive[:-2], _UIRE_FORMS
    else:
        return
    for ending, form in table.items():
        yield stem + ending, english[form], form
        # "annoncer" -> "annonçait", "manger" -> "mangeait": spelling keeps the sound.
        if ending[:1] in ("a", "o") and stem.endswith("c"):
            yield stem[:-1] + "ç" + ending, english[form], form
        if ending[:1] in ("a", "o") and stem.endswith("g"):
            yield stem + "e" + ending, english[form], form


@dataclass(frozen=True, slots=True)
class Bridge:
    """A source language's words mapped onto the target model's vocabulary."""

    source: str
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    words: dict[str, tuple[str, ...]]
    # French past participle -> (English simple past, English past participle)
    participles: dict[str, tuple[str, str]]
    # auxiliary tokens -> English template with {past} / {pp}
    auxiliaries: dict[tuple[str, ...], str]
    target_vocabulary: frozenset[str]
    generic_articles: frozenset[str] = frozenset()
    infinitives: frozenset[str] = frozenset()
    phrase_heads: frozenset[str] = frozenset()
    auxiliary_heads: frozenset[str] = frozenset()
    # Participles of verbs whose perfect takes "être" ("est arrivé": "arrived", not "is").
    etre_participles: frozenset[str] = frozenset()
    # The source language's month names, from its lexicon data file ("mars", "août").
    months: frozenset[str] = frozenset()
    memo: dict[str, tuple[str, ...] | None] = field(default_factory=dict)

    def _word(self, token: str) -> tuple[str, ...] | None:
        """The rendering of one token, remembered: lookups and cognates are the slow part."""
        try:
            return self.memo[token]
        except KeyError:
            found = self.memo[token] = self._lookup(token)
            return found

    def _lookup(self, token: str) -> tuple[str, ...] | None:
        found = self.words.get(token)
        if found is not None:
            return found
        for ending in ("s", "x", "e", "es"):
            if token.endswith(ending) and len(token) > len(ending) + 2:
                found = self.words.get(token[: -len(ending)])
                if found is not None:
                    if ending in ("s", "x", "es") and len(found) == 1:
                        plural = found[0] + "s"
                        if plural in self.target_vocabulary:
                            return (plural,)
                    return found
        return self._cognate(token) or self._tense(token)

    def _name(self, token: str) -> tuple[str, ...] | None:
        """A capitalised word: listed, or a cognate ("Pacifique"), else kept as it is."""
        return self.words.get(token) or self._cognate(token)

    def _tense(self, token: str) -> tuple[str, ...] | None:
        """An unlisted verb's future or conditional: the tense survives ("will", "would")."""
        for ending, auxiliary in _TENSE_ENDINGS:
            if token.endswith(ending) and len(token) >= len(ending) + 3:
                stem = token[: -len(ending)]
                verb = self._cognate(stem + "er") or self._cognate(stem + "ir")
                return (auxiliary, *(verb or (stem,)))
        if token in _NOT_A_TENSE:
            return None
        for ending, auxiliary in _IRREGULAR_TENSE_ENDINGS:
            if token.endswith(ending) and len(token) >= len(ending) + 4:
                verb = self.words.get(token[: -len(ending)] + "re")
                return (auxiliary, *(verb or ()))
        return None

    def _cognate(self, token: str) -> tuple[str, ...] | None:
        if not token[0].isalpha() or len(token) < 4:
            return None
        plain = fold(token)
        for french, english in _COGNATE_SUFFIXES:
            if plain.endswith(french) and len(plain) > len(french) + 2:
                candidate = plain[: len(plain) - len(french)] + english
                if candidate in self.target_vocabulary:
                    return (candidate,)
        return None

    def _participle(self, token: str) -> tuple[str, str] | None:
        found = self.participles.get(token)
        if found is None:
            for ending in ("es", "e", "s"):
                if token.endswith(ending) and len(token) > len(ending) + 1:
                    found = self.participles.get(token[: -len(ending)])
                    if found is not None:
                        break
        return found

    def translate_text(self, text: str) -> list[str]:
        """The target-language tokens the model reads for a source sentence."""
        return self.translate(source_tokens(text), name_tokens(text))

    def translate(self, tokens: list[str], names: frozenset[str] = frozenset()) -> list[str]:
        """The target-language tokens standing for `tokens` (source tokens, lower-cased);
        `names` (`name_tokens`) get no tense guess."""
        out: list[str] = []
        i, n = 0, len(tokens)
        # French puts a definite article before generic and abstract nouns where English
        # has none ("Le chômage a reculé" / "Unemployment fell"); at the start of a
        # sentence, where the English model gives "the" weight, it is left out.
        if n and tokens[0] in self.generic_articles and self._phrase_at(tokens, 0) is None:
            i = 1
        while i < n:
            step = self._translate_at(tokens, i, out, names)
            i += step
        # "plus ... que" is "more ... than": the comparative's "que" is not "that".
        for j, word in enumerate(out):
            if word == "that" and any(w in _COMPARATIVES for w in out[max(0, j - 4) : j]):
                out[j] = "than"
        return out

    def _phrase_at(self, tokens: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest listed phrase starting at `i`: (its length, its rendering)."""
        if tokens[i] not in self.phrase_heads:
            return None
        for length in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 1, -1):
            phrase = self.phrases.get(tuple(tokens[i : i + length]))
            if phrase is not None:
                return length, phrase
        return None

    def _negation(self, tokens: list[str], i: int, out: list[str], names: frozenset[str]) -> int:
        """ "ne <verb> pas" -> "<aux> not <verb>"; 0 when no negator follows "ne"."""
        end = min(len(tokens), i + 1 + _NEGATION_REACH)
        j = next((k for k in range(i + 1, end) if tokens[k] in _NEGATORS), None)
        if j is None or j == i + 1:
            return 0
        verb: list[str] = []
        k = i + 1
        while k < j:
            k += self._translate_at(tokens, k, verb, names)
        if k != j:
            return 0
        at = next((k + 1 for k, word in enumerate(verb) if word in _ENGLISH_AUXILIARIES), 0)
        verb[at:at] = _NEGATORS[tokens[j]].split()
        out.extend(verb)
        return j + 1 - i

    def _perfect(self, tokens: list[str], i: int, out: list[str]) -> int:
        """An auxiliary and its participle as one English verb; 0 when there is none."""
        n = len(tokens)
        reflexive = tokens[i] in ("s'", "se")
        start = i + 1 if reflexive else i
        for length in (2, 1):
            key = tuple(tokens[start : start + length])
            template = self.auxiliaries.get(key)
            if template is None or start + length >= n:
                continue
            participle = tokens[start + length]
            forms = self._participle(participle)
            if key[0] in ("est", "sont", "était", "étaient") and (
                reflexive or self._takes_etre(participle)
            ):
                # "s'est effondré", "sont arrivés": a past event, not a state.
                template = "{past}" if key[0] in ("est", "sont") else "had {pp}"
                if forms is None:
                    mapped = " ".join(self._word(participle) or (participle,))
                    forms = (mapped, mapped)
            elif reflexive:
                continue
            if forms is not None:
                out.extend(template.format(past=forms[0], pp=forms[1]).split())
                return start + length + 1 - i
        return 0

    def _takes_etre(self, participle: str) -> bool:
        if participle in self.etre_participles:
            return True
        return any(
            participle.endswith(ending) and participle[: -len(ending)] in self.etre_participles
            for ending in ("es", "e", "s")
        )

    def _translate_at(
        self, tokens: list[str], i: int, out: list[str], names: frozenset[str]
    ) -> int:
        n = len(tokens)
        found = self._phrase_at(tokens, i)
        if found is not None:
            out.extend(found[1])
            return found[0]
        token = tokens[i]
        if token in _NEGATION_HEADS:
            step = self._negation(tokens, i, out, names)
            if step:
                return step
        if token in self.auxiliary_heads or token in ("s'", "se"):
            step = self._perfect(tokens, i, out)
            if step:
                return step
        if token == "été" and i and tokens[i - 1] in _AVOIR_FORMS:
            out.append("been")
            return 1
        if token in _COUNT_FORMS and i + 1 < n and _is_quantity(tokens[i + 1]):
            out.extend(_COUNT_FORMS[token].split())
            return 1
        if token == "le" and i + 1 < n and tokens[i + 1] in _WEEKDAYS:
            out.append("on")  # "le dimanche": "on Sunday"
            return 1
        if token in ("le", "du") and _is_day_of_month(tokens, i + 1, self.months):
            if not (i and tokens[i - 1] in _DATE_PREPOSITIONS):
                out.append("on")  # "le 3 mars": "on 3 March"
            return 1
        if token in ("de", "d'") and _is_range(tokens, i + 1):
            out.append("from")  # "de 31 % à 47 %": "from 31% to 47%"
            return 1
        if token == "personne" and i + 1 < n and tokens[i + 1] in _NEGATION_HEADS:
            out.append("nobody")  # "personne n'a": the subject of a negation
            return 1
        following = tokens[i + 1] if i + 1 < n else ""
        if following in self.infinitives and token in _INFINITIVE_MARKERS:
            # "pour fermer", "décidé de fermer": the English infinitive's "to".
            out.append("to")
            return 1
        if token in _OBJECT_PRONOUNS and following in _AUXILIARY_HEADS:
            # "l'a désigné": an object pronoun before the verb, not an article.
            out.append(_OBJECT_PRONOUNS[token])
            return 1
        mapped = self._name(token) if token in names else self._word(token)
        out.extend(mapped if mapped is not None else (token,))
        if following in self.infinitives and out and out[-1] in _TO_VERBS:
            out.append("to")
        return 1


def _is_number(token: str) -> bool:
    return token[:1].isdigit()


def _is_quantity(token: str) -> bool:
    return _is_number(token) or token in _QUANTITY_STARTS


def _with_contractions(
    phrases: dict[tuple[str, ...], tuple[str, ...]],
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """`phrases` plus their forms before a contracted article ("en vertu du")."""
    extended = dict(phrases)
    for key, english in phrases.items():
        for contracted, article in _CONTRACTIONS.get(key[-1], ()):
            extended.setdefault((*key[:-1], contracted), (*english, *article))
    return extended


def _is_day_of_month(tokens: list[str], i: int, months: frozenset[str]) -> bool:
    """A day number ("3", "1er") followed by one of `months` at `i`."""
    if i >= len(tokens) or not _is_number(tokens[i]):
        return False
    month_at = i + 2 if i + 1 < len(tokens) and tokens[i + 1] == "er" else i + 1
    return month_at < len(tokens) and tokens[month_at] in months


def _is_range(tokens: list[str], i: int) -> bool:
    """A number at `i`, then "à" and a number within three tokens: "31 % à 47 %"."""
    if i >= len(tokens) or not _is_number(tokens[i]):
        return False
    for k in range(i + 1, min(i + 4, len(tokens) - 1)):
        if tokens[k] == "à":
            return _is_number(tokens[k + 1])
    return False


def lexicon_filename(language: str) -> str:
    return f"{language}_en_lexicon.json"


def has_bridge(language: str) -> bool:
    return resources.files(DATA_PACKAGE).joinpath(lexicon_filename(language)).is_file()


def _key(text: str) -> tuple[str, ...]:
    return tuple(source_tokens(text))


@cache
def load_bridge(language: str, target_vocabulary: frozenset[str]) -> Bridge | None:
    """The lexicon of `language` -> English, compiled; None when there is none."""
    path = resources.files(DATA_PACKAGE).joinpath(lexicon_filename(language))
    if not path.is_file():
        return None
    raw = json.loads(path.read_text("utf-8"))
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    participles: dict[str, tuple[str, str]] = {}
    for infinitive, spec in raw["verbs"].items():
        for form, english, name in _conjugations(infinitive, spec):
            words.setdefault(form, tuple(english.split()))
            if name == "pp":
                forms = _english_forms(spec)
                participles.setdefault(form, (forms["past"], forms["pp"]))
    for french, spec in raw["participles"].items():
        past, _, participle = spec.partition("|")
        participles[french] = (past, participle or past)
        words.setdefault(french, tuple((participle or past).split()))
    for french, english in [*raw["words"].items(), *raw["phrases"].items()]:
        key = _key(french)
        if len(key) == 1:
            words[key[0]] = tuple(english.split())
        elif key:
            phrases[key] = tuple(english.split())
    phrases = _with_contractions(phrases)
    auxiliaries = {_key(k): v for k, v in raw["auxiliaries"].items()}
    return Bridge(
        source=language,
        phrases=phrases,
        words=words,
        participles=participles,
        auxiliaries=auxiliaries,
        target_vocabulary=target_vocabulary,
        generic_articles=frozenset(raw.get("generic_articles", [])),
        phrase_heads=frozenset(key[0] for key in phrases),
        auxiliary_heads=frozenset(key[0] for key in auxiliaries),
        etre_participles=frozenset(raw.get("etre_participles", [])),
        months=frozenset(m.lower() for m in load_raw(language).get("months", [])),
        infinitives=frozenset(
            [*(v for v in raw["verbs"] if v.endswith(("er", "ir", "re"))), *raw["infinitives"]]
        ),
    )
