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


def test_a_closing_which_clause_is_the_reporters_note_and_the_object_shown_is_not_the_speaker(nlp):
    a = enriched(nlp, "The mayor made the remark while showing support for the council's \"harbour renewal fund\", "
                      "which would pay for new cranes at the port.")
    assert [summary(q) for q in a.quotes] == [
        ("mixed", "support for the council's \"harbour renewal fund\"", "showing", "The mayor")]


def test_a_quotation_inside_an_earlier_report_is_not_joined_to_the_next(nlp):
    a = enriched(nlp, 'Maria Lopez said the old port felt "like a ghost town these days," she said. "We have lost two '
                      'shipping lines this year."')
    assert [(q.kind, q.text) for q in a.quotes] == [
        ("mixed", 'the old port felt "like a ghost town these days,"'),
        ("direct", "We have lost two shipping lines this year.")]
    assert [q.speaker.name if q.speaker else None for q in a.quotes] == ["Maria Lopez", "Maria Lopez"]


def test_a_quotation_split_by_its_own_attribution_is_still_one_quote(nlp):
    a = enriched(nlp, '"The port feels like a ghost town these days," Maria Lopez said. "We have lost two shipping '
                      'lines this year."')
    (q,) = a.quotes
    assert (q.kind, [s.text for s in q.segments], q.speaker.text if q.speaker else None) == (
        "direct", ["The port feels like a ghost town these days", "We have lost two shipping lines this year."],
        "Maria Lopez")
