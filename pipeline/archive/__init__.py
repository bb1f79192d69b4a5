"""The archive: every enriched article, entity mention, quote and dead letter, searchable.

    from pipeline.archive import open_store, build_search

    with open_store() as store:  # NEWSWIRE_ARCHIVE_URL, else SQLite in NEWSWIRE_DATA_DIR
        page = store.search(build_search("negotiations", speaker="saleh", since="7d"))
        for quote in page["results"]:
            print(quote["speaker"]["name"], quote["text"])

``newswire archive`` runs the consumer (pipeline.archive.consumer) that fills the store;
``newswire search`` and the dashboard's /api/search ask it questions.
"""

from pipeline.archive.backends import open_store, register_backend
from pipeline.archive.query import BadQuery, Search, build_search
from pipeline.archive.store import ArchiveStore, ArchiveUnavailable

__all__ = ["ArchiveStore", "ArchiveUnavailable", "BadQuery", "Search", "build_search", "open_store",
           "register_backend"]
