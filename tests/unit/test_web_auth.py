from types import SimpleNamespace

from agents.web.views import CSP, _authorised


def request(query=None, headers=None):
    return SimpleNamespace(query=query or {}, headers=headers or {})


def test_no_token_configured_allows_everyone():
    assert _authorised(request(), None)


def test_token_by_query_or_bearer_header():
    assert _authorised(request(query={"token": "s3cret"}), "s3cret")
    assert _authorised(request(headers={"Authorization": "Bearer s3cret"}), "s3cret")
    assert not _authorised(request(headers={"Authorization": "Bearer nope"}), "s3cret")
    assert not _authorised(request(), "s3cret")


def test_csp_forbids_inline_script():
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
