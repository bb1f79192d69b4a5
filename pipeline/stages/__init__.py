"""Enrichment stages: one module per stage, each filling its own section of ``EnrichedArticle``.

See :mod:`pipeline.stages.registry` for the interface and README "Adding a stage" for the recipe.
"""

from pipeline.stages.registry import DOC, Registry, Stage, StageError, load_stages, registry, stage

__all__ = ["DOC", "Registry", "Stage", "StageError", "load_stages", "registry", "stage"]
