from pipeline.normalise import fingerprint, normalise
from pipeline.normalise.dedupe import DuplicateIndex
from schemas import RawArticle

BODY = (
    "Dockworkers at the port of Valmora returned to work on Wednesday after a three-day strike, "
    "ending a dispute that had left dozens of container ships waiting offshore. The union leader "
    "said the deal included a pay rise of six percent over two years, and the port authority "
    "confirmed the agreement in a statement released late in the evening."
)


def fp(id_, title, dateline, body):
    return fingerprint(normalise(RawArticle(id=id_, body=f"{title}\n\n{dateline} {body}")))


def test_syndicated_copy_with_other_header_is_a_duplicate():
    index = DuplicateIndex(threshold=0.7)
    index.add(fp("a", "Strike ends", "VALMORA (Reuters) -", BODY))
    assert index.find(fp("b", "Port strike is over", "VALMORA, March 4 (AP) -", BODY)) == "a"


def test_lightly_edited_copy_is_a_near_duplicate():
    index = DuplicateIndex(threshold=0.7)
    index.add(fp("a", "Strike ends", "VALMORA (Reuters) -", BODY))
    edited = BODY.replace("late in the evening", "on Wednesday night")
    assert index.find(fp("c", "Strike ends", "VALMORA (Reuters) -", edited)) == "a"


def test_different_story_is_not_a_duplicate():
    index = DuplicateIndex(threshold=0.7)
    index.add(fp("a", "Strike ends", "VALMORA (Reuters) -", BODY))
    other = ("The central bank kept its main interest rate unchanged on Thursday, saying inflation was "
             "falling more slowly than expected and that it would act if prices rose again this winter.")
    assert index.find(fp("d", "Rates on hold", "LESTRIA (Reuters) -", other)) is None


def test_window_forgets_old_stories():
    index = DuplicateIndex(threshold=0.7, window=1)
    index.add(fp("a", "Strike ends", "VALMORA (Reuters) -", BODY))
    index.add(fp("z", "Other", "ROME (AP) -", "Completely different words about football and weather today."))
    assert index.find(fp("b", "Again", "VALMORA (AP) -", BODY)) is None
