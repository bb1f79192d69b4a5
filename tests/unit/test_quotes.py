"""Quote kinds and speakers on sentences written for these tests (each names the rule it checks)."""

from pipeline.enrich import enrich_batch
from pipeline.normalise import normalise
from schemas.records import Quote, RawArticle


def quotes(nlp, body: str) -> list[Quote]:
    article = normalise(RawArticle(id="t", source="test", body=body))
    return enrich_batch([article], nlp)[0].quotes


def test_a_characterisation_is_one_mixed_quote_by_the_one_who_made_it(nlp):
    (q,) = quotes(nlp, 'Senator Ted Cruz called Trump a "pathological liar" who is "utterly amoral."')
    assert q.kind == "mixed" and q.cue.text == "called"
    assert q.text.startswith('Trump a "pathological liar"') and "utterly amoral" in q.text
    assert q.speaker.name == "Ted Cruz"


def test_a_quote_split_by_its_attribution_is_one_quote_with_two_segments(nlp):
    (q,) = quotes(nlp, '"We are ready," Maria Lopez said, "and we will go tomorrow."')
    assert [s.text for s in q.segments] == ["We are ready", "and we will go tomorrow."]
    assert q.speaker.name == "Maria Lopez"


def test_a_new_sentence_with_its_own_cue_starts_a_new_quote(nlp):
    found = quotes(nlp, '"The harbour is closed." Maria Lopez added, "Nobody leaves before Friday."')
    assert [q.text for q in found] == ["The harbour is closed.", "Nobody leaves before Friday."]
    assert found[1].cue.text == "added"


def test_the_cue_after_a_question_mark_attributes_the_question(nlp):
    body = 'Maria Lopez spoke to the council.\n\n"Will you open the harbour before winter?" she asks.'
    (q,) = quotes(nlp, body)
    assert q.cue.text == "asks" and q.speaker.text == "she" and q.speaker.name == "Maria Lopez"


def test_who_in_a_relative_clause_is_the_mention_and_its_noun_the_speaker(nlp):
    body = ("The vote was delayed by Mitch McConnell, who in 2010 said the party's most important goal was "
            "to win the next election.")
    (q,) = quotes(nlp, body)
    assert q.kind == "indirect" and q.speaker.text == "who" and q.speaker.name == "Mitch McConnell"
    assert q.text.startswith("the party's most important goal")


def test_according_to_reports_the_clause_without_its_source(nlp):
    body = "Merger news\n\nHowever, the merger will close in May, according to a filing from the company.\n\nMore later."
    (q,) = quotes(nlp, body)
    assert q.kind == "indirect" and q.text == "the merger will close in May"
    assert q.cue.text == "according to"


def test_a_phrase_quoted_in_passing_is_not_a_quote(nlp):
    assert quotes(nlp, 'Residents of the "old harbour quarter" are tired of the summer crowds.') == []


def test_a_phrase_quoted_inside_a_persons_act_is_their_mixed_quote(nlp):
    body = 'Maria Lopez praised the harbour workers on Monday.\n\nShe thanked them for staying "day after day."'
    (q,) = quotes(nlp, body)
    assert q.kind == "mixed" and q.text.startswith("them for staying")
    assert q.speaker.text == "She" and q.speaker.name == "Maria Lopez"


def test_a_word_inside_the_quotation_is_never_its_speaker(nlp):
    (q,) = quotes(nlp, '"My apologies, I am sorry," Becky Quick said after a back-and-forth.')
    assert q.speaker.name == "Becky Quick"


def test_a_quotation_after_a_colon_speaks_for_the_subject_before_it(nlp):
    body = ("Donald Trump spoke in Ohio.\n\nIn response, Republican nominee Donald Trump issued the following "
            'statement:\n\n"Our prayers are with all those affected by the horrible attacks in Munich."')
    (q,) = quotes(nlp, body)
    assert q.cue is None and q.speaker.name == "Donald Trump"
