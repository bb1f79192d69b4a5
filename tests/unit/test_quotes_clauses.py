"""What a reported clause covers and who speaks it: one test per rule, on sentences written for these tests."""

from pipeline.enrich import enrich_batch
from pipeline.normalise import normalise
from schemas.records import EnrichedArticle, Quote, RawArticle


def enriched(nlp, body: str) -> EnrichedArticle:
    return enrich_batch([normalise(RawArticle(id="t", source="test", title=None, body=body))], nlp)[0]


def summary(q: Quote) -> tuple[str, str, list[str], str | None]:
    return q.kind, q.text, [s.text for s in q.segments], q.speaker.name if q.speaker else None


def cue(q: Quote) -> str | None:
    return q.cue.text if q.cue else None


def speaker(q: Quote) -> str | None:
    """The speaker as the story names them (the mention, not the resolved name)."""
    return q.speaker.text if q.speaker else None


def test_the_listener_of_told_is_not_a_quote(nlp):
    a = enriched(nlp, 'Maria Lopez told WXYZ\'s "Morning Radio" that the harbour would reopen in October.')
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the harbour would reopen in October", ["the harbour would reopen in October"], "Maria Lopez")]


def test_an_attribution_inside_the_sentence_it_reports_gives_two_segments(nlp):
    a = enriched(nlp, "The bridge, Tomas Hale said, would open in the spring after two years of work.")
    (q,) = a.quotes
    assert q.kind == "indirect" and cue(q) == "said"
    assert [s.text for s in q.segments] == ["The bridge", "would open in the spring after two years of work"]
    assert speaker(q) == "Tomas Hale"


def test_according_to_taken_for_a_noun_phrase_still_reports_the_rest_of_the_sentence(nlp):
    a = enriched(nlp, 'According to radio host Owen Petrakis, the plan smacks of "panic" and haste.')
    assert [(q.kind, q.text, cue(q), speaker(q)) for q in a.quotes] == [
        ("mixed", 'the plan smacks of "panic" and haste', "According to", "Owen Petrakis")]


def test_a_programme_title_is_not_a_quote(nlp):
    a = enriched(nlp, 'Maria Lopez spoke for an hour on WXYZ\'s "Morning Radio With Tom."')
    assert a.quotes == []


def test_a_second_report_joined_to_the_clause_is_left_out_of_it(nlp):
    a = enriched(nlp, "Harbour chief Tomas Hale said the port would reopen in October and warned against further strikes.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the port would reopen in October", ["the port would reopen in October"], "Tomas Hale")]


def test_what_someone_called_something_is_quoted_with_the_act_it_is_used_in(nlp):
    a = enriched(nlp, 'The minister, Sandra Villanueva, condemned what she called a "reckless gamble" with public money.')
    (q,) = a.quotes
    assert (q.kind, q.text, cue(q)) == ("mixed", 'what she called a "reckless gamble" with public money', "condemned")
    assert summary(q)[3] == "Sandra Villanueva"


def test_another_attribution_is_not_a_statement(nlp):
    a = enriched(nlp, "Both Maria Lopez and Tomas Hale say they never told anyone about the plan.")
    assert [(q.kind, q.text, cue(q)) for q in a.quotes] == [
        ("indirect", "they never told anyone about the plan", "say")]


def test_a_name_the_parser_took_into_a_phrase_before_the_verb_is_the_speaker(nlp):
    a = enriched(nlp, "Maria Lopez became harbour chief in 2019.\n\n"
                      "At a meeting with the staff of the ferry company Lopez said the harbour would reopen in October.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the harbour would reopen in October", ["the harbour would reopen in October"], "Maria Lopez")]


