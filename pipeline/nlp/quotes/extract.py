"""The passes in order, from a parsed story to its ``Quote`` records."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from pipeline.nlp.quotes.attribution import speaker_of
from pipeline.nlp.quotes.cues import (
    as_put_it,
    characterising_verb,
    find_cue,
    holding_verb,
    is_according,
    is_cue,
    speakers_verb,
    token_at,
)
from pipeline.nlp.quotes.indirect import according_content, find_indirect
from pipeline.nlp.quotes.joins import merge_split
from pipeline.nlp.quotes.marks import MARKS, Quotation, find_quotations, opens_sentence
from pipeline.nlp.quotes.nouns import speech_noun
from pipeline.nlp.quotes.spans import (
    clause_span,
    clip_segments,
    edges,
    embedded,
    goes_on,
    make_mixed,
    make_mixed_before,
    mixed_over,
    sentence_like,
)
from pipeline.nlp.speakers import SpeakerResolver
from schemas.records import Cue, Entity, NormalisedArticle, Quote, Segment

# Below this many words a quotation that is not a sentence of its own is a scare quote, a
# title or a nickname ('the "Gang of Eight"'), not speech (PolNeAR annotates none of them)
MIN_QUOTE_WORDS = 4
# Below this many words a quotation is a phrase: quoted in passing when lower-case and
# uncued, and a candidate for the mixed quote of the person's act it sits in
PHRASE_MAX_WORDS = 8
# '"We need change," the New York businessman said': words between a short quotation's closing
# mark and its cue (an attribution with a title and a name)
ATTRIBUTION_MAX_WORDS = 8
# 'In a city of ten bridges, "...," she said': a lead-in phrase is short
LEAD_IN_MAX_TOKENS = 12
# "The Late Morning Show", "Saving for Later": titles are short
TITLE_MAX_WORDS = 6
_TITLE_LOOKBEHIND = 24  # the word before the opening mark, past a comma and spaces
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "with", "to", "in", "on", "for", "at", "by", "from"}
# words a work's title follows: 'on "Morning Radio"', 'his book, "..."' (not 'of' or 'the': 'a goal of
# "Homes For All"' and 'the "Clean Rivers Act"' are what someone proposes, and annotated as such)
_TITLE_CONTEXT = {"on", "in", "book", "show", "program", "programme", "film", "titled", "entitled",
                  "column", "op-ed", "documentary", "song", "album", "headline"}
_DATELINE_SEPARATORS = " \t-\u2013\u2014:"
_CLOSING = re.compile(r"[,;:]?[\"\u201d\u00bb]")
_CLOSED_BY_COMMA = re.compile(r"[,?!][\"\u201d\u00bb][ \t]")


def extract_quotes(doc: Doc, article: NormalisedArticle, entities: list[Entity]) -> list[Quote]:
    text = article.text
    furniture = story_furniture(article)
    quotations = [q for q in find_quotations(text) if not _overlaps(q.start, q.end, furniture)]
    quotations = merge_split(text, quotations, doc)
    # nothing quoted (before mixed quotes widen it) and no headline, dateline or byline speaks
    # (furniture narrowed by one character each side: ``inside`` counts the marks around a quotation)
    marked = [seg for q in quotations for seg in q.segments] + [(s + 1, e - 1) for s, e in furniture]
    found = _direct_quotes(doc, text, quotations)
    found.extend(find_indirect(doc, text, found, furniture))
    found = [q for q in found if clip_segments(text, q, furniture)]
    found.sort(key=lambda q: q.start)
    resolver = SpeakerResolver(doc, text, entities, furniture)
    quotes: list[Quote] = []
    for q in found:
        speaker = speaker_of(doc, text, q, resolver, marked)
        quotes.append(Quote(
            id=f"{article.id}:q{len(quotes) + 1}",
            text=text[q.start:q.end], start=q.start, end=q.end,
            segments=[Segment(start=s, end=e, text=text[s:e]) for s, e in q.segments],
            kind=q.kind, cue=_cue_record(text, q.cue), speaker=speaker,
        ))
    return quotes


def story_furniture(article: NormalisedArticle) -> list[tuple[int, int]]:
    """Headline, dateline (with its dash) and byline: never a quote, a cue or a speaker. A lead
    paragraph that repeats the headline counts as headline."""
    text = article.text
    regions: list[tuple[int, int]] = []
    if article.title_span is not None:
        regions.append((article.title_span.start, article.title_span.end))
        if article.lead_repeats_title:
            regions.append((0, article.title_span.end))
    if article.dateline is not None:
        end = article.dateline.end
        while end < len(text) and text[end] in _DATELINE_SEPARATORS:
            end += 1
        regions.append((article.dateline.start, end))
    if article.byline is not None:
        regions.append((article.byline.start, article.byline.end))
    return regions


def _overlaps(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    return any(start < e and end > s for s, e in regions)


def _direct_quotes(doc: Doc, text: str, quotations: list[Quotation]) -> list[Quotation]:
    """Quotations kept as direct or mixed quotes, each with its cue."""
    found: list[Quotation] = []
    for q in quotations:
        n_words = sum(len(text[s:e].split()) for s, e in q.segments)
        cue = find_cue(doc, q, text)
        if cue is not None and cue.idx < q.start and embedded(doc, text, q, cue):
            # the quotation sits inside what the cue reports: a mixed quote over that clause
            make_mixed(q, cue)
        if q.kind == "direct" and cue is not None and len(q.segments) == 1 and not is_title(text, q):
            if cue.idx > q.end:
                # 'the group is less likely to be "overrun," he said': the clause before the cue
                make_mixed_before(doc, text, q, cue)
            elif cue.idx < q.start and goes_on(text, q):
                # 'says "the wind is at our backs" despite the loss': the clause after the mark
                make_mixed(q, cue)
        if q.kind == "direct" and cue is not None and cue.idx < q.start:
            _with_lead_before_attribution(doc, text, q, cue)
        if q.kind == "direct" and cue is not None and is_according(cue) and len(q.segments) == 1 \
                and (not sentence_like(text, q) or text[q.start].islower()):
            # 'According to the complaint, the firm ran a "massive scheme" for years': a phrase quoted in
            # the clause that 'according to' reports is part of it (one mixed quote over the clause)
            span = according_content(cue)
            if span is not None and text[span[0]:q.start].strip(" \t\"\u201c\u00ab"):
                mixed_over(text, q, span)
        put = as_put_it(doc, q) if cue is None else None
        if put is not None and not _next_to(text, q, put):
            put = None
        if put is not None:
            cue = put
            if put.idx > q.end and put.head is not put:
                # 'the requirement is a "lawful source of income," as a memo put it': the clause it glosses
                toks = edges([t for t in put.head.subtree if t not in put.subtree and t.sent == put.sent])
                if toks:
                    mixed_over(text, q, (toks[0].idx, toks[-1].idx + len(toks[-1])))
        if q.kind == "direct" and (cue is None or cue.idx > q.end):
            # "Trump's claim that there were "thousands of shootings" in ...": the noun reports it
            found_noun = speech_noun(doc, q)
            if found_noun is not None and mixed_over(text, q, clause_span(found_noun[1], found_noun[0])):
                cue = found_noun[0]
        if q.kind == "direct" and (cue is None or cue.idx > q.start or not sentence_like(text, q)):
            # no cue before it, or a phrase the cue's clause did not take ('called Trump a "liar"
            # and said ...'): the act the quotation is part of
            verb = characterising_verb(doc, q)
            if verb is None:
                verb = holding_verb(doc, q)
            if verb is None and ((n_words < PHRASE_MAX_WORDS and not sentence_like(text, q)) or text[q.start].islower()):
                verb = speakers_verb(doc, q)
                if verb is not None and cue is not None and cue.idx < q.start and verb is not cue and cue in verb.subtree:
                    verb = None  # 'thinks ... but said "..."': the verb above the cue is not the act quoted
            if verb is not None and make_mixed(q, verb):
                cue = verb
        if q.kind == "direct" and n_words < MIN_QUOTE_WORDS and not sentence_like(text, q) \
                and not _attributed_after(text, q, cue) and not (put is not None and cue is put):
            continue  # a scare quote, a title or a nickname, not speech
        if q.kind == "direct" and cue is None and n_words < PHRASE_MAX_WORDS and text[q.start].islower():
            continue  # a phrase quoted in passing, with no one saying it
        if q.kind == "direct" and is_title(text, q):
            continue  # 'said on WXYZ's "Morning Radio."': a programme's or a book's name
        if q.kind == "direct" and cue is not None and cue.idx > q.end:
            _with_lead_in(doc, text, q)
        if q.kind == "mixed" and any(f.kind == "mixed" and f.start < q.end and q.start < f.end for f in found):
            continue  # 'called Trump a "liar" who is "amoral"': one characterisation, one quote
        q.cue = cue
        found.append(q)
    return found


def _next_to(text: str, q: Quotation, put: Token) -> bool:
    """'as X put it, "..."' / '"...," as X put it': the clause touches the quotation (only
    punctuation between), so it glosses these words and not a sentence around them."""
    clause = list(put.head.subtree) if put.dep_ == "advcl" else list(put.subtree)
    as_tok = next((c for c in put.children if c.lower_ == "as"), put)
    if put.idx > q.end:
        return not text[q.end:as_tok.idx].strip(" \t,;\"\u201d\u00bb")
    end = put.right_edge.idx + len(put.right_edge)
    return bool(clause) and not text[end:q.start].strip(" \t,:\"\u201c\u00ab")


def _with_lead_before_attribution(doc: Doc, text: str, q: Quotation, cue: Token) -> None:
    """'An economic downturn, he said, "could be a good time to borrow."': a quotation that goes on
    from the words before its attribution (it opens in lower case right after 'he said,') is one
    statement with them: two segments, the words and the quotation."""
    if len(q.segments) > 1 or not text[q.start].islower():
        return
    if not re.fullmatch(r",[ \t]*[\"\u201c\u00ab]", text[cue.idx + len(cue):q.start]):
        return
    sent = cue.sent
    comma = text.rfind(",", sent.start_char, cue.idx)
    if comma < 0:
        return
    lead = [t for t in sent if t.idx < comma and not t.is_space]
    if len(lead) < 2 or any(t.text in MARKS or is_cue(t) for t in lead) \
            or len(text[comma + 1:cue.idx].split()) > ATTRIBUTION_MAX_WORDS:
        return
    q.segments = [(lead[0].idx, comma), *q.segments]
    q.kind = "mixed"


def _with_lead_in(doc: Doc, text: str, q: Quotation) -> None:
    """'In a city of ten bridges, "no single closure stops traffic," she said': the phrase that
    opens the sentence before the quotation is part of the statement (a mixed quote from the
    sentence start). Only a verbless phrase: a clause before the mark is the reporter's."""
    if len(q.segments) > 1 or opens_sentence(text, q.start):
        return
    first = token_at(doc, q.start)
    if first is None:
        return
    lead = [t for t in first.sent if t.idx < q.start - 1 and not t.is_space]
    if not lead or lead[-1].text != "," or len(lead) > LEAD_IN_MAX_TOKENS \
            or any(t.pos_ in ("VERB", "AUX") for t in lead) or any(t.text in MARKS for t in lead):
        return
    closing = _CLOSING.match(text, q.end)
    q.segments = [(lead[0].idx, closing.end() if closing is not None else q.end)]
    q.kind = "mixed"


