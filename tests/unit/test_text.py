from pipeline.normalise.layout import split_header
from pipeline.normalise.text import clean_characters, repair_displaced_quotes, split_paragraphs


def test_control_and_zero_width_removed():
    assert clean_characters("a\u200bb\x07c\u00a0d\r\ne") == "abc d\ne"


def test_mojibake_repaired_but_curly_quotes_kept():
    assert clean_characters("\u00e2\u20ac\u0153Hi\u00e2\u20ac\u009d") == "\u201cHi\u201d"
    assert clean_characters("\u201cHi\u201d") == "\u201cHi\u201d"


def test_hard_wrapped_wire_copy_is_reflowed():
    body = (
        "SALVADOR, Feb 26 - Showers continued throughout the week in\n"
        "the Bahia cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming temporao,\n"
        "although normal humidity levels have not been restored.\n"
        "    The dry period means the temporao will be late this year.\n"
        "    Arrivals for the week ended February 22 were 155,221 bags\n"
        "of 60 kilos making a cumulative total for the season.\n"
    )
    paras = split_paragraphs(body)
    assert len(paras) == 3
    assert paras[0].startswith("SALVADOR, Feb 26 - Showers continued throughout the week in the Bahia")
    assert paras[2] == (
        "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos making a cumulative total for the season."
    )


def test_unwrapped_lines_stay_paragraphs():
    assert split_paragraphs("One sentence .\nROME 1996-12-06\nAnother one .") == [
        "One sentence .", "ROME 1996-12-06", "Another one ."]


def test_displaced_closing_quote_moves_back():
    paras = ['They did not mean "surrender or defeat.', '" If the group fights, he noted.']
    assert repair_displaced_quotes(paras) == ['They did not mean "surrender or defeat."', "If the group fights, he noted."]


def test_balanced_paragraph_keeps_leading_quote():
    paras = ['He said "yes".', '"No," she said.']
    assert repair_displaced_quotes(paras) == paras


def test_header_line():
    layout = split_header("date 2021-08-24 Big news today\n\nMOSCOW (Agency) Body.")
    assert (layout.title, layout.published_at) == ("Big news today", "2021-08-24")
    assert layout.body.strip() == "MOSCOW (Agency) Body."


def test_first_line_dateline_is_not_a_title():
    layout = split_header("LONDON (Reuters) - Britain said on Monday.\n\nMore text.")
    assert layout.title is None


def test_typewriter_double_quotes_become_quote_marks():
    assert clean_characters("''We like it,'' she said.") == '"We like it," she said.'
    assert clean_characters("``Yes,'' he said.") == '"Yes," he said.'
    assert clean_characters("''She said, 'You weren't in line,''' Ms. Compton recalled.") == (
        "\"She said, 'You weren't in line,'\" Ms. Compton recalled.")