def test_a_call_for_something_reports_the_demand(nlp):
    a = enriched(nlp, "Harbour chief Tomas Hale called for a new bridge across the river.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "a new bridge across the river", ["a new bridge across the river"], "Tomas Hale")]


def test_a_call_on_someone_reports_whom_it_asks_and_what(nlp):
    a = enriched(nlp, "Mayor Sandra Villanueva called on the council to approve the ferry budget before the summer.")
    (q,) = a.quotes
    assert (q.kind, q.text, cue(q)) == (
        "indirect", "the council to approve the ferry budget before the summer", "called")
    assert summary(q)[3] == "Sandra Villanueva"


def test_calling_something_a_name_reports_the_name(nlp):
    a = enriched(nlp, "Tomas Hale called the plan a costly mistake for the port.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the plan a costly mistake for the port", ["the plan a costly mistake for the port"], "Tomas Hale")]


def test_a_name_given_and_an_object_confirmed_report_nothing(nlp):
    assert enriched(nlp, "A group called Harbour Watch met on Monday.").quotes == []
    assert enriched(nlp, "The port authority confirmed the agreement in a statement.").quotes == []


def test_a_promise_reports_what_is_promised(nlp):
    a = enriched(nlp, "Maria Lopez vowed to keep the night ferry running through the winter.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "to keep the night ferry running through the winter",
         ["to keep the night ferry running through the winter"], "Maria Lopez")]


def test_a_warning_reports_whom_it_addresses_who_is_not_the_speaker(nlp):
    a = enriched(nlp, "The Lestrian government warned Valmora to stop the ferry strike within a week.")
    (q,) = a.quotes
    assert (q.kind, q.text) == ("indirect", "Valmora to stop the ferry strike within a week")
    assert speaker(q) == "The Lestrian government"


def test_a_note_on_a_name_closing_the_clause_is_the_reporters(nlp):
    a = enriched(nlp, "Tomas Hale said he would not back Maria Lopez, the mayor's closest rival in the council.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "he would not back Maria Lopez", ["he would not back Maria Lopez"], "Tomas Hale")]


def test_a_phrase_leading_into_a_quotation_is_part_of_the_statement(nlp):
    body = 'The mayor spoke after the vote. In a city of ten bridges, "no single closure stops the traffic," she said.'
    a = enriched(nlp, body)
    (q,) = a.quotes
    assert (q.kind, q.text) == ("mixed", 'In a city of ten bridges, "no single closure stops the traffic,"')
    assert cue(q) == "said"


def test_describing_something_as_something_reports_both(nlp):
    a = enriched(nlp, "Tomas Hale described the new timetable as a step backwards for the islands.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the new timetable as a step backwards for the islands",
         ["the new timetable as a step backwards for the islands"], "Tomas Hale")]


def test_a_question_is_reported_and_the_one_who_answers_did_not_ask_it(nlp):
    a = enriched(nlp, "When asked whether the ferry would run on Sundays, Maria Lopez said the council had not decided.")
    assert [(q.kind, q.text, cue(q), summary(q)[3]) for q in a.quotes] == [
        ("indirect", "whether the ferry would run on Sundays", "asked", None),
        ("indirect", "the council had not decided", "said", "Maria Lopez"),
    ]


def test_according_to_at_the_end_reports_every_clause_before_it(nlp):
    a = enriched(nlp, "Ferry fares rose sharply in March, and bus fares fell in April, according to the council.")
    assert [(q.kind, q.text, speaker(q)) for q in a.quotes] == [
        ("indirect", "Ferry fares rose sharply in March, and bus fares fell in April", "the council")]


def test_a_second_quotation_with_its_own_attribution_is_a_quote_of_its_own(nlp):
    body = '"The port will reopen," Maria Lopez said. "Nobody will lose a job," she said.'
    a = enriched(nlp, body)
    assert [(q.kind, [s.text for s in q.segments], summary(q)[3]) for q in a.quotes] == [
        ("direct", ["The port will reopen"], "Maria Lopez"),
        ("direct", ["Nobody will lose a job"], "Maria Lopez"),
    ]


def test_a_name_before_a_party_and_state_is_the_speaker(nlp):
    a = enriched(nlp, "Saturday at the Lestria Democratic party's state convention Sen. Ana Ruiz (D-LE) said the harbour "
                      'tax was a "proven failure" in business.')
    (q,) = a.quotes
    assert (q.kind, q.text, speaker(q)) == ("mixed", 'the harbour tax was a "proven failure" in business', "Ana Ruiz")


