"""The general rules of issue 15, one test each, on sentences written for these tests."""

from pipeline.enrich import enrich_batch
from pipeline.normalise import normalise
from schemas.records import EnrichedArticle, RawArticle


def enriched(nlp, body: str, title: str | None = None) -> EnrichedArticle:
    return enrich_batch([normalise(RawArticle(id="t", source="test", title=title, body=body))], nlp)[0]


def test_a_headline_is_never_a_quote(nlp):
    a = enriched(nlp, title="Harbour to reopen, port chief says",
                 body="VALMORA, March 4 (Reuters) - The harbour of Valmora will reopen on Monday, "
                      "port chief Lina Okafor said on Wednesday.")
    assert [(q.kind, q.text, q.speaker.name) for q in a.quotes] == [
        ("indirect", "The harbour of Valmora will reopen on Monday", "Lina Okafor")]


def test_a_dateline_is_never_a_speaker(nlp):
    a = enriched(nlp, title="Bank holds rates",
                 body="LESTRIA CITY, Sept 18 - The central bank of Lestria kept its main rate unchanged on "
                      "Thursday, saying inflation was falling more slowly than expected.")
    (q,) = a.quotes
    assert q.text == "inflation was falling more slowly than expected"
    assert "LESTRIA" not in q.speaker.text and q.speaker.start >= a.dateline.end


def test_a_byline_is_never_a_quote_or_a_speaker(nlp):
    a = enriched(nlp, title="Council votes on the harbour",
                 body='By Anna Berg\n\n"We have voted for the harbour," said council leader Tomas Hale.')
    assert a.byline is not None
    (q,) = a.quotes
    assert q.text == "We have voted for the harbour" and q.speaker.name == "Tomas Hale"


def test_a_quotation_ends_at_its_closing_mark_and_a_split_one_has_two_segments(nlp):
    body = ('"The port will reopen," Maria Lopez said on Monday after the vote, "and nobody will lose a job." '
            "The council agreed.")
    (q,) = enriched(nlp, body).quotes
    assert [s.text for s in q.segments] == ["The port will reopen", "and nobody will lose a job."]
    assert q.end == body.index('." The council') + 1 and q.speaker.name == "Maria Lopez"


def test_transcript_labels_name_the_speaker_and_stay_out_of_the_text(nlp):
    body = ("Mayor Maria Lopez spoke to council member Tomas Hale on the radio on Tuesday.\n\n"
            '"HALE: Will the harbour open before the winter?\n\n'
            '"LOPEZ: It will open in October, as we promised.')
    found = enriched(nlp, body).quotes
    assert [(q.text, q.speaker.text, q.speaker.name) for q in found] == [
        ("Will the harbour open before the winter?", "HALE", "Tomas Hale"),
        ("It will open in October, as we promised.", "LOPEZ", "Maria Lopez"),
    ]


def test_nested_quotation_marks_do_not_end_the_outer_quotation(nlp):
    body = "\u201cI would rather live in what he calls \u201chell\u201d than anywhere else,\u201d Maria Lopez said."
    (q,) = enriched(nlp, body).quotes
    assert q.text == "I would rather live in what he calls \u201chell\u201d than anywhere else"
    assert q.kind == "direct" and q.speaker.name == "Maria Lopez"


def test_a_quotation_continued_over_paragraphs_is_one_quote(nlp):
    body = ('Maria Lopez told the council: "The harbour will reopen on Monday.\n\n'
            '"Nobody will lose a job, and the ships will be back by the summer."\n\nThe council agreed.')
    (q,) = enriched(nlp, body, title="Harbour to reopen").quotes
    assert [s.text for s in q.segments] == [
        "The harbour will reopen on Monday.", "Nobody will lose a job, and the ships will be back by the summer."]
    assert q.speaker.name == "Maria Lopez"


def test_a_short_quotation_with_its_cue_right_after_is_speech(nlp):
    body = 'Maria Lopez waved to the crowd.\n\n"We love you," she said.'
    (q,) = enriched(nlp, body).quotes
    assert (q.kind, q.text, q.speaker.name) == ("direct", "We love you", "Maria Lopez")


def test_a_reported_clause_stops_where_another_speaker_reports(nlp):
    body = ("Mayor Sandra Villanueva said she was confident the result would stand, while challenger Owen Petrakis "
            "told supporters that the recount was fair.")
    found = enriched(nlp, body).quotes
    assert [(q.text, q.speaker.name) for q in found] == [
        ("she was confident the result would stand", "Sandra Villanueva"),
        ("the recount was fair", "Owen Petrakis"),
    ]


def test_a_name_in_apposition_is_the_speaker(nlp):
    body = 'The company\'s chief scientist, Dr. Priya Raman, called the results "a genuine turning point."'
    (q,) = enriched(nlp, body).quotes
    assert q.kind == "mixed" and q.speaker.name == "Priya Raman"
