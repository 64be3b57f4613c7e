"""`extract_claims`: article text in, the few statements worth checking out.

Steps: validate and bound the input; split into sentence units; drop lines that
are not prose (headings, bylines, photo credits, metadata, speaker tags); clean
each remaining sentence into a self-contained claim; attach its speaker; score
it; merge near-duplicates; keep the best `max_claims` above `min_score`, and keep the
ones the cap left out apart (`extract`), for the reply and its **Post the rest** button.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re

from bot.core.text import word_count

from .attribution import (
    Attribution,
    find_attribution,
    is_attribution_only,
    speaker_before,
    speaks_as_pronoun,
)
from .candidate import ClaimCandidate, Extraction, ExtractionError
from .cleanup import clean_claim
from .context import (
    context_hint,
    continues_report,
    drop_judgement_adjectives,
    judgement_split,
    opinion_head_end,
    resolve_references,
)
from .dedupe import dedupe_with_rest
from .drafts import Draft
from .language import detect_language
from .lexicon import Lexicon, get_lexicon, normalize_for_matching
from .model import load_model
from .names import ELIDED_BEFORE_NAME, is_pronoun
from .organisations import (
    ORGANISATION_LOOKBACK_CHARS,
    without_class,
)
from .own_account import acting_body, continued_account, described_person
from .pronouns import speaks_as_person
from .quotes import QuoteBlock, find_quote_blocks
from .scoring import CHECKWORTHY_THRESHOLD, assess
from .segment import Segment, segment
from .speaker_context import (
    CONTEXT_SENTENCES,
    in_untagged_quote,
    named_speaker,
    pronoun_in_paragraph,
)
from .subjects import only_person

logger = logging.getLogger("claimbot.extraction")

#: Every check-worthy fact of a real article is posted: the example articles give 8 to 25
#: claims (the shared KN-23 article, the longest, 25); the cap only stops a pathological
#: input from flooding a review channel, and the reply says how many it left out.
DEFAULT_MAX_CLAIMS = 40
DEFAULT_MIN_SCORE = CHECKWORTHY_THRESHOLD
MAX_INPUT_CHARS = 200_000
MAX_SENTENCE_CHARS = 1_500
MIN_CLAIM_WORDS = 4
#: an unpunctuated line this long is prose that lost its full stop, not a heading
MIN_UNPUNCTUATED_PROSE_WORDS = 25
MAX_BYLINE_WORDS = 10
MAX_METADATA_WORDS = 12
MAX_CAPTION_TAIL_WORDS = 6
#: how far past an article's first claim its organisation is looked for (the paragraph after)
LEDE_LOOKAHEAD_CHARS = 600
#: share of control/replacement characters above which input is treated as binary
MAX_BINARY_SHARE = 0.05
BINARY_SAMPLE_CHARS = 20_000
CONTEXT_PENALTY = 0.92

_OPENING_QUOTES = ' «“"„'
_CREDIT_SEPARATOR = r"\s*(?::|/|©|\bby\b|\bpar\b)"
# Control characters (not tab/newline), replacement char, surrogates, private use.
_BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff]")


def prepare_text(text: object) -> str:
    """Validate and bound the input; raises ExtractionError with a readable message."""
    if not isinstance(text, str):
        raise ExtractionError("Expected text, got " + type(text).__name__ + ".")
    if len(text) > MAX_INPUT_CHARS:
        logger.warning(
            "input of %d characters cut to the first %d for claim extraction",
            len(text),
            MAX_INPUT_CHARS,
        )
        text = text[:MAX_INPUT_CHARS]
    if not text.strip():
        raise ExtractionError("The text is empty: paste an article or a few sentences.")
    sample = text[:BINARY_SAMPLE_CHARS]
    if len(_BINARY_CHARS.findall(sample)) > MAX_BINARY_SHARE * len(sample):
        raise ExtractionError("This looks like binary data, not text: paste the article's text.")
    return text


def _is_caption(fragment: str, lexicon: Lexicon) -> bool:
    """Photo credits and captions: "Image: archives", "Photo : AFP", "© Reuters"."""
    if "©" in fragment:
        return True
    norm = normalize_for_matching(fragment)
    marker = lexicon.credit_markers.match(norm)
    if marker is not None and re.match(_CREDIT_SEPARATOR, norm[marker.end() :], re.IGNORECASE):
        return True
    if word_count(fragment) <= MAX_CAPTION_TAIL_WORDS:
        return any(
            re.match(_CREDIT_SEPARATOR, norm[m.end() :], re.IGNORECASE)
            for m in lexicon.credit_markers.finditer(norm)
        )
    return False


def _non_prose_lines(text: str, segments: list[Segment], lexicon: Lexicon) -> set[int]:
    """Indexes of lines that are captions, bylines or metadata as a whole."""
    lines: set[int] = set()
    checked: set[int] = set()
    for seg in segments:
        if seg.line_index in lines:
            continue
        if _is_caption(text[seg.start : seg.end], lexicon):
            lines.add(seg.line_index)
            continue
        if seg.line_index in checked:
            continue
        checked.add(seg.line_index)
        # Bylines and metadata are short lines: look at the first words only.
        head = normalize_for_matching(
            text[seg.line_start : min(seg.line_end, seg.line_start + 200)]
        )
        words = word_count(head)
        if (words <= MAX_BYLINE_WORDS and lexicon.byline_start.match(head)) or (
            words <= MAX_METADATA_WORDS and lexicon.metadata_start.match(head)
        ):
            lines.add(seg.line_index)
    return lines


def _is_heading_like(seg: Segment, text: str) -> bool:
    """A unit without end punctuation that is short: heading, byline, list label, fragment."""
    if seg.line_terminated and seg.end == seg.line_end:
        return False
    if seg.end < seg.line_end:
        return False  # a sentence followed by more text on its line: it did end
    return word_count(text[seg.start : seg.end]) < MIN_UNPUNCTUATED_PROSE_WORDS


def _quote_for(seg: Segment, blocks: list[QuoteBlock]) -> QuoteBlock | None:
    for block in blocks:
        if seg.start < block.inner_end and block.inner_start < seg.end:
            return block
    return None


def _in_speaker_tag(seg: Segment, blocks: list[QuoteBlock]) -> bool:
    return any(b.tag_start <= seg.start and seg.end <= b.tag_end for b in blocks)


def _draft(
    text: str,
    seg: Segment,
    index: int,
    blocks: list[QuoteBlock],
    lexicon: Lexicon,
    previous: str | None,
) -> Draft | None:
    start, end = seg.start, seg.end
    speaker: str | None = None
    block = _quote_for(seg, blocks)
    if block is not None:
        if block.tag_start < end:
            end = max(start, min(end, block.tag_start))
            end = min(end, block.inner_end) if end > block.inner_end else end
        speaker = block.speaker
        if start < block.inner_start and not text[start : block.inner_start].strip(_OPENING_QUOTES):
            start = block.inner_start
    span = text[start:end]
    if len(span) > MAX_SENTENCE_CHARS:
        return None
    cleaned = clean_claim(span, lexicon)
    claim_text = cleaned.text
    # The author's remark before a colon goes; the span starts at the facts.
    head = cleaned.head_skip
    skip = opinion_head_end(span[head : len(span) - cleaned.tail_skip], lexicon)
    if skip:
        cleaned = clean_claim(span[head + skip :], lexicon)
        cleaned = type(cleaned)(cleaned.text, head + skip + cleaned.head_skip, cleaned.tail_skip)
        claim_text = cleaned.text
    else:
        # The author's judgement before "lorsque" goes; the date it gave stays with the fact.
        split = judgement_split(span[head : len(span) - cleaned.tail_skip], lexicon)
        if split is not None:
            fact = clean_claim(span[head + split.fact_start :], lexicon).text
            if split.date:
                first = fact.split(" ", 1)[0]
                if first.lower() in lexicon.stopwords:  # "La Russie" -> "la Russie", not "Karsk"
                    fact = fact[:1].lower() + fact[1:]
                fact = split.date[:1].upper() + split.date[1:] + ", " + fact
            claim_text = fact
    claim_text = drop_judgement_adjectives(claim_text, lexicon)
    if word_count(claim_text) < MIN_CLAIM_WORDS:
        return None
    attribution: Attribution | None = None
    if speaker is None:
        attribution = find_attribution(claim_text, lexicon, previous)
    if speaker is None and attribution is None and skip:
        # "Pour lui, l'enjeu est économique : la semaine représente 30 %…": the remark
        # that went names whose account the facts after it are
        attribution = find_attribution(span[: head + skip], lexicon, previous)
    start, end = start + cleaned.head_skip, end - cleaned.tail_skip
    return Draft(
        text=claim_text,
        start=start,
        end=end,
        speaker=speaker or (attribution.speaker if attribution else None),
        external_source=speaker is not None,
        segment_index=index,
        span_text=text[start:end],
        written=attribution.written if attribution else (speaker or ""),
    )


def _self_contained(draft: Draft, text: str, segments: list[Segment], lexicon: Lexicon) -> None:
    """Names for "the association" from the sentences before; what stays open is recorded."""
    first = segments[max(0, draft.segment_index - CONTEXT_SENTENCES)].start
    context = text[first : segments[draft.segment_index].start]
    previous = segments[draft.segment_index - 1] if draft.segment_index else None
    same_paragraph = previous is not None and previous.line_index == (
        segments[draft.segment_index].line_index
    )
    references = resolve_references(
        draft.text,
        context,
        lexicon,
        text[previous.start : previous.end] if previous and same_paragraph else "",
    )
    draft.text = references.text
    for written, name in references.resolved:
        bare = written.split()[-1].split("'")[-1].split("’")[-1]
        if draft.speaker is not None and draft.speaker.lower() == bare.lower():
            draft.speaker = name
    draft.unresolved = references.unresolved


def _is_role(speaker: str | None) -> bool:
    """ "président ukrainien" (a role) rather than a name: a quote's speaker can name it."""
    return speaker is not None and not any(c.isupper() for c in speaker)


