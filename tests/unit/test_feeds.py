"""RSS/Atom entries to articles, and the state that stops a follower resending them."""

from pathlib import Path

from pipeline.sources.feeds import FeedState, is_feed, poll

FEED = str(Path(__file__).parents[1] / "fixtures" / "feed" / "wire.rss")


def test_feed_detection():
    assert is_feed("https://wire.example/rss") and is_feed("x/wire.atom") and is_feed(FEED)
    assert not is_feed("story.txt") and not is_feed("stories/")


def test_entries_become_articles_with_stable_ids(tmp_path):
    first = poll(FEED, FeedState.load(tmp_path, FEED))
    again = poll(FEED, FeedState.load(tmp_path, FEED))
    assert [a.id for a in first.new] == [a.id for a in again.new] and len(first.new) == 3
    strike = first.new[0]
    assert strike.title == "Valmora dockworkers end strike" and strike.source == "feed:Valmora Wire"
    assert strike.content_type == "text/html" and "Marta Ibsen" in strike.html
    assert strike.model_dump(mode="json")["published_at"] == "2024-03-06T09:30:00+00:00"
    assert strike.metadata["guid"] == "https://wire.example/2024/port-strike"


def test_state_survives_a_restart(tmp_path):
    state = FeedState.load(tmp_path, FEED)
    result = poll(FEED, state)
    state.mark_sent([a.id for a in result.new[:2]])
    state.save()
    after = poll(FEED, FeedState.load(tmp_path, FEED))
    assert [a.title for a in after.new] == ["Rail fares to rise in April"] and after.skipped == 2


def test_not_a_feed_is_an_error_not_a_crash(tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_text("this is not xml at all")
    assert poll(str(junk), FeedState.load(tmp_path, str(junk))).error
