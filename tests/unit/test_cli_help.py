"""The command line's help is plain text people read in a terminal: no reST markup."""

import re

import pytest

from newswire.cli import build_parser


def helps() -> list[tuple[str, str]]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices)  # the subcommands
    return [("newswire", parser.format_help())] + [(name, p.format_help()) for name, p in sub.choices.items()]


@pytest.mark.parametrize(("name", "text"), helps(), ids=lambda v: v if len(v) < 20 else "")
def test_help_has_no_restructuredtext(name, text):
    assert "``" not in text and not re.search(r":(func|class|mod|meth):`", text), name
    assert len(text.splitlines()) > 3