def is_title(text: str, q: Quotation) -> bool:
    """A short quotation in title case after a word that names a work ('on WXYZ's "Morning
    Radio."', 'her book, "Saving for Later,"'): a title, not words someone said."""
    words = re.findall(r"[\w'\u2019-]+", text[q.start:q.end])
    if not 0 < len(words) <= TITLE_MAX_WORDS or len(q.segments) > 1:
        return False
    if any(not w[0].isupper() and w.lower() not in _TITLE_SMALL_WORDS for w in words):
        return False
    before = re.findall(r"[\w'\u2019]+", text[max(0, q.start - _TITLE_LOOKBEHIND):q.start])
    last = before[-1].lower() if before else ""
    return last in _TITLE_CONTEXT or last.endswith(("'s", "\u2019s"))


def _attributed_after(text: str, q: Quotation, cue: Token | None) -> bool:
    """'"I love you," he said': a quotation closed by a comma and followed by its cue is speech,
    however short."""
    return cue is not None and cue.idx >= q.end and _CLOSED_BY_COMMA.match(text, q.end) is not None \
        and len(text[q.end:cue.idx].split()) <= ATTRIBUTION_MAX_WORDS and opens_sentence(text, q.start)


def _cue_record(text: str, tok: Token | None) -> Cue | None:
    if tok is None:
        return None
    end = tok.idx + len(tok)
    if is_according(tok):
        end = next(c for c in tok.children if c.lower_ == "to").idx + 2
    return Cue(start=tok.idx, end=end, text=text[tok.idx:end])
