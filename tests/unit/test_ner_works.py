"""Titles of works and awards (pipeline/nlp/ner/works.py), on NER tags set by hand and on
sentences of our own: the NER read each of these as a person, a place or a company."""

import pytest

from pipeline.nlp.ner.works import is_award, looks_like_work, relabel_work
from tests.unit.test_ner_rules import entities


def test_an_album_after_its_descriptor_is_a_work():
    body = "The singer toured all year and sold two million copies of his latest album Paper Lanterns."
    assert entities(body, [("Paper Lanterns", "PERSON", 0)]) == {"Paper Lanterns": ("WORK_OF_ART", 1)}


def test_a_documentary_named_after_its_broadcaster_is_a_work():
    body = "Last spring the BBC documentary Hidden Harbour followed three dock workers for a year."
    ents = entities(body, [("BBC", "ORG", 0), ("Hidden Harbour", "GPE", 0)])
    assert ents == {"BBC": ("ORG", 1), "Hidden Harbour": ("WORK_OF_ART", 1)}


def test_every_mention_of_a_titled_work_follows_it():
    body = ("Her novel Winter Orchard won the prize. Critics said Winter Orchard was her best book, "
            "and Winter Orchard has sold well.")
    tagged = [("Winter Orchard", "ORG", 0), ("Winter Orchard", "PERSON", 1), ("Winter Orchard", "ORG", 2)]
    assert entities(body, tagged) == {"Winter Orchard": ("WORK_OF_ART", 3)}


@pytest.mark.parametrize("body, award, label", [
    ("The actor, an Oscar nominee last year, has signed for a new film.", "Oscar", "PERSON"),
    ("She collected her third Grammy on Sunday night in front of her family.", "Grammy", "GPE"),
    ("The drama won two Baftas and was sold to forty countries.", "Baftas", "ORG"),
    ("The band were given four Grammy Awards at the ceremony.", "Grammy Awards", "PERSON"),
])
def test_awards_are_works(body, award, label):
    assert entities(body, [(award, label, 0)]) == {award: ("WORK_OF_ART", 1)}


def test_a_person_named_after_an_award_word_is_still_a_person():
    # "Oscar" as a first name joins the full name: the key is the person's, not the award's
    body = "Oscar Lindqvist won the race. Oscar said the wind had helped him."
    ents = entities(body, [("Oscar Lindqvist", "PERSON", 0), ("Oscar", "PERSON", 1)])
    assert ents == {"Oscar Lindqvist": ("PERSON", 2)}


@pytest.mark.parametrize("body, name, label", [
    # a verb, not the word for a work
    ("New polls show Hargreaves ahead in the city.", "Hargreaves", "PERSON"),
    ("Rovers play Athletic on Saturday at home.", "Athletic", "ORG"),
    ("The storm hit Portland on Sunday night.", "Portland", "GPE"),
    # "a single" is a number, not a record
    ("Not a single Republican voted for the bill.", "Republican", "NORP"),
    # the word for a work, but not right before the name
    ("The film's director Ana Ruiz was in the audience.", "Ana Ruiz", "PERSON"),
    # a name after the word for a work that speaks is a person
    ("Asked about the movie Dalton said he had liked it.", "Dalton", "PERSON"),
])
def test_names_that_are_not_works_keep_their_label(body, name, label):
    assert entities(body, [(name, label, 0)]) == {name: (label, 1)}


def test_an_organisation_named_for_its_awards_stays_an_organisation():
    assert relabel_work("ORG", "brit awards", "x", [(0, 1)]) == "ORG"
    assert relabel_work("PERSON", "brit awards", "x", [(0, 1)]) == "WORK_OF_ART"


def test_labels_the_ner_gets_right_for_works_are_left_alone():
    assert relabel_work("EVENT", "oscars", "x", [(0, 1)]) == "EVENT"
    assert relabel_work("LAW", "grammy", "x", [(0, 1)]) == "LAW"


def test_award_words():
    assert is_award("oscar") and is_award("golden globes") and is_award("critics' circle theatre awards")
    assert not is_award("tony") and not is_award("awards") and not is_award("booker")


def test_titled_and_entitled_mark_a_work():
    text = "a report entitled Broken Bridges"
    assert looks_like_work(text, [(text.index("Broken"), len(text))])
    text = "Mr Broken Bridges"
    assert not looks_like_work(text, [(3, len(text))])
