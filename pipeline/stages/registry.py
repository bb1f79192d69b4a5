"""The enrichment stage interface and its registry, on the model of spaCy's ``@Language.factory``.

A stage is one object: a ``name`` (which is also the ``EnrichedArticle`` field it fills, its
*section*), what it ``needs`` (``"doc"``, the spaCy parse of the article, and/or the sections of
other stages) and a function ``(article, doc, inputs) -> section``. A module registers its stage
with the :func:`stage` decorator; :func:`load_stages` imports every module of this package, so
adding a stage is adding a module here plus its section on the record (``schemas/records.py``).

Why the record lists the sections instead of being composed from the stages: consumers, the
agents and mypy all need ``EnrichedArticle.quotes`` to be a real, typed attribute, and
``schemas/`` must not import ``pipeline/``. The registry checks instead, when it loads, that
every stage has its section on the record and every section has exactly one stage.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from schemas.records import EnrichedArticle, NormalisedArticle

DOC = "doc"  # the one need that is not another stage: the spaCy parse of the article's casing view
# EnrichedArticle fields that the enrich step writes about the record as a whole, not a stage's section.
RECORD_FIELDS = frozenset({"compacted"})

# (article, doc, inputs) -> section. ``doc`` is a spaCy Doc when the stage needs "doc", else None
# (typed Any so that a stage may declare ``doc: Doc``); ``inputs`` holds the sections it needs.
StageFn = Callable[[NormalisedArticle, Any, Mapping[str, Any]], Any]


class StageError(TypeError):
    """A stage and the record disagree, or the stages' needs cannot be ordered."""


@dataclass(frozen=True)
class Stage:
    name: str
    needs: tuple[str, ...]
    fn: StageFn
    doc: str = ""

    @property
    def needs_doc(self) -> bool:
        return DOC in self.needs

    @property
    def upstream(self) -> tuple[str, ...]:
        return tuple(n for n in self.needs if n != DOC)

    def __call__(self, article: NormalisedArticle, doc: Doc | None, done: Mapping[str, Any]) -> Any:
        if doc is None and self.needs_doc:
            raise StageError(f"stage {self.name!r} needs the parsed doc and got none")
        return self.fn(article, doc, {n: done[n] for n in self.upstream})


class Registry:
    """Stages by name, run in an order that honours their needs (registration order otherwise)."""

    def __init__(self) -> None:
        self._stages: dict[str, Stage] = {}
        self._ordered: list[Stage] | None = None

    def register(self, name: str, needs: Iterable[str] = ()) -> Callable[[StageFn], StageFn]:
        def decorate(fn: StageFn) -> StageFn:
            if name in self._stages and self._stages[name].fn is not fn:
                raise StageError(f"two stages are called {name!r}")
            self._stages[name] = Stage(name, tuple(needs), fn, (fn.__doc__ or "").strip())
            self._ordered = None
            return fn
        return decorate

    def __contains__(self, name: str) -> bool:
        return name in self._stages

    def __getitem__(self, name: str) -> Stage:
        return self._stages[name]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.ordered()]

    def ordered(self) -> list[Stage]:
        if self._ordered is None:
            self._ordered = _toposort(self._stages)
        return self._ordered

    @property
    def needs_doc(self) -> bool:
        return any(s.needs_doc for s in self.ordered())

    def run(self, article: NormalisedArticle, doc: Doc | None) -> dict[str, Any]:
        """Every stage's section for one article, keyed by the section's field name."""
        done: dict[str, Any] = {}
        for s in self.ordered():
            done[s.name] = s(article, doc, done)
        return done

    def check_record(self, record: type[EnrichedArticle] = EnrichedArticle,
                     base: type[NormalisedArticle] = NormalisedArticle) -> None:
        """Every stage has its section on the record, and every section has its stage."""
        sections = set(record.model_fields) - set(base.model_fields) - RECORD_FIELDS
        missing = [n for n in self._stages if n not in sections]
        if missing:
            raise StageError(f"stage(s) {missing} fill no field of {record.__name__}: declare each "
                             f"stage's section in schemas/records.py")
        orphans = sorted(sections - set(self._stages))
        if orphans:
            raise StageError(f"{record.__name__} section(s) {orphans} have no registered stage")


def _toposort(stages: Mapping[str, Stage]) -> list[Stage]:
    order: list[Stage] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise StageError(f"stages need each other in a cycle: {' -> '.join((*chain, name))}")
        if name not in stages:
            raise StageError(f"stage {chain[-1]!r} needs {name!r}, which is neither 'doc' nor a stage")
        state[name] = "visiting"
        for need in stages[name].upstream:
            visit(need, (*chain, name))
        state[name] = "done"
        order.append(stages[name])

    for name in stages:
        visit(name, ())
    return order


registry = Registry()
stage = registry.register


def load_stages() -> Registry:
    """Import every stage module of this package (so each registers itself), then check the record."""
    package = importlib.import_module("pipeline.stages")
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "registry" and not info.name.startswith("_"):
            importlib.import_module(f"pipeline.stages.{info.name}")
    registry.check_record()
    return registry
