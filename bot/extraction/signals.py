"""Linguistic signals of check-worthiness, computed from a language's cue lexicon.

A signal is a named, readable fact about a sentence ("number", "question",
"speculation"...).  They feed both the hand-weighted rule score (any language)
and the learned model (as extra features), and they become `ClaimCandidate.reasons`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import WORD

from .cue_index import PhraseSet
from .lexicon import Lexicon, normalize_for_matching, tokenize

_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?!\d)|(?<!\d)\d{4}-\d{2}(?!\d)")
# A digit run that is not a plain year: "650 000", "3.5", "12" but not "2024".
_QUANTITY = re.compile(r"(?<!\d)(?!(?:1[89]|20)\d\d(?!\d))\d+")
_CLOSERS = "\"'»”’)] \u00a0\u202f"
_LEADING = "\"'«“‘„([-–—• \u00a0\u202f"


@dataclass(frozen=True, slots=True)
class Signals:
    """What the lexicon found in one sentence; counts where more means more."""

    words: int
    number: bool
    date: bool
    named_entities: int
    reported_speech: bool
    named_source: bool
    reported_unconfirmed: bool
    question: bool
    question_word_start: bool
    speculation: int
    opinion: int
    intention: int
    prediction: int
    concessive: bool
    inference: bool
    first_person: int
    context_start: bool
    past_event: bool
    #: a habitual or general-truth marker ("usually", "chaque année"): common knowledge
    generic: bool = False
    #: someone's opinion reported as theirs ("critics consider…"), set by `judgement`
    reported_judgement: bool = False

    def tags(self) -> tuple[str, ...]:
        """Readable names of the signals that fired, positive ones first."""
        flags = (
            (self.number, "number"),
            (self.date, "date"),
            (self.named_source, "named source"),
            (self.reported_speech, "reported speech"),
            (self.named_entities >= 1, "named actor"),
            (self.past_event, "past event"),
            (self.reported_unconfirmed, "unconfirmed report"),
            (self.question, "question"),
            (self.speculation > 0, "speculation"),
            (self.opinion > 0, "opinion"),
            (self.intention > 0, "intention"),
            (self.prediction > 0, "prediction"),
            (self.concessive, "concessive"),
            (self.inference, "inference"),
            (self.first_person > 0, "first person"),
            (self.context_start, "needs context"),
            (self.reported_judgement, "reported judgement"),
        )
        return tuple(name for fired, name in flags if fired)


def _count_named_entities(text: str) -> int:
    """Capitalised words after the first one: a cheap proxy for named actors and places."""
    if text[1:].islower():
        return 0  # no capital after the first character, so none after the first word
    words = WORD.findall(text)[1:]
    # An all-lowercase word cannot count: skip it with one test instead of two.
    return len([w for w in words if not w.islower() and (w[0].isupper() or w[1:2].isupper())])


def compute_signals(text: str, lexicon: Lexicon) -> Signals:
    """All signals for one sentence (`text` should already be a single statement)."""
    norm = normalize_for_matching(text)
    body = norm.strip(_LEADING).rstrip()
    tokens = tokenize(norm)
    # One pass over the tokens counts the phrases of every cue list (`SIGNAL_CUES` order);
    # a list's suffix and regex entries are added where its count, not just a hit, matters.
    (
        months, date_words, number_words, reporting, according, reported_unconfirmed,
        speculation, opinion, intention, prediction, concessive, inference,
        first_person, past_event, generic,
    ) = lexicon.cues.phrase_counts(tokens)  # fmt: skip

    def found(phrase_hits: int, cues: PhraseSet) -> bool:
        return phrase_hits > 0 or cues.extra_found(tokens, norm)

    # The figure patterns all start with a digit: search them from the first one.
    digit = _DIGIT.search(norm)
    first_digit = -1 if digit is None else digit.start()
    date = (
        found(months, lexicon.months)
        or found(date_words, lexicon.date_words)
        or (
            first_digit >= 0
            and (
                _YEAR.search(norm, first_digit) is not None
                or _NUMERIC_DATE.search(norm, first_digit) is not None
            )
        )
    )
    number = (first_digit >= 0 and _QUANTITY.search(norm, first_digit) is not None) or found(
        number_words, lexicon.number_words
    )
    return Signals(
        words=len(tokens),
        number=number,
        date=date,
        named_entities=_count_named_entities(body),
        reported_speech=found(reporting, lexicon.reporting),
        named_source=found(according, lexicon.according),
        reported_unconfirmed=found(reported_unconfirmed, lexicon.reported_unconfirmed),
        question=body.rstrip(_CLOSERS).endswith("?"),
        question_word_start=lexicon.question_start.match(body) is not None,
        speculation=speculation + lexicon.speculation.extra_count(tokens, norm),
        opinion=opinion + lexicon.opinion.extra_count(tokens, norm),
        intention=intention + lexicon.intention.extra_count(tokens, norm),
        prediction=prediction + lexicon.prediction.extra_count(tokens, norm),
        concessive=found(concessive, lexicon.concessive),
        inference=found(inference, lexicon.inference),
        first_person=first_person + lexicon.first_person.extra_count(tokens, norm),
        context_start=lexicon.context_start.match(body) is not None
        and lexicon.impersonal_start.match(body) is None,
        past_event=found(past_event, lexicon.past_event),
        generic=found(generic, lexicon.generic),
    )
