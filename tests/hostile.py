"""Hostile raw messages (issue 9): each must end on news.enriched or news.deadletter with a reason.

Shared by the broker test (tests/integration/test_pipeline.py) and the contract tests, which
validate what the pipeline makes of them against the published schemas.
"""

from __future__ import annotations

import orjson

_NESTED = "<html><body>" + "<div>" * 5000 + "<p>LONDON (Reuters) - Deep.</p>" + "</div>" * 5000 + "</body></html>"

HOSTILE: dict[str, bytes] = {
    "h-bad-utf8": b'{"id": "h-bad-utf8", "body": "caf\xe9 \xff\xfe society"}',
    "h-nested": orjson.dumps({"id": "h-nested", "content_type": "text/html", "html": _NESTED}),
    "h-one-line": orjson.dumps({"id": "h-one-line", "body": "word" * 250_000}),  # 1 MB, no newline
    "h-control": orjson.dumps({"id": "h-control", "body": "PARIS (AFP) -\x00\x07 Talks\u200b ended\u200d on "
                               "Monday.\x1b[31m \ufeff\"We agree,\" Anne\u200bMarie Roux said."}),
    "h-russian": orjson.dumps({"id": "h-russian", "body": "МОСКВА, 24 августа - Переговоры продолжатся, "  # noqa: RUF001 - real Russian
                               "заявил министр иностранных дел во вторник."}),
    "h-array": b"[1, 2, 3]",
    "h-null-body": orjson.dumps({"id": "h-null-body", "body": None, "html": None}),
}
