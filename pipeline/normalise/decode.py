"""Bytes of unknown encoding to text."""

from __future__ import annotations

from pipeline.errors import PipelineError, Reason


def decode_bytes(data: bytes) -> str:
    """UTF-8 when it is valid, else cp1252 (what Windows newsroom tools write), else latin-1.

    Anything that decodes to mostly control characters is binary, not an article.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if looks_binary(text):
        raise PipelineError("payload looks like binary data, not text", Reason.UNDECODABLE)
    return text


def looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t") or ch == "\ufffd")
    return bad > 0.1 * len(sample)
