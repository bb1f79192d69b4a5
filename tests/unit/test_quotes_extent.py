"""Where a mixed quote begins and ends: the reporter's gloss left out, the rest of a
characterisation and the clause 'according to' reports taken in. One test per rule, on
sentences written for these tests."""

from pipeline.enrich import enrich_batch
from pipeline.normalise import normalise
from schemas.records import EnrichedArticle, Quote, RawArticle


def enriched(nlp, body: str) -> EnrichedArticle:
    return enrich_batch([normalise(RawArticle(id="t", source="test", title=None, body=body))], nlp)[0]


def summary(q: Quote) -> tuple[str, str, str | None, str | None]:
    return q.kind, q.text, q.cue.text if q.cue else None, q.speaker.text if q.speaker else None


def test_a_participle_closing_a_quoting_clause_is_the_reporters_gloss(nlp):
    a = enriched(nlp, 'Maria Lopez told the council on Monday the plan would be a "costly mistake" if the port did '
                      "not get new cranes, pointing to the losses of last winter.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the plan would be a "costly mistake" if the port did not get new cranes', "told", "Maria Lopez")]


def test_a_characterisation_goes_on_in_a_phrase_a_preposition_opens(nlp):
    a = enriched(nlp, 'The watchdog rated 40% of the council\'s statements as "misleading," compared to 12% of the '
                      "opposition's.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", "40% of the council's statements as \"misleading,\" compared to 12% of the opposition's", "rated",
         "The watchdog")]


def test_a_characterisation_does_not_go_on_into_another_act_or_a_gloss(nlp):
    for gloss in ("and threatened to cut the port's budget", "referring to its cost"):
        a = enriched(nlp, f'Governor Ana Ruiz described the bridge as "a monument to waste," {gloss}.')
        assert [summary(q) for q in a.quotes] == [
            ("mixed", 'the bridge as "a monument to waste,"', "described", "Ana Ruiz")]


def test_a_phrase_quoted_in_what_according_to_reports_is_part_of_that_clause(nlp):
    a = enriched(nlp, 'According to the audit, the port authority ran a "deeply flawed and costly tendering" '
                      "process for six years.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the port authority ran a "deeply flawed and costly tendering" process for six years',
         "According to", "the audit")]
