"""One check for every hosted adapter: its API key shows up nowhere a user or a log sees."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from embedlab import BadRequestError

__all__ = ["assert_key_never_shows"]


def assert_key_never_shows(embedder: Any, fake: Any, key: str, texts: list[str],
                           caplog: pytest.LogCaptureFixture,
                           capsys: pytest.CaptureFixture[str]) -> None:
    """Embed through the cache, make the fake echo the key in an error, then look for the key
    in reprs, the error, DEBUG logs, captured output, a pickle attempt and the cache files."""
    import logging

    from embedlab.settings import cache_dir

    caplog.set_level(logging.DEBUG)
    embedder.embed(texts)  # through the persistent cache
    fake.fail_next("status", status=400, message=f"echoing {key} back")
    with pytest.raises(BadRequestError) as caught:
        embedder.embed(["another text"])
    seen = [repr(embedder), str(embedder), repr(vars(embedder)), str(caught.value),
            repr(caught.value), caplog.text, *capsys.readouterr()]
    for text in seen:
        assert key not in text
    with pytest.raises(TypeError):
        pickle.dumps(embedder)
    files = [p for p in cache_dir().rglob("*") if p.is_file()]
    assert files, "the cache wrote nothing"
    for path in files:
        assert key.encode() not in path.read_bytes()
