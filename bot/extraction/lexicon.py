"""Per-language cue lexicons, loaded from `data/<lang>.json` and compiled once.

Everything language-specific lives in those data files (the stopwords, which matching reads
too, in `bot/core/data/stopwords.json`), so the engine stays language-agnostic and adding a
language means adding one JSON file and its stopwords.  An entry is
a word or phrase, matched case-insensitively on whole tokens; ``-suffix`` matches
word endings (French conditional "-raient"); ``re:...`` is a raw regular
expression for what a word list cannot say (English "may" the modal, not the month).

Signal lists are matched on the sentence's tokens, all lists' phrases in one scan
(`CueIndex`), which keeps scoring at thousands of sentences per second; lists
whose match position matters (attribution, connectors) are also kept as regexes.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.core.text import WORD, letter_words, stopwords

from .cue_index import SIGNAL_CUES, CueIndex, PhraseSet, build_cue_index

DATA_PACKAGE = "bot.extraction.data"
NEUTRAL = "und"
MAX_PHRASE_WORDS = 5

# Same-length substitutions so offsets found in the normalized text are valid in the source.
_MATCH_FOLDS = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u02bc", "'"),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2009", " "),
    ("\u2007", " "),
)
_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*'?|[%$€£]")
#: Elided articles and conjunctions split off a word ("l'armée" -> "l'" + "armée", "qu'il" ->
#: "qu'" + "il"): French-style elision, read in every language's tokens.
ELIDED_HEADS = frozenset(
    ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"]
)


def normalize_for_matching(text: str) -> str:
    """Fold typographic apostrophes and no-break spaces, keeping every offset unchanged."""
    if text.isascii():
        return text  # nothing to fold: every character folded is non-ASCII
    # A few substring scans beat `str.translate`, which looks up every character.
    for typographic, plain in _MATCH_FOLDS:
        if typographic in text:
            text = text.replace(typographic, plain)
    return text


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens with elided articles split off."""
    lowered = normalize_for_matching(text).lower()
    if "'" not in lowered:
        return _TOKEN.findall(lowered)
    tokens: list[str] = []
    for token in _TOKEN.findall(lowered):
        head, sep, tail = token.partition("'")
        if sep and tail and head in ELIDED_HEADS:
            tokens.append(head + "'")
            tokens.append(tail)
        else:
            tokens.append(token)
    return tokens