def test_a_quotation_the_sentence_goes_on_after_is_not_joined_to_the_one_before(nlp):
    a = enriched(nlp, '"The port will reopen," Maria Lopez said. "Nobody will lose a job" after the strike, she added.')
    assert [(q.kind, [s.text for s in q.segments], cue(q)) for q in a.quotes] == [
        ("direct", ["The port will reopen"], "said"),
        ("mixed", ['"Nobody will lose a job" after the strike'], "added"),  # the sentence it goes on in
    ]


def test_a_split_quotation_is_spoken_by_the_attribution_between_its_parts(nlp):
    body = ("The council published its transport figures on Monday.\n\n"
            '"On this basis," Harbour Watch said, "true ferry use is in the mid-30s while bus use is in the low-50s '
            'after hovering around 60% for several years."\n\n'
            "Council research director Tomas Hale said that figures from the harbour are far more scrutinized than "
            "those from the airport.")
    q = enriched(nlp, body).quotes[0]
    assert (len(q.segments), cue(q), speaker(q)) == (2, "said", "Harbour Watch")
    assert q.cue is not None and q.segments[0].end < q.cue.start < q.segments[1].start


def test_lets_say_reports_nothing(nlp):
    a = enriched(nlp, "The ferry plan is simple. Let's say a family of four takes the ferry to the islands every day in August.")
    assert a.quotes == []


def test_a_participle_after_a_comma_speaks_for_the_subject_of_the_sentence(nlp):
    body = ("Maria Lopez became harbour chief in 2019.\n\n"
            "Lopez was defensive when asked about not paying a builder who said he was cheated after he built a pier "
            "at one of the harbour's docks, saying, \"Maybe he did not do a good job, and I was not happy with his work.\"")
    q = next(q for q in enriched(nlp, body).quotes if q.kind == "direct")
    assert (q.text, cue(q), summary(q)[3]) == (
        "Maybe he did not do a good job, and I was not happy with his work.", "saying", "Maria Lopez")


def test_a_characterisation_ends_where_the_reporter_says_when_and_where(nlp):
    a = enriched(nlp, 'Maria Lopez described the plan as a "costly mistake" during a town-hall meeting on Tuesday.')
    assert [summary(q) for q in a.quotes] == [
        ("mixed", 'the plan as a "costly mistake"', ['the plan as a "costly mistake"'], "Maria Lopez")]


def test_a_share_of_people_polled_is_the_speaker(nlp):
    a = enriched(nlp, "The council asked 2,000 residents about the ferry. About six in 10 said they want the ferry to run "
                      "all night.")
    assert [(q.kind, q.text, speaker(q)) for q in a.quotes] == [
        ("indirect", "they want the ferry to run all night", "About six in 10")]


def test_the_one_made_to_speak_is_the_speaker(nlp):
    a = enriched(nlp, "Maria Lopez runs the ferry company.\n\n"
                      "At the hearing, Tomas Hale got Lopez to admit that the ferry had been late every day in March.")
    assert [summary(q) for q in a.quotes] == [
        ("indirect", "the ferry had been late every day in March", ["the ferry had been late every day in March"],
         "Maria Lopez")]


def test_an_announcement_reports_what_is_announced(nlp):
    a = enriched(nlp, "The harbour authority announced a new ferry route to the northern islands.")
    assert [(q.kind, q.text, cue(q), speaker(q)) for q in a.quotes] == [
        ("indirect", "a new ferry route to the northern islands", "announced", "The harbour authority")]


def test_a_report_of_figures_reports_them(nlp):
    a = enriched(nlp, "The ferry company reported a small loss for the third quarter.")
    assert [(q.kind, q.text, cue(q), speaker(q)) for q in a.quotes] == [
        ("indirect", "a small loss for the third quarter", "reported", "The ferry company")]
