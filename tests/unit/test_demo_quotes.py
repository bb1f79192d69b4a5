"""Every quote and speaker of the bundled demo stories, written down (issue 15).

Each entry is (kind, segment texts, speaker mention, speaker name). The demo is what a new user
sees first: a headline, a dateline or a byline taken as a quote or a speaker shows at once.
"""

from pathlib import Path

import pytest

from pipeline.enrich import enrich_batch
from pipeline.normalise import normalise
from pipeline.sources.files import FileSource
from tests.conftest import DEMO

EXPECTED: dict[str, list[tuple[str, list[str], str | None, str | None]]] = {
    "01_harbour_strike.txt": [
        ('direct', ['We have an agreement that respects the people who keep this port running'], 'Teodor Marsh', 'Teodor Marsh'),
        ('indirect', ['the deal included a pay rise of 6 percent over two years'], 'Marsh', 'Teodor Marsh'),
        ('direct', ['Ships will be moving again by tonight'], 'Lina Okafor', 'Lina Okafor'),
        ('indirect', ['the backlog would take about a week to clear'], 'She', 'Lina Okafor'),
    ],
    "02_vaccine_trial.txt": [
        ('indirect', [
            'its experimental malaria vaccine cut infections by more than half in a late-stage trial across four countries',
        ], 'Helix Biologics', 'Helix Biologics'),
        ('mixed', [
            'the results "a genuine turning point for children in high-risk regions."',
        ], "The company's chief scientist", 'Priya Raman'),
        ('indirect', ['the vaccine will be submitted to regulators before the end of the year'], 'Helix', 'Helix Biologics'),
        ('direct', [
            'We are not declaring victory yet',
            'But this is the strongest data we have ever seen.',
        ], 'Raman', 'Priya Raman'),
    ],
    "03_election_count.txt": [
        ('direct', ['Every ballot will be looked at again, by hand if necessary'], 'Martin Greaves', 'Martin Greaves'),
        ('indirect', ['she was confident the result would stand'], 'Sandra Villanueva', 'Sandra Villanueva'),
        ('mixed', ['the recount was "the only fair way forward."'], 'Owen Petrakis', 'Owen Petrakis'),
        ('indirect', ['The recount is expected to take two weeks'], 'Greaves', 'Martin Greaves'),
    ],
    "04_rail_tunnel.txt": [
        ('indirect', ['the project, which began in 2014, had come in slightly under budget'], 'Elsa Brunner', 'Elsa Brunner'),
        ('direct', [
            'This tunnel will serve three generations of travellers',
            'It was worth every hour of work.',
        ], 'Brunner', 'Elsa Brunner'),
        ('indirect', ['The first scheduled train left at 6:02 a.m. on Tuesday'], 'the national rail operator', None),
    ],
    "05_tech_layoffs.txt": [
        ('indirect', [
            'it would cut about 800 jobs, or 7 percent of its workforce, as it shifts spending toward its cloud products',
        ], 'Quantel Systems Inc', 'Quantel Systems Inc'),
        ('mixed', ['the decision was "painful but necessary."'], 'Rafael Ortega', 'Rafael Ortega'),
        ('direct', ['We are making these changes from a position of strength'], 'Ortega', 'Rafael Ortega'),
        ('indirect', ['the cuts had been expected since the company missed revenue targets in October'], 'Analysts', None),
    ],
    "06_flood_warning.txt": [
        ('direct', [
            'People living near the river should prepare to move valuables upstairs tonight',
        ], 'Daniel Cole', 'Daniel Cole'),
        ('indirect', ['the peak was expected on Monday morning'], 'He', 'Daniel Cole'),
        ('indirect', ['water had already reached some streets'], 'Residents', None),
    ],
    "07_central_bank.txt": [
        ('indirect', ['inflation was falling more slowly than expected'], 'The central bank', None),
        ('mixed', ['the bank would "not hesitate to act" if prices rose again'], 'Ana Lindqvist', 'Ana Lindqvist'),
        ('direct', ['The job is not finished', 'and we will stay the course until it is.'], 'Lindqvist', 'Ana Lindqvist'),
    ],
    "08_football_final.txt": [
        ('direct', ['I am so proud of these players', 'They never stopped believing.'], 'Tom Whitcombe', 'Tom Whitcombe'),
        ('indirect', ['his team had given everything'], 'Jonas Berg', 'Jonas Berg'),
        ('direct', ['We will come back stronger next season'], 'he', 'Jonas Berg'),
    ],
    "09_climate_summit.txt": [
        ('indirect', [
            'Negotiators at a climate meeting in Washington failed on Wednesday to agree on how to fund adaptation '
            'projects in poorer countries',
        ], 'delegates', None),
        ('direct', ['There is still a big gap between what is promised and what is needed'], 'Amara Diallo', 'Amara Diallo'),
        ('mixed', ['the talks did not mean "a collapse of trust, only a delay."'], 'The official', 'Amara Diallo'),
    ],
    "10_museum_theft.txt": [
        ('indirect', ['they had recovered six paintings stolen from a private museum last month'], 'Police', None),
        ('direct', [
            'The paintings are in good condition and will be returned to the museum next week',
        ], 'Khalid Noori', 'Khalid Noori'),
        ('mixed', ['she was "overjoyed" by the news'], "The museum's director", 'Farida Hakimi'),
        ('indirect', ['two suspects were arrested in connection with the theft'], 'Noori', 'Khalid Noori'),
    ],
    "11_space_launch.txt": [
        ('direct', ['Today we proved that small teams can do big things'], 'Mei Tanaka', 'Mei Tanaka'),
        ('indirect', ['the company planned to fly commercial payloads before the end of the year'], 'Tanaka', 'Mei Tanaka'),
        ('indirect', [
            'it had no safety concerns about the flight',
        ], 'U.S. Federal Aviation Administration', 'U.S. Federal Aviation Administration'),
    ],
    "12_trade_deal.txt": [
        ('direct', ['This agreement opens a new chapter for our farmers'], 'Petra Kovac', 'Petra Kovac'),
        ('indirect', ['the deal would also cover textiles and pharmaceuticals'], 'Indian officials', None),
        ('indirect', ['talks on services would begin next year'], 'Kovac', 'Petra Kovac'),
    ],
}


def enriched(path: Path, nlp):
    (raw,) = list(FileSource(str(path)).read())
    return enrich_batch([normalise(raw)], nlp)[0]


def test_every_demo_story_is_written_down():
    assert sorted(p.name for p in DEMO.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_story_quotes_and_speakers(name, nlp):
    article = enriched(DEMO / name, nlp)
    got = [(q.kind, [s.text for s in q.segments], q.speaker and q.speaker.text, q.speaker and q.speaker.name)
           for q in article.quotes]
    assert got == EXPECTED[name]
    furniture = [s for s in (article.title_span, article.dateline, article.byline) if s is not None]
    for q in article.quotes:
        for part in [q, *([q.speaker] if q.speaker else [])]:
            assert not any(part.start < f.end and part.end > f.start for f in furniture), (name, part.text)
