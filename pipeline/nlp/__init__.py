"""Entity and quote extraction on spaCy parses. Pure functions of (text, Doc)."""