def ngrams(tokens: list[str], max_words: int = MAX_PHRASE_WORDS) -> set[str]:
    """All 1..max_words-grams of `tokens`, space-joined."""
    grams = set(tokens)
    for n in range(2, max_words + 1):
        grams.update(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class WordSet(frozenset[str]):
    """A word list whose ``-suffix`` entries match word endings: "-culteur" is any grower
    ("pisciculteur", "oléiculteur"), so a trade the list never saw is still a role."""

    suffixes: tuple[str, ...]

    def __new__(cls, entries: list[str]) -> WordSet:
        words = super().__new__(cls, (e.lower() for e in entries if not e.startswith("-")))
        words.suffixes = tuple(e[1:].lower() for e in entries if e.startswith("-"))
        return words

    def __contains__(self, word: object) -> bool:
        if frozenset.__contains__(self, word):
            return True
        return isinstance(word, str) and bool(self.suffixes) and word.endswith(self.suffixes)


def _phrase_set(entries: list[str]) -> PhraseSet:
    phrases = frozenset(
        " ".join(tokenize(e)) for e in entries if not e.startswith(("re:", "-")) and tokenize(e)
    )
    suffixes = tuple(e[1:].lower() for e in entries if e.startswith("-"))
    raw = [e[3:] for e in entries if e.startswith("re:")]
    pattern = re.compile("|".join(raw), re.IGNORECASE) if raw else None
    return PhraseSet(phrases, suffixes, pattern)


_WORD_START = r"(?<![\w'’])"


def _bounded(entry: str) -> str:
    """Escape an entry and guard its end when that is a letter (`_alternation` its start)."""
    body = re.escape(entry).replace("\\ ", r"\s+").replace("'", "['’]")
    tail = r"(?![\w-])" if entry[-1].isalnum() else ""
    return body + tail


def _alternation(entries: list[str]) -> str:
    words = sorted(
        (e for e in entries if e and e[0] not in "-" and not e.startswith("re:")),
        key=len,
        reverse=True,
    )
    if not words:
        return r"(?!x)x"
    # Entries starting with a letter must start a word.  Consecutive ones share one guard,
    # tested once per position instead of once per entry (same matches, in the same order).
    runs = []
    for at_word_start, group in itertools.groupby(words, key=lambda w: w[0].isalnum()):
        bodies = "|".join(_bounded(w) for w in group)
        runs.append(f"{_WORD_START}(?:{bodies})" if at_word_start else bodies)
    return "|".join(runs)


def compile_words(entries: list[str]) -> re.Pattern[str]:
    """One regex matching any entry as a whole word or phrase (when positions matter)."""
    return re.compile(f"(?:{_alternation(entries)})", re.IGNORECASE)


def _compile_age_phrases(entries: list[str]) -> re.Pattern[str]:
    """ "de {n} ans" -> a regex for the phrase with an age of one to three digits."""
    if not entries:
        return re.compile(r"(?!)")
    alternatives = "|".join(re.escape(e).replace(r"\{n\}", r"\d{1,3}") for e in entries)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _compile_act(auxiliaries: list[str], adverbs: list[str], endings: list[str]) -> re.Pattern[str]:
    """ "a déjà ouvert": an auxiliary, at most two adverbs, then a participle by its ending;
    each part is a bounded word, so the scan stays linear."""
    if not auxiliaries or not endings:
        return re.compile(r"(?!x)x")
    ending = "|".join(re.escape(e) for e in sorted(endings, key=len, reverse=True))
    return re.compile(
        rf"\b(?:{_alternation(auxiliaries)})\s+(?:(?:{_alternation(adverbs)})\s+){{0,2}}"
        rf"(?P<act>[^\W\d_]{{3,}}(?:{ending}))\b",
        re.IGNORECASE,
    )


def compile_prefix(entries: list[str]) -> re.Pattern[str]:
    """Regex matching an entry at the very start of a text."""
    return re.compile(f"^(?:{_alternation(entries)})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled cues for one language; see `data/en.json` for what each list means."""

    language: str
    max_phrase_words: int
    stopwords: frozenset[str]
    title_abbreviations: frozenset[str]
    abbreviations: frozenset[str]
    sentence_final_abbreviations: frozenset[str]
    # Signal cues (matched on n-grams).
    months: PhraseSet
    date_words: PhraseSet
    number_words: PhraseSet
    reporting: PhraseSet
    according: PhraseSet
    reported_unconfirmed: PhraseSet
    speculation: PhraseSet
    opinion: PhraseSet
    intention: PhraseSet
    prediction: PhraseSet
    concessive: PhraseSet
    inference: PhraseSet
    first_person: PhraseSet
    past_event: PhraseSet
    # Positional cues (regexes) for attribution and clean-up.
    reporting_participles: re.Pattern[str]
    reporting_present: re.Pattern[str]
    auxiliaries: re.Pattern[str]
    simple_past_reporting: re.Pattern[str]
    source_stop: re.Pattern[str]
    conjunction_start: re.Pattern[str]
    conjunction: re.Pattern[str]
    inversion_end: re.Pattern[str]
    inversion_start: re.Pattern[str]
    complementizer_start: re.Pattern[str]
    according_to: re.Pattern[str]
    attribution_only_start: re.Pattern[str]
    question_start: re.Pattern[str]
    context_start: re.Pattern[str]
    impersonal_start: re.Pattern[str]
    pronoun: re.Pattern[str]
    connector_start: re.Pattern[str]
    intro_start: re.Pattern[str]
    appositive_start: re.Pattern[str]
    article_start: re.Pattern[str]
    quote_tag_start: re.Pattern[str]
    quote_tag_verbs: re.Pattern[str]
    byline_start: re.Pattern[str]
    credit_markers: re.Pattern[str]
    metadata_start: re.Pattern[str]
    # Self-containment (`context`): what a claim borrows from the sentences around it.
    generic: PhraseSet
    additive: re.Pattern[str]
    anaphor: re.Pattern[str]
    impersonal_after_pronoun: re.Pattern[str]
    judgement: re.Pattern[str]
    when_conjunction: re.Pattern[str]
    plural_pronouns: frozenset[str]
    plural_subject: re.Pattern[str]
    definite_plural: str
    opinion_adjective: re.Pattern[str]
    copulas: frozenset[str]
    #: last letters-only word of each `anaphors` / `judgement_*` entry, for a cheap
    #: "can it match at all" test before the (slower) regexes
    anaphor_heads: frozenset[str]
    judgement_adjective_words: frozenset[str]
    judgement_heads: frozenset[str]
    # Speakers (`speaker`) and reported judgements (`judgement`).
    #: lower-case words that make a phrase a clause, not a name ("approved", "a", "was")
    clause_verb_words: frozenset[str]
    #: what a word list cannot say ("closed the", "-ed" before a determiner); case-sensitive
    clause_verb_pattern: re.Pattern[str]
    #: heads of a document as a speaker ("report", "figures", "étude")
    document_nouns: frozenset[str]
    document_participle: re.Pattern[str]
    author_link: re.Pattern[str]
    #: "from", "auprès de": who made a document another commissioned
    supplier_link: re.Pattern[str]
    #: "commandé par X au cabinet Y": after these participles only, these links name the maker
    commission_participles: frozenset[str]
    #: "obtained", "consulté": who got hold of a document, never its author
    acquisition_participles: frozenset[str]
    commission_link: re.Pattern[str]
    #: who finds rather than judges ("court", "auditors"); documents find too
    finder_nouns: frozenset[str]
    #: heads that name a speaker where the pattern alone does not say one follows ("Pour X, …")
    speaker_nouns: WordSet
    #: "spokeswoman for", "porte-parole de": the body named after it is the speaker
    spokesperson_start: re.Pattern[str]
    #: "nobody", "rien": a subject that names no one
    negative_subjects: frozenset[str]
    #: "been", "été": between an auxiliary and a participle, the subject undergoes, not reports
    passive_markers: frozenset[str]
    #: "its", "son": "its annual report shows" speaks for the owner, named elsewhere
    possessives: frozenset[str]
    #: "of": "reports of damp" is a noun with its complement, not a verb
    noun_complements: frozenset[str]
    #: "whose": "the Commissioner, whose office said" speaks for the name before it
    relative_possessives: frozenset[str]
    #: "même", "same": "le même document" is the document named before
    identity_words: frozenset[str]
    #: "-ing", "-ant": a present participle opening a clause before the subject
    participle_endings: tuple[str, ...]
    #: "ed", "ée": "Lancée il y a dix-huit mois, …" opens on a participle, not a name
    past_participle_endings: tuple[str, ...]
    #: "-er", "-ir": an infinitive after a quote verb is what is reported ("dit avoir…")
    infinitive_endings: tuple[str, ...]
    #: "à", "at": "estime les dégâts à 380 000 €" is an estimate, reported
    estimate_links: frozenset[str]
    #: "spokesperson": "a Department of Health spokesperson" speaks for the Department
    spokesperson_nouns: frozenset[str]
    #: "le", "lui": "Julien Favresse le constate" — a clitic between subject and verb
    object_pronouns: frozenset[str]
    #: "it", "they": "the report it filed" — a pronoun opening a relative clause ends a name
    relative_subjects: frozenset[str]
    #: "semaines", "jobs": what a number word counts when it is a figure ("six semaines")
    counted_units: frozenset[str]
    #: "de 39 ans", "63-year-old": a person's age in a role ("l'éleveuse de 39 ans")
    age_phrase: re.Pattern[str]
    #: "told": the words after it name who is told, never who speaks
    addressee_verbs: frozenset[str]
    #: "to": "In a statement to this newspaper, the council said…" names who is told
    addressee_links: frozenset[str]
    #: "il", "she": a personal pronoun that is a clause's subject
    subject_pronouns: frozenset[str]
    #: "a", "une": what follows is introduced, not referred back to
    indefinite_articles: frozenset[str]
    #: "qui", "which": a relative standing alone as a verb's subject ("…, qui recensait")
    subject_relatives: frozenset[str]
    #: "que", "which": a relative before a named subject ("which Mr Tulley said")
    object_relatives: frozenset[str]
    #: every relative pronoun that can open the part before a verb
    relative_pronouns: frozenset[str]
    #: "celle-ci", "the latter": the last body or person the sentence before named
    latter_pronouns: frozenset[str]
    #: "elle la": "La préfecture a accordé…, a-t-elle confirmé" — the article agrees
    pronoun_articles: frozenset[tuple[str, str]]
    #: "and", "et": the word before a listed name's last item ("Food and Rural Affairs")
    list_conjunctions: frozenset[str]
    #: "Mayor", "Councillor": a title that stays with the name ("Owner X" is X)
    honorific_titles: frozenset[str]
    #: "of", "de": the link between a name's head and its complement ("Office of Science",
    #: "chambre régionale des comptes")
    complement_links: frozenset[str]
    #: "se", "s'" before a verb of judgement: "le musée se trouve…" is no judgement
    reflexive_pronouns: frozenset[str]
    #: "ne", "n'": a negation between a subject and its verb
    negation_particles: frozenset[str]
    #: adverbs that can stand between a speaker and its verb ("the report also found")
    adverb_end: re.Pattern[str]
    #: the same adverbs between a verb and its clause ("rappelle de son côté que")
    adverb_start: re.Pattern[str]
    #: "au printemps", "last summer": a time complement that ends a name
    season_time: re.Pattern[str]
    finding_verbs: re.Pattern[str]
    #: "puts", "situe": a finding only with an estimate after it ("put the cost at £3.6m")
    estimate_verbs: re.Pattern[str]
    judgement_verbs: re.Pattern[str]
    judgement_frame_start: re.Pattern[str]
    #: "a autorisé", "approved": a body's decision, its own account of what it did
    decision_verb_start: re.Pattern[str]
    #: the same anywhere in a sentence: a cheap test before its subject is read
    decision_verb: re.Pattern[str]
    #: "a ouvert", "has mapped": any act in a compound past (`act_*`), its participle named
    act_start: re.Pattern[str]
    #: acts that are no account of the body's own: votes, closures, receipts
    non_acts: frozenset[str]
    #: "depuis", "since": a history the article tells
    history_marker: re.Pattern[str]
    #: "office de tourisme", "syndicat mixte": a class whose name is a territory keeps it
    territorial_bodies: frozenset[str]
    opinion_opener: re.Pattern[str]
    #: the phrases of the signal cue lists above, for `compute_signals`
    cues: CueIndex


def _build(language: str, data: dict[str, list[str]]) -> Lexicon:
    def words(key: str) -> list[str]:
        return [str(w) for w in data.get(key, []) if str(w)]

    phrase_lists = [
        "months", "date_words", "number_words", "reporting_participles", "reporting_present",
        "according_to", "simple_past_reporting", "reported_unconfirmed", "speculation",
        "opinion", "intention", "prediction", "concessive", "inference", "first_person",
        "past_event", "generic_markers",
    ]  # fmt: skip
    longest = max(
        (len(tokenize(e)) for key in phrase_lists for e in words(key) if not e.startswith("re:")),
        default=1,
    )
    max_phrase_words = min(MAX_PHRASE_WORDS, longest)
    signal_cues = {
        "months": _phrase_set(words("months")),
        "date_words": _phrase_set(words("date_words")),
        "number_words": _phrase_set(words("number_words")),
        "reporting": _phrase_set(
            words("reporting_participles")
            + words("reporting_present")
            + words("simple_past_reporting")
        ),
        "according": _phrase_set(words("according_to")),
        "reported_unconfirmed": _phrase_set(words("reported_unconfirmed")),
        "speculation": _phrase_set(words("speculation")),
        "opinion": _phrase_set(words("opinion")),
        "intention": _phrase_set(words("intention")),
        "prediction": _phrase_set(words("prediction")),
        "concessive": _phrase_set(words("concessive")),
        "inference": _phrase_set(words("inference")),
        "first_person": _phrase_set(words("first_person")),
        "past_event": _phrase_set(words("past_event")),
        "generic": _phrase_set(words("generic_markers")),
    }
    return Lexicon(
        language=language,
        max_phrase_words=max_phrase_words,
        stopwords=stopwords(language),
        title_abbreviations=frozenset(words("title_abbreviations")),
        abbreviations=frozenset(a.lower() for a in words("abbreviations")),
        sentence_final_abbreviations=frozenset(
            a.lower() for a in words("sentence_final_abbreviations")
        ),
        months=signal_cues["months"],
        date_words=signal_cues["date_words"],
        number_words=signal_cues["number_words"],
        reporting=signal_cues["reporting"],
        according=signal_cues["according"],
        reported_unconfirmed=signal_cues["reported_unconfirmed"],
        speculation=signal_cues["speculation"],
        opinion=signal_cues["opinion"],
        intention=signal_cues["intention"],
        prediction=signal_cues["prediction"],
        concessive=signal_cues["concessive"],
        inference=signal_cues["inference"],
        first_person=signal_cues["first_person"],
        past_event=signal_cues["past_event"],
        reporting_participles=compile_words(words("reporting_participles")),
        reporting_present=compile_words(words("reporting_present")),
        auxiliaries=compile_words(words("auxiliaries")),
        simple_past_reporting=compile_words(words("simple_past_reporting")),
        source_stop=compile_words(words("gerund_stops")),
        conjunction_start=compile_prefix(words("conjunctions")),
        conjunction=compile_words(words("conjunctions")),
        inversion_end=re.compile(
            rf"(?:^|[\s,])(?:{_alternation(words('inversion_markers'))})\s*$", re.IGNORECASE
        ),
        inversion_start=compile_prefix(words("inversion_markers")),
        complementizer_start=re.compile(
            rf"^\s*(?:[\w'-]+\s+){{0,3}}?(?:{_alternation(words('complementizers'))})",
            re.IGNORECASE,
        ),
        according_to=compile_words(words("according_to")),
        attribution_only_start=compile_prefix(words("attribution_only_starts")),
        question_start=compile_prefix(words("question_starts")),
        context_start=compile_prefix(words("context_starts")),
        impersonal_start=compile_prefix(words("impersonal_starts")),
        pronoun=compile_prefix(words("pronouns")),
        connector_start=compile_prefix(words("connectors")),
        intro_start=compile_prefix(words("intro_prepositions")),
        appositive_start=compile_prefix(words("appositive_starts")),
        article_start=compile_prefix(words("articles")),
        quote_tag_start=compile_prefix(words("quote_tag_verbs")),
        quote_tag_verbs=compile_words(words("quote_tag_verbs")),
        byline_start=compile_prefix(words("byline_starts")),
        credit_markers=compile_words(words("credit_markers")),
        metadata_start=compile_prefix(words("metadata_starts")),
        generic=signal_cues["generic"],
        additive=compile_words(words("additive_markers")),
        anaphor=compile_words(words("anaphors")),
        impersonal_after_pronoun=compile_prefix(words("impersonal_after_pronoun")),
        judgement=compile_words(words("judgement_cues")),
        when_conjunction=compile_words(words("when_conjunctions")),
        plural_pronouns=frozenset(words("plural_pronouns")),
        # "ces missiles KN23 auraient", "the new trams were": a plural subject, then its verb.
        plural_subject=re.compile(
            rf"^(?P<det>{_alternation(words('plural_determiners'))})\s+"
            rf"(?P<noun>(?:{WORD.pattern}\s+){{0,3}}?{WORD.pattern})"
            rf"\s+(?:{_alternation(words('auxiliaries'))})",
            re.IGNORECASE,
        ),
        definite_plural=(words("definite_plural") or [""])[0],
        # One-word judgements ("embarrassants", "scandaleux") that can qualify a noun.
        opinion_adjective=compile_words(words("judgement_adjectives")),
        copulas=frozenset(w.lower() for w in words("copulas")),
        anaphor_heads=frozenset(letter_words(w)[-1] for w in words("anaphors") if letter_words(w)),
        judgement_heads=frozenset(
            letter_words(w)[-1] for w in words("judgement_cues") if letter_words(w)
        ),
        judgement_adjective_words=frozenset(
            letter_words(w)[-1] for w in words("judgement_adjectives") if letter_words(w)
        ),
        clause_verb_words=frozenset(
            w.lower() for w in words("clause_verbs") if not w.startswith("re:")
        ),
        clause_verb_pattern=re.compile(
            "|".join(w[3:] for w in words("clause_verbs") if w.startswith("re:")) or r"(?!x)x"
        ),
        document_nouns=frozenset(w.lower() for w in words("document_nouns")),
        document_participle=compile_words(words("document_participles")),
        author_link=compile_words(words("author_links")),
        supplier_link=compile_words(words("supplier_links")),
        commission_participles=frozenset(w.lower() for w in words("commission_participles")),
        acquisition_participles=frozenset(w.lower() for w in words("acquisition_participles")),
        commission_link=compile_words(words("commission_links")),
        finder_nouns=frozenset(w.lower() for w in words("finder_nouns")),
        speaker_nouns=WordSet(words("speaker_nouns")),
        spokesperson_start=compile_prefix(words("spokesperson_links")),
        negative_subjects=frozenset(w.lower() for w in words("negative_subjects")),
        passive_markers=frozenset(w.lower() for w in words("passive_markers")),
        possessives=frozenset(w.lower() for w in words("possessives")),
        noun_complements=frozenset(w.lower() for w in words("noun_complements")),
        relative_possessives=frozenset(w.lower() for w in words("relative_possessives")),
        identity_words=frozenset(w.lower() for w in words("identity_words")),
        participle_endings=tuple(w.lower() for w in words("participle_endings")),
        past_participle_endings=tuple(w.lower() for w in words("past_participle_endings")),
        infinitive_endings=tuple(w.lower() for w in words("infinitive_endings")),
        estimate_links=frozenset(w.lower() for w in words("estimate_links")),
        spokesperson_nouns=frozenset(w.lower() for w in words("spokesperson_nouns")),
        object_pronouns=frozenset(w.lower() for w in words("object_pronouns")),
        relative_subjects=frozenset(w.lower() for w in words("relative_subjects")),
        counted_units=frozenset(w.lower() for w in words("counted_units")),
        age_phrase=_compile_age_phrases(words("age_phrases")),
        addressee_verbs=frozenset(w.lower() for w in words("addressee_verbs")),
        addressee_links=frozenset(w.lower() for w in words("addressee_links")),
        subject_pronouns=frozenset(w.lower() for w in words("subject_pronouns")),
        indefinite_articles=frozenset(w.lower() for w in words("indefinite_articles")),
        subject_relatives=frozenset(w.lower() for w in words("subject_relatives")),
        object_relatives=frozenset(w.lower() for w in words("object_relatives")),
        relative_pronouns=frozenset(w.lower() for w in words("relative_pronouns")),
        latter_pronouns=frozenset(w.lower() for w in words("latter_pronouns")),
        pronoun_articles=frozenset(
            (pair[0], pair[1]) for pair in (w.lower().split() for w in words("pronoun_articles"))
        ),
        list_conjunctions=frozenset(w.lower() for w in words("list_conjunctions")),
        honorific_titles=frozenset(words("honorific_titles")),
        complement_links=frozenset(w.lower() for w in words("complement_links")),
        reflexive_pronouns=frozenset(w.lower() for w in words("reflexive_pronouns")),
        negation_particles=frozenset(w.lower() for w in words("negation_particles")),
        adverb_end=re.compile(rf"\s+(?:{_alternation(words('adverbs'))})\s*$", re.IGNORECASE),
        adverb_start=compile_prefix(words("adverbs")),
        season_time=re.compile(
            rf"\s(?:{_alternation(words('season_times'))})(?![\w'’-])", re.IGNORECASE
        )
        if words("season_times")
        else re.compile(r"(?!x)x"),
        finding_verbs=compile_words(words("finding_verbs")),
        estimate_verbs=compile_words(words("estimate_verbs")),
        judgement_verbs=compile_words(words("judgement_verbs")),
        judgement_frame_start=compile_prefix(words("judgement_frame_starts")),
        decision_verb_start=compile_prefix(words("decision_verbs")),
        decision_verb=compile_words(words("decision_verbs")),
        act_start=_compile_act(
            words("act_auxiliaries"), words("adverbs"), words("act_participle_endings")
        ),
        non_acts=frozenset(w.lower() for w in words("non_acts")),
        history_marker=compile_words(words("history_markers")),
        territorial_bodies=frozenset(w.lower() for w in words("territorial_bodies")),
        opinion_opener=compile_prefix(words("opinion_openers")),
        cues=build_cue_index([signal_cues[name] for name in SIGNAL_CUES], max_phrase_words),
    )


@cache
def available_languages() -> tuple[str, ...]:
    """Language codes that have a data file, e.g. ``("en", "fr")``."""
    root = resources.files(DATA_PACKAGE)
    codes = [
        entry.name[:-5]
        for entry in root.iterdir()
        if entry.name.endswith(".json") and len(entry.name) <= 8 and entry.name[:-5].isalpha()
    ]
    return tuple(sorted(codes))


@cache
def load_raw(language: str) -> dict[str, list[str]]:
    """The JSON lists of one language file, uncompiled (used by language detection)."""
    if language not in available_languages():
        return {}
    text = resources.files(DATA_PACKAGE).joinpath(f"{language}.json").read_text("utf-8")
    raw = json.loads(text)
    return {k: v for k, v in raw.items() if isinstance(v, list)}


#: function-word lists that would misfire on other languages' ordinary words: the neutral
#: lexicon (an unknown language) keeps them empty
_FUNCTION_WORD_LISTS = (
    "context_starts", "pronouns", "question_starts", "first_person", "connectors",
    "intro_prepositions", "appositive_starts", "articles", "auxiliaries", "speculation", "opinion",
    "intention", "prediction", "concessive", "inference", "number_words", "units", "date_words",
    "reported_unconfirmed", "past_event", "impersonal_starts", "generic_markers",
    "additive_markers", "anaphors", "impersonal_after_pronoun", "judgement_cues",
    "when_conjunctions", "plural_pronouns", "negative_subjects", "passive_markers", "possessives",
    "noun_complements", "relative_possessives", "identity_words", "participle_endings",
    "past_participle_endings",
    "infinitive_endings", "estimate_links", "spokesperson_nouns", "object_pronouns",
    "relative_subjects", "counted_units", "age_phrases", "addressee_verbs", "addressee_links",
    "subject_pronouns", "indefinite_articles", "subject_relatives", "object_relatives",
    "relative_pronouns", "latter_pronouns", "pronoun_articles", "list_conjunctions",
    "negation_particles",
    "honorific_titles",
    "complement_links", "plural_determiners",
    "definite_plural", "copulas", "judgement_adjectives", "clause_verbs", "adverbs",
    "season_times", "author_links", "supplier_links", "commission_links", "finding_verbs",
    "acquisition_participles",
    "estimate_verbs",
    "judgement_verbs", "judgement_frame_starts", "opinion_openers", "decision_verbs",
    "act_auxiliaries", "act_participle_endings", "non_acts", "history_markers",
    "territorial_bodies",
)  # fmt: skip


@cache
def get_lexicon(language: str) -> Lexicon:
    """Compiled lexicon for `language`; unknown languages get a neutral, structural one."""
    if language in available_languages():
        return _build(language, load_raw(language))
    merged: dict[str, list[str]] = {}
    for code in available_languages():
        for key, values in load_raw(code).items():
            merged.setdefault(key, []).extend(values)
    for key in _FUNCTION_WORD_LISTS:
        merged[key] = []
    return _build(NEUTRAL, merged)
