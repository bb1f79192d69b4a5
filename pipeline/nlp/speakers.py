"""Who a speaker mention refers to: names, surnames, pronouns and role nouns."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from pipeline.nlp.cues import INSTITUTION_NOUNS, PRONOUNS_GROUP, PRONOUNS_PERSON, ROLE_NOUNS
from schemas.records import Entity, Speaker

# an unattributed quotation continues the last speaker within this many paragraph breaks of
# their quote; further on, the story has moved to someone else
CONTINUING_MAX_PARAGRAPHS = 2
_PHRASE_DEPS = {"det", "amod", "compound", "poss", "nmod", "nummod", "quantmod", "case", "prep", "pobj"}


class SpeakerResolver:
    """Keeps the story's recent speakers and mentions to resolve references against."""

    def __init__(self, doc: Doc, text: str, entities: list[Entity],
                 furniture: list[tuple[int, int]] | None = None) -> None:
        self.doc = doc
        self.text = text
        self.furniture = furniture or []  # headline, dateline, byline: no speaker reaches into them
        self.mentions: list[tuple[int, int, Entity]] = sorted(
            ((m.start, m.end, e) for e in entities for m in e.mentions), key=lambda x: x[0]
        )
        self.recent: list[Speaker] = []

    def _entity_at(self, start: int, end: int) -> tuple[int, int, Entity] | None:
        for s, e, ent in self.mentions:
            if s < end and e > start:
                return s, e, ent
        return None

    def _phrase(self, head: Token) -> tuple[int, int]:
        """The noun phrase a subject token heads, without relative clauses or appositions."""
        left = head
        for child in head.lefts:
            if child.dep_ in _PHRASE_DEPS:
                left = min(left, child.left_edge, key=lambda t: t.i)
                break
        right = head
        for child in head.rights:
            if child.dep_ in ("compound", "flat"):
                right = child
        if left.i > head.i:
            left = head
        return left.idx, right.idx + len(right)

    def _last(self, labels: set[str], before: int, speakers_only: bool = False) -> Entity | None:
        for sp in reversed(self.recent):
            ent = self._entity_by_id(sp.entity_id)
            if ent is not None and ent.label in labels and sp.start < before:
                return ent
        if speakers_only:
            return None
        for s, _e, ent in reversed(self.mentions):
            if s < before and ent.label in labels:
                return ent
        return None

    def _entity_by_id(self, entity_id: str | None) -> Entity | None:
        if entity_id is None:
            return None
        for _s, _e, ent in self.mentions:
            if ent.id == entity_id:
                return ent
        return None

    def resolve(self, head: Token, before: int) -> Speaker:
        if head.tag_ == "WDT" and head.head.dep_ != "relcl" and head.i > 0:
            # 'the Chicago Police Department, which reported ...' misparsed: the noun just before
            prev = head.doc[head.i - 2] if head.doc[head.i - 1].text == "," and head.i > 1 else head.doc[head.i - 1]
            antecedent = self.resolve(prev, before) if prev.pos_ in ("NOUN", "PROPN") else None
            return Speaker(start=head.idx, end=head.idx + len(head), text=head.text,
                           name=antecedent.name if antecedent else None,
                           entity_id=antecedent.entity_id if antecedent else None)
        if (head.lower_ == "who" or head.tag_ == "WDT") and head.head.dep_ == "relcl" and head.head.head is not head.head:
            # the mention is "who"; the name is that of the noun the clause hangs on
            antecedent = self.resolve(head.head.head, before)
            return Speaker(start=head.idx, end=head.idx + len(head), text=head.text,
                           name=antecedent.name, entity_id=antecedent.entity_id)
        ent: Entity | None  # the named entity the speaker is, once found
        start, end = self._clipped(*self._phrase(head), head.idx)
        hit = self._entity_at(head.idx, head.idx + len(head))
        if hit is not None and any(hit[0] < f_end and hit[1] > f_start for f_start, f_end in self.furniture):
            hit = None  # 'Jan 9 - Quantel Systems Inc': the tagger ran the dateline into the name
        if hit is not None:
            s, e, ent = hit
            start, end = min(start, s), max(end, e)
            if ent.label in ("PERSON", "ORG", "GPE", "NORP"):
                if ent.label == "PERSON" and " " not in ent.name:
                    ent = self._person_by_surname(ent.name) or ent  # 'Raman' is the story's 'Priya Raman'
                return Speaker(start=s, end=e, text=self.text[s:e], name=ent.name, entity_id=ent.id)
        named = self._apposition(head)
        if named is not None:
            return named
        lower = head.lower_
        ent = None
        if lower in PRONOUNS_PERSON:
            start, end = head.idx, head.idx + len(head)
            ent = self._last({"PERSON"}, head.idx)
        elif lower in PRONOUNS_GROUP:
            start, end = head.idx, head.idx + len(head)
            ent = self._last({"ORG", "NORP", "GPE"}, head.idx)
        elif lower in ROLE_NOUNS and head.tag_ != "NNS":
            # 'officials' are several people, none of them named; 'the official added' is the
            # person last named, else the last speaker with a name
            ent = self._last({"PERSON"}, head.idx) or self._last({"PERSON", "ORG"}, head.idx, speakers_only=True)
        elif head.pos_ == "PROPN" and " " not in head.text:
            ent = self._person_by_surname(head.text)  # 'Raman' the tagger missed: the story's 'Priya Raman'
            if ent is not None:
                start, end = head.idx, head.idx + len(head)
        elif lower in INSTITUTION_NOUNS:
            ent = self._last({"ORG"}, head.idx)
        phrase = self.text[start:end]
        if ent is not None:
            return Speaker(start=start, end=end, text=phrase, name=ent.name, entity_id=ent.id)
        return Speaker(start=start, end=end, text=phrase, name=phrase if head.pos_ == "PROPN" else None)

    def _apposition(self, head: Token) -> Speaker | None:
        """'The company's chief scientist, Dr. Priya Raman, called ...': the name in apposition."""
        for child in head.rights:
            if child.dep_ == "appos":
                hit = self._entity_at(child.idx, child.idx + len(child))
                if hit is not None and hit[2].label in ("PERSON", "ORG"):
                    start, end = self._clipped(*self._phrase(head), head.idx)
                    return Speaker(start=start, end=end, text=self.text[start:end], name=hit[2].name,
                                   entity_id=hit[2].id)
        return None

    def _clipped(self, start: int, end: int, head: int) -> tuple[int, int]:
        """A speaker phrase without the headline, dateline or byline beside its head word."""
        for f_start, f_end in self.furniture:
            if start < f_end <= head:
                start = f_end
            if head < f_start < end:
                end = f_start
        while start < head and not self.text[start].isalnum():
            start += 1
        return start, end

    def named(self, start: int, end: int) -> Speaker:
        """A speaker given by a name span outside the parse (credit lines, transcripts)."""
        hit = self._entity_at(start, end)
        if hit is not None:
            s, e, ent = hit
            return Speaker(start=s, end=e, text=self.text[s:e], name=ent.name, entity_id=ent.id)
        phrase = self.text[start:end]
        name = phrase.title() if phrase.isupper() else phrase
        person = self._person_by_surname(name)
        if person is not None:
            return Speaker(start=start, end=end, text=phrase, name=person.name, entity_id=person.id)
        return Speaker(start=start, end=end, text=phrase, name=name)

    def _person_by_surname(self, name: str) -> Entity | None:
        """'PENCE' in a transcript is the story's 'Mike Pence'."""
        for _s, _e, ent in self.mentions:
            if ent.label == "PERSON" and " " in ent.name and ent.name.rsplit(" ", 1)[1].lower() == name.lower():
                return ent
        return None

    def continuing(self, before: int) -> Speaker | None:
        """An unattributed quotation right after an attributed one continues that speaker."""
        if not self.recent:
            return None
        last = self.recent[-1]
        gap = self.text[last.end:before]
        if gap.count("\n\n") > CONTINUING_MAX_PARAGRAPHS:
            return None
        return last

    def remember(self, speaker: Speaker) -> None:
        self.recent.append(speaker)