def _tags_end_with_their_sentence(
    segments: list[Segment], blocks: list[QuoteBlock]
) -> list[QuoteBlock]:
    """A speaker tag runs to the end of its sentence, not of its line: in "«…», a déclaré X,
    déléguée CGT. Elle a ajouté que…" the second sentence is a claim of its own."""
    starts = [s.start for s in segments]
    trimmed = []
    for block in blocks:
        at = bisect.bisect_right(starts, block.tag_start) - 1
        if at >= 0 and segments[at].end > block.tag_start:
            block = dataclasses.replace(block, tag_end=min(block.tag_end, segments[at].end))
        trimmed.append(block)
    return trimmed


def _resolve_quote_pronouns(
    text: str, segments: list[Segment], blocks: list[QuoteBlock], lexicon: Lexicon
) -> list[QuoteBlock]:
    """ "…," he said: the speaker is the one of the sentence before the quote, on its line,
    or ending the paragraph before when the quote opens its own."""
    ends = [s.end for s in segments]
    resolved: list[QuoteBlock] = []
    for block in blocks:
        if block.continued and resolved:
            block = dataclasses.replace(block, speaker=resolved[-1].speaker)
        elif block.speaker is not None and is_pronoun(block.speaker, lexicon):
            at = bisect.bisect_right(ends, block.inner_start) - 1
            before = segments[at] if at >= 0 else None
            own = segments[at + 1] if at + 1 < len(segments) else None
            opens_paragraph = own is not None and not text[
                own.line_start : block.inner_start
            ].strip(_OPENING_QUOTES)
            earlier = segments[at - 1] if at >= 1 else None
            found = (
                speaker_before(
                    text[before.start : before.end],
                    lexicon,
                    text[earlier.start : earlier.end] if earlier is not None else None,
                )
                if before is not None and (before.line_end > block.inner_start or opens_paragraph)
                else None
            )
            block = dataclasses.replace(block, speaker=found.speaker if found else None)
        resolved.append(block)
    return resolved


