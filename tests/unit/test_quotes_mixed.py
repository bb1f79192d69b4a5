"""Mixed quotes: where a quotation is part of a wider reported clause, and who the clause's
speaker is. One test per rule, on sentences written for these tests."""

import spacy
from spacy.tokens import Doc

from pipeline.enrich import enrich_batch
from pipeline.nlp.quotes.marks import find_quotations
from pipeline.nlp.quotes.spans import make_mixed
from pipeline.normalise import normalise
from schemas.records import EnrichedArticle, Quote, RawArticle


def enriched(nlp, body: str) -> EnrichedArticle:
    return enrich_batch([normalise(RawArticle(id="t", source="test", title=None, body=body))], nlp)[0]


def summary(q: Quote) -> tuple[str, str, str | None, str | None]:
    return q.kind, q.text, q.cue.text if q.cue else None, q.speaker.text if q.speaker else None


def test_a_quotation_inside_the_clause_before_its_cue_widens_to_that_clause(nlp):
    a = enriched(nlp, 'The harbour board is far less likely to be "overrun with developers," Maria Lopez said on Tuesday.')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'The harbour board is far less likely to be "overrun with developers,"', "said", "Maria Lopez")]


def test_a_sentence_that_goes_on_after_the_closing_mark_is_part_of_the_quote(nlp):
    a = enriched(nlp, 'Maria Lopez says "the tide is turning" despite the port losing two shipping lines this year.')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", '"the tide is turning" despite the port losing two shipping lines this year', "says", "Maria Lopez")]


def test_a_characterisation_is_quoted_when_an_earlier_cue_does_not_take_it(nlp):
    a = enriched(nlp, 'Maria Lopez responded on Twitter, calling the levy "unfair" and "a tax on the poor."')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the levy "unfair" and "a tax on the poor."', "calling", "Maria Lopez")]


def test_an_opening_mark_on_the_verb_does_not_end_what_it_reports(nlp):
    a = enriched(nlp, 'Councillor Maria Lopez blasted the plan on Monday, calling it "absurd."')
    assert [summary(q) for q in a.quotes] == [("mixed", 'it "absurd."', "calling", "Maria Lopez")]


def test_which_names_the_organisation_before_it(nlp):
    a = enriched(nlp, 'The figures came from the Lestria Port Authority, which reported "1,240 late sailings" '
                      "in the first half of the year.")
    (q,) = a.quotes
    assert summary(q) == ("mixed", '"1,240 late sailings" in the first half of the year', "reported", "which")
    assert q.speaker is not None and q.speaker.name == "Lestria Port Authority"


def test_a_later_quotation_of_the_same_act_belongs_to_the_quote(nlp):
    a = enriched(nlp, "In a statement, Governor Ana Ruiz condemned Tuesday's vote as \"hasty and careless\" and a "
                      "\"serious blow\" to the region's farmers.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", "Tuesday's vote as \"hasty and careless\" and a \"serious blow\" to the region's farmers", "condemned",
         "Ana Ruiz")]


def test_a_characterisation_ends_at_the_last_quotation_when_a_place_follows(nlp):
    a = enriched(nlp, 'The mayor described the tunnel plan as "reckless" and a "gift to developers" at a town meeting.')
    assert [summary(q)[:3] for q in a.quotes] == [
        ("mixed", 'the tunnel plan as "reckless" and a "gift to developers"', "described")]


def test_the_rest_of_a_sentence_the_parser_hung_on_the_cue_is_part_of_the_quote():
    # the parse as the small model gives it on long sentences: 'compared' hung on 'said', not on
    # the reported clause, so the clause alone would stop at the phrase's closing mark
    words = ["Hale", "said", "the", "cuts", "were", '"', "minor", ",", '"', "compared", "to", "the", "strike", "."]
    spaces = [True, True, True, True, True, False, False, False, True, True, True, True, False, False]
    heads = [1, 1, 3, 4, 1, 6, 4, 4, 4, 1, 9, 12, 10, 1]
    deps = ["nsubj", "ROOT", "det", "nsubj", "ccomp", "punct", "acomp", "punct", "punct", "advcl", "prep", "det",
            "pobj", "punct"]
    pos = ["PROPN", "VERB", "DET", "NOUN", "AUX", "PUNCT", "ADJ", "PUNCT", "PUNCT", "VERB", "ADP", "DET", "NOUN",
           "PUNCT"]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    (q,) = find_quotations(doc.text)
    assert make_mixed(q, doc[1])
    assert (q.kind, [doc.text[s:e] for s, e in q.segments]) == ("mixed", ['the cuts were "minor," compared to the strike'])


def test_a_speech_noun_reports_its_clause_and_its_possessor_speaks(nlp):
    a = enriched(nlp, "Reporters checked Maria Lopez's claim that there were \"hundreds of late ferries\" in the harbour "
                      "last winter.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'there were "hundreds of late ferries" in the harbour last winter', "claim", "Maria Lopez")]


def test_the_persons_act_may_be_five_heads_above_the_quoted_phrase(nlp):
    a = enriched(nlp, 'Tomas Hale compared the mayor to a referee at a football match who is "blowing the whistle too '
                      'late" on the strike.')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the mayor to a referee at a football match who is "blowing the whistle too late" on the strike',
         "compared", "Tomas Hale")]


def test_a_quotation_that_goes_on_from_the_words_before_its_attribution_takes_them(nlp):
    a = enriched(nlp, 'When the ferry company cancelled the winter timetable in March, Maria Lopez said, "we were stunned."')
    (q,) = a.quotes
    assert (q.kind, [s.text for s in q.segments], q.cue.text if q.cue else None) == (
        "mixed", ["When the ferry company cancelled the winter timetable in March", "we were stunned."], "said")
    assert q.speaker is not None and q.speaker.text == "Maria Lopez"


def test_it_can_be_the_organisation_whose_act_a_quoted_phrase_is_part_of(nlp):
    a = enriched(nlp, 'The port authority did not name the ferry company, but it blamed "chronic underinvestment" in '
                      "the fleet for the delays.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", '"chronic underinvestment" in the fleet for the delays', "blamed", "it")]


def test_a_quotation_deep_in_what_a_report_found_is_part_of_that_clause(nlp):
    a = enriched(nlp, "A harbour board review found that the ferry company could not account for money meant for "
                      '"repairs, wages or other running costs."')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the ferry company could not account for money meant for "repairs, wages or other running costs."',
         "found", "A harbour board review")]


def test_as_someone_put_it_names_the_writer_of_the_words(nlp):
    after = enriched(nlp, 'The first need of the port is a "steady timetable all year round," as a council report put it.')
    assert [summary(q) for q in after.quotes] == [
        ("mixed", 'The first need of the port is a "steady timetable all year round,"', "put", "a council report")]
    before = enriched(nlp, 'Critics have long seen the mayor, as one columnist put it, as "the ferryman."')
    assert [summary(q) for q in before.quotes] == [("direct", "the ferryman.", "put", "one columnist")]
