"""Quotes and who said them, from quotation marks and the dependency parse.

The passes, one module each, in the order they run:

1. :mod:`.marks` pairs quotation marks into quotations (no parse needed);
2. :mod:`.cues` finds each quotation's reporting verb;
3. :mod:`.joins` joins split quotations, and :mod:`.spans` shapes what a quote covers (mixed
   quotes, reported clauses);
4. :mod:`.indirect` adds reported speech without marks (and :mod:`.calls` the demands and names
   of ``called for``, ``called on``, ``called X a Y``);
5. :mod:`.attribution` names each quote's speaker.

:func:`extract_quotes` is the one entry point the ``quotes`` stage calls.
"""

from __future__ import annotations

from pipeline.nlp.quotes.attribution import subject_of
from pipeline.nlp.quotes.cues import is_cue
from pipeline.nlp.quotes.extract import extract_quotes
from pipeline.nlp.quotes.marks import Quotation, find_quotations

__all__ = ["Quotation", "extract_quotes", "find_quotations", "is_cue", "subject_of"]