def extract_claims(
    text: str,
    *,
    max_claims: int = DEFAULT_MAX_CLAIMS,
    min_score: float = DEFAULT_MIN_SCORE,
    language: str | None = None,
) -> list[ClaimCandidate]:
    """The check-worthy statements of `text`, best first (at most `max_claims`)."""
    return extract(text, max_claims=max_claims, min_score=min_score, language=language).claims


def extract(
    text: str,
    *,
    max_claims: int = DEFAULT_MAX_CLAIMS,
    min_score: float = DEFAULT_MIN_SCORE,
    language: str | None = None,
) -> Extraction:
    """`extract_claims`, and the check-worthy claims the cap left out."""
    if max_claims < 1:
        return Extraction([], [])
    text = prepare_text(text)
    lang = language or detect_language(text)
    lexicon = get_lexicon(lang)
    segments = segment(text, lang)
    if not segments:
        raise ExtractionError("No sentences found in the text.")
    skipped_lines = _non_prose_lines(text, segments, lexicon)
    lines = sorted({(s.line_start, s.line_end) for s in segments})
    blocks = _resolve_quote_pronouns(
        text,
        segments,
        _tags_end_with_their_sentence(segments, find_quote_blocks(text, lines, lexicon)),
        lexicon,
    )

    drafts: list[Draft] = []
    headings: set[int] = set()
    for index, seg in enumerate(segments):
        if seg.line_index in skipped_lines or _in_speaker_tag(seg, blocks):
            continue
        if _is_heading_like(seg, text) and _quote_for(seg, blocks) is None:
            headings.add(index)
            continue
        sentence = text[seg.start : seg.end]
        previous = drafts[-1] if drafts else None
        if is_attribution_only(sentence, lexicon):
            found = find_attribution(sentence, lexicon)
            if previous is not None and previous.segment_index == index - 1 and found:
                previous.speaker = found.speaker
                previous.external_source = True
            continue
        before = segments[index - 1] if index else None
        # "She told the Gazette…" opening a paragraph: the prose sentence just before.
        readable = before is not None and (
            before.line_index == seg.line_index
            or not (before.line_index in skipped_lines or _is_heading_like(before, text))
        )
        draft = _draft(
            text,
            seg,
            index,
            blocks,
            lexicon,
            text[before.start : before.end] if before and readable else None,
        )
        if draft is None:
            continue
        if sentence.rstrip().endswith(":") and _is_role(draft.speaker):
            following = segments[index + 1] if index + 1 < len(segments) else None
            block = _quote_for(following, blocks) if following else None
            if block is not None and block.speaker:
                draft.speaker = block.speaker
        if (
            draft.speaker is None
            and previous is not None
            and previous.speaker is not None
            and previous.segment_index == index - 1
            and segments[index - 1].line_index == seg.line_index
            and continues_report(draft.text, lexicon)
        ):
            # "Des missiles ont également ..." continues the report sourced just before.
            draft.speaker = previous.speaker
        if draft.speaker is None and in_untagged_quote(text, seg):
            # "Parmi eux, Jeannine Kerbrat, 81 ans, était venue. « Ça fait 25 km… »": a
            # quotation with no tag is the words of the person just named
            draft.speaker = pronoun_in_paragraph(drafts, index, segments, lexicon)
        if draft.speaker is None and speaks_as_pronoun(sentence, lexicon):
            # "La maire, Nathalie Gros, redoute…, dit-elle, …": her own sentence first
            own = only_person(sentence, lexicon)
            draft.speaker = (
                own[0]
                if own
                else pronoun_in_paragraph(
                    drafts,
                    index,
                    segments,
                    lexicon,
                    reach_back=speaks_as_person(sentence, lexicon),
                    headings=headings,
                )
            )
        if draft.speaker is None:
            draft.speaker = (
                described_person(sentence, lexicon)
                or acting_body(sentence, lexicon)
                or continued_account(sentence, previous, index, segments, lexicon)
            )
            draft.own_account = draft.speaker is not None
        _self_contained(draft, text, segments, lexicon)
        # What the article said before the speaker: "Acme Ferries cut 40 sailings, the
        # operator said" names Acme first, in the same sentence.
        said_at = text.find(draft.written, seg.start, seg.end) if draft.written else -1
        cut = said_at if said_at >= 0 else seg.start
        window = max(0, cut - ORGANISATION_LOOKBACK_CHARS)  # each lookup stays bounded
        # The article's first claim may name its organisation only in the paragraph after.
        ahead = "" if drafts else text[seg.end : seg.end + LEDE_LOOKAHEAD_CHARS]
        named_speaker(draft, drafts, lexicon, text[window:cut], seg.start - window, ahead)
        if draft.speaker is not None and not (
            draft.written and ELIDED_BEFORE_NAME.match(draft.written)
        ):  # "L'Agence de l'eau Adour-Garonne": a class written as the name's own stays
            draft.speaker = without_class(draft.speaker, lexicon)
        drafts.append(draft)

    has_model = load_model(lexicon.language) is not None
    claims: list[ClaimCandidate] = []
    for draft in drafts:
        assessment = assess(draft.text, lexicon, external_source=draft.external_source)
        score = assessment.score
        if has_model and assessment.signals.context_start:
            score *= CONTEXT_PENALTY
        reasons = assessment.signals.tags()
        if draft.speaker and "named source" not in reasons:
            reasons = ("named source", *reasons)
        if score < min_score:
            continue
        open_references = draft.unresolved
        if not open_references and "needs context" in reasons:
            open_references = tuple(draft.text.split()[:1])
        if open_references and "needs context" not in reasons:
            reasons = (*reasons, "needs context")  # stored with the claim; the embed reads it
        previous_segment = segments[draft.segment_index - 1] if draft.segment_index else None
        claims.append(
            ClaimCandidate(
                text=draft.text,
                score=round(min(1.0, max(0.0, score)), 4),
                start=draft.start,
                end=draft.end,
                speaker=draft.speaker,
                language=lexicon.language,
                reasons=reasons,
                span_text=draft.span_text,
                needs_context=bool(open_references),
                context_hint=context_hint(
                    open_references,
                    text[previous_segment.start : previous_segment.end]
                    if previous_segment
                    else None,
                )
                if open_references
                else None,
            )
        )
    kept, rest = dedupe_with_rest(claims, limit=max_claims)
    return Extraction(kept, rest)
