"""Normalisation: any raw article to clean text plus headline, dateline, byline and dates."""

from pipeline.normalise.article import fingerprint, normalise, normalise_and_dedupe

__all__ = ["fingerprint", "normalise", "normalise_and_dedupe"]
