"""The attribute ruler's part-of-speech rules, applied as array operations.

spaCy's small English model turns its fine tags into coarse parts of speech with an
``attribute_ruler``: 179 Matcher patterns, of which 131 set ``POS`` (or the ``TAG`` and ``DEP``
of whitespace tokens) and the rest set lemmas and morphology, which no stage of ours reads. The
Matcher walks every pattern over every token, and the profile showed the ruler costing half as
much as the parser it follows (README, "Performance"). Its rules are simple (a token's tag,
lower-case form and dependency label, equal to or in a list; one two-token rule), so here they
are compiled once into comparisons over the tokens of a whole batch, applied in the ruler's own
order so that a later rule wins as it does there. Every match is computed on the annotations as
they were before any rule applied, as the ruler does.

``compile_rules`` returns None for a ruler with a pattern it cannot express (another model): the
caller then runs the ruler itself. tests/unit/test_posrules.py checks that the result equals the
ruler's on real text, token by token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.vocab import Vocab

# What the rules read, and what of theirs is kept (see the module docstring).
READ: list[int | str] = ["TAG", "LOWER", "DEP", "IS_SPACE"]
WRITTEN = ("POS", "TAG", "DEP")
_COL = {str(name): i for i, name in enumerate(READ)}


@dataclass(frozen=True)
class _Test:
    column: int
    values: np.ndarray  # the hashes (or 0/1 for IS_SPACE) the column is compared with
    negate: bool  # NOT_IN


@dataclass(frozen=True)
class _Rule:
    alternatives: tuple[tuple[tuple[_Test, ...], ...], ...]  # per alternative, per token
    index: int  # which token of the match receives the values
    values: dict[str, int]  # WRITTEN attribute -> hash


def compile_rules(ruler: AttributeRuler) -> PosRules | None:
    rules: list[_Rule] = []
    for entry in cast(list[dict[str, Any]], ruler.patterns):
        attrs = {k: v for k, v in entry["attrs"].items() if k in WRITTEN}
        if not attrs:
            continue
        alternatives = []
        for pattern in entry["patterns"]:
            tokens = []
            for spec in pattern:
                tests = [_test(ruler.vocab, key, value) for key, value in spec.items()]
                if any(t is None for t in tests):
                    return None
                tokens.append(tuple(cast(list[_Test], tests)))
            alternatives.append(tuple(tokens))
        values = {k: ruler.vocab.strings.add(v) for k, v in attrs.items()}
        rules.append(_Rule(tuple(alternatives), int(entry.get("index", 0)), values))
    return PosRules(rules)


def _test(vocab: Vocab, key: str, value: Any) -> _Test | None:
    if key not in _COL:
        return None
    if key == "IS_SPACE":
        return _Test(_COL[key], np.array([int(bool(value))], dtype=np.uint64), False) if isinstance(value, bool) else None
    if isinstance(value, str):
        return _Test(_COL[key], _hashes(vocab, [value]), False)
    if isinstance(value, dict) and len(value) == 1 and set(value) <= {"IN", "NOT_IN"}:
        op, items = next(iter(value.items()))
        return _Test(_COL[key], _hashes(vocab, items), op == "NOT_IN")
    return None


def _hashes(vocab: Vocab, strings: list[str]) -> np.ndarray:
    # "" is spaCy's missing value, stored as 0, not as the hash of the empty string
    return np.array([vocab.strings.add(s) if s else 0 for s in strings], dtype=np.uint64)


class PosRules:
    """The compiled rules; calling it annotates a batch of parsed docs in place."""

    def __init__(self, rules: list[_Rule]) -> None:
        self.rules = rules

    def __call__(self, docs: list[Doc]) -> list[Doc]:
        if not docs:
            return docs
        arrays = [d.to_array(READ).astype(np.uint64).reshape(-1, len(READ)) for d in docs]
        table = np.concatenate(arrays)
        owner = np.repeat(np.arange(len(docs)), [len(a) for a in arrays])
        n = len(table)
        out = {name: np.zeros(n, dtype=np.uint64) for name in WRITTEN}
        out["TAG"] = table[:, _COL["TAG"]].copy()
        out["DEP"] = table[:, _COL["DEP"]].copy()
        for rule in self.rules:
            targets = self._targets(rule, table, owner)
            for name, value in rule.values.items():
                out[name][targets] = value
        self._write(docs, arrays, out)
        return docs

    @staticmethod
    def _targets(rule: _Rule, table: np.ndarray, owner: np.ndarray) -> np.ndarray:
        n = len(table)
        hit = np.zeros(n, dtype=bool)
        for tokens in rule.alternatives:
            width = len(tokens)
            if width > n:
                continue
            starts = np.ones(n - width + 1, dtype=bool)
            if width > 1:  # a match never runs from one doc into the next
                starts &= owner[: n - width + 1] == owner[width - 1:]
            for k, tests in enumerate(tokens):
                rows = table[k: n - width + 1 + k]
                for t in tests:
                    found = np.isin(rows[:, t.column], t.values)
                    starts &= ~found if t.negate else found
            position = rule.index if rule.index >= 0 else width + rule.index
            hit[np.flatnonzero(starts) + position] = True
        return np.flatnonzero(hit)

    @staticmethod
    def _write(docs: list[Doc], arrays: list[np.ndarray], out: dict[str, np.ndarray]) -> None:
        at = 0
        for doc, array in zip(docs, arrays, strict=True):
            end = at + len(array)
            values = np.stack([out["POS"][at:end], out["TAG"][at:end]], axis=1)
            doc.from_array(["POS", "TAG"], cast(Any, values))
            # a dependency label is rewritten only on whitespace tokens; set it where it changed
            # (from_array would want the heads with it)
            for i in np.flatnonzero(out["DEP"][at:end] != array[:, _COL["DEP"]]):
                doc[int(i)].dep = int(out["DEP"][at + i])
            at = end
