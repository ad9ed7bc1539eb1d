"""The server's front door (issue #23): the key, the Host and the body's size are checked from
the headers, before the body is read; a body over the cap gets 413, a text that is not valid
Unicode gets 400 without reaching the model, and nothing private leaks from open routes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import numpy as np
import pytest
from app_models import SERVE_KEY
from embedlab.serve import create_app
from embedlab.serve.limits import ServeLimits
from embedlab.testing import FakeEmbedder
from raw_http import connect, head, read_answer, status_and_json
from test_app import call, error_of

#: What an attacker would send: 300 MB, of which the server must read nothing.
HUGE = 300_000_000


@pytest.mark.parametrize(("key", "status", "code"), [
    (None, 401, "invalid_api_key"),  # no key: refused before the body
    (SERVE_KEY, 413, "request_too_large"),  # the key, but a body over the cap
], ids=["unauthenticated", "too-large"])
def test_a_huge_post_is_answered_before_its_body_is_sent(
        serve_live: Callable[..., Any], fake_app: Any, key: str | None, status: int,
        code: str) -> None:
    headers = {"Content-Type": "application/json", "Content-Length": str(HUGE)}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    with serve_live(fake_app) as base_url, connect(base_url) as sock:
        sock.sendall(head("POST", "/v1/embeddings", headers))  # the body is never sent
        answer, seconds = read_answer(sock, within=5)
    assert answer, "no answer while the body was held back: the server waits to read it"
    got, body = status_and_json(answer)
    assert got == status and body["error"]["code"] == code
    assert seconds < 5, "the connection stayed open, waiting for a body nobody wants"
    assert b"connection: close" in answer.lower()


def test_a_chunked_body_is_cut_off_at_the_cap(asgi: Callable[..., Any],
                                               embedlab_fake_provider: str) -> None:
    app = create_app("fake", SERVE_KEY, cache=False, limits=ServeLimits(max_request_bytes=5000))
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: sent in chunks
        for _ in range(100):
            sent.append(1000)
            yield b" " * 1000

    answer = call(asgi, "POST", "/v1/embeddings", app=app, content=chunks(),
                  headers={"content-type": "application/json"})
    assert answer.status_code == 413
    error = error_of(answer)
    assert error["code"] == "request_too_large" and "5,000 bytes" in error["message"]
    assert sum(sent) <= 6000, f"read {sum(sent)} bytes of a body over a 5,000-byte cap"


def test_a_body_that_trickles_in_gets_408(asgi: Callable[..., Any],
                                          embedlab_fake_provider: str) -> None:
    app = create_app("fake", SERVE_KEY, cache=False, limits=ServeLimits(read_timeout=0.5))

    async def trickle() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" "
            await asyncio.sleep(0.2)

    start = time.monotonic()
    answer = call(asgi, "POST", "/v1/embeddings", app=app, content=trickle(),
                  headers={"content-type": "application/json"})
    assert answer.status_code == 408 and error_of(answer)["type"] == "invalid_request_error"
    assert answer.headers["connection"] == "close"
    assert time.monotonic() - start < 2.5  # the whole trickle would take 4 s


def test_the_size_cap_lets_a_full_request_through(asgi: Callable[..., Any]) -> None:
    """The default cap takes OpenAI's largest request: 2,048 inputs of 6,000 characters."""
    texts = [f"{i:04d}" + "x" * 5996 for i in range(2048)]  # one long word each: quick to embed
    body = json.dumps({"model": "fake", "input": texts}).encode()
    assert len(body) > 12_000_000
    answer = call(asgi, "POST", "/v1/embeddings", content=body,
                  headers={"content-type": "application/json"})
    assert answer.status_code == 200 and len(answer.json()["data"]) == 2048


@pytest.mark.parametrize(("host", "answered"), [
    ("localhost:8000", True), ("127.0.0.1", True), ("127.0.0.2:80", True), ("[::1]:8000", True),
    ("evil.example", False), ("evil.example:8000", False), ("192.168.1.20:8000", False),
    ("localhost.evil.example", False), ("[::1", False),
])
def test_without_a_key_only_loopback_hosts_are_answered(
        asgi: Callable[..., Any], embedlab_fake_provider: str, host: str,
        answered: bool) -> None:
    open_app = create_app("fake", cache=False)
    for path in ("/v1/models", "/docs"):
        answer = call(asgi, "GET", path, app=open_app, key=None, headers={"host": host})
        if answered:
            assert answer.status_code == 200, answer.text
        else:
            assert answer.status_code == 400
            assert error_of(answer)["code"] == "invalid_host"
    # The health check stays open to any load balancer.
    health = call(asgi, "GET", "/health", app=open_app, key=None, headers={"host": host})
    assert health.status_code == 200
    # With a key, the key is the guard: any Host is answered.
    keyed = call(asgi, "GET", "/v1/models", headers={"host": host})
    assert keyed.status_code == 200


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/redoc"])
def test_the_api_documents_need_the_key_when_there_is_one(asgi: Callable[..., Any],
                                                          embedlab_fake_provider: str,
                                                          path: str) -> None:
    refused = call(asgi, "GET", path, key=None)
    assert refused.status_code == 401 and error_of(refused)["code"] == "invalid_api_key"
    assert call(asgi, "GET", path).status_code == 200
    assert call(asgi, "GET", path, app=create_app("fake"), key=None).status_code == 200


def test_health_does_not_show_where_the_model_lives(
        asgi: Callable[..., Any], tmp_path: Any, tmp_path_factory: pytest.TempPathFactory,
        embedlab_fake_provider: str) -> None:
    from app_models import saved_model
    from embedlab import load_custom_model

    folder = load_custom_model(saved_model("adapter-fake", tmp_path_factory)).save(
        tmp_path / "private-project" / "model")
    app = create_app(str(folder), SERVE_KEY)
    health = call(asgi, "GET", "/health", app=app, key=None)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "dimension": 64}
    assert "private-project" not in health.text
    # The key still gives the model's name.
    assert call(asgi, "GET", "/v1/models", app=app).json()["data"][0]["id"] == str(folder)


class StrictTokenizer(FakeEmbedder):
    """Fails on a lone surrogate like Hugging Face's tokenizers (TypeError: TextEncodeInput)
    and counts every attempt."""

    attempts = 0

    def embed_batch(self, texts: Sequence[str], input_type: str | None) -> Any:
        self.attempts += 1
        for text in texts:
            text.encode("utf-8")
        return super().embed_batch(texts, input_type)


def test_a_lone_surrogate_gets_400_and_never_reaches_the_model(
        asgi: Callable[..., Any]) -> None:
    embedder = StrictTokenizer()
    app = create_app(embedder, SERVE_KEY, cache=False, batch_wait_ms=300)
    bad = b'{"model": "%s", "input": ["fine", "bad \\ud800 text"]}' % embedder.name.encode()
    good = [f"request number {i}" for i in range(10)]

    async def burst() -> list[Any]:
        async with asgi(app) as client:
            return await asyncio.gather(
                client.post("/v1/embeddings", content=bad,
                            headers={"content-type": "application/json"}),
                *(client.post("/v1/embeddings", json={"model": embedder.name, "input": text})
                  for text in good))

    refused, *answers = asyncio.run(burst())
    assert refused.status_code == 400
    error = error_of(refused)
    assert error["param"] == "input" and "'input[1]': holds U+D800" in error["message"]
    assert [a.status_code for a in answers] == [200] * 10
    np.testing.assert_allclose([a.json()["data"][0]["embedding"] for a in answers],
                               FakeEmbedder().embed(good, cache=False), rtol=1e-6)
    # The ten good requests went to the model in one call: no failed merged call, no retries.
    assert embedder.attempts == 1


@pytest.mark.parametrize(("body", "status", "param"), [
    (b'{"model": "\\ud800", "input": "hi"}', 404, "model"),
    (b'{"model": "fake", "input": "hi", "input_type": "\\udc00"}', 400, "input_type"),
])
def test_a_lone_surrogate_quoted_in_an_error_cannot_break_it(
        asgi: Callable[..., Any], body: bytes, status: int, param: str) -> None:
    answer = call(asgi, "POST", "/v1/embeddings", content=body,
                  headers={"content-type": "application/json"})
    assert answer.status_code == status and error_of(answer)["param"] == param
    assert "\ud800" in error_of(answer)["message"] or "\udc00" in error_of(answer)["message"]


@pytest.mark.parametrize("body", [b"[1, 2]", b'"hello"', b"42", b"null"])
def test_a_body_that_is_not_an_object_gets_a_clear_message(asgi: Callable[..., Any],
                                                           body: bytes) -> None:
    answer = call(asgi, "POST", "/v1/embeddings", content=body,
                  headers={"content-type": "application/json"})
    assert answer.status_code == 400
    error = error_of(answer)
    assert error["message"].startswith("The request body is not a JSON object.")
    assert "None" not in error["message"] and error["param"] is None


def test_usage_counts_the_tokens_the_model_reads(asgi: Callable[..., Any]) -> None:
    """The fake model reads 256 words at most (FakeEmbedder's max_input_length)."""
    long_text = " ".join(f"w{i}" for i in range(300))
    answer = call(asgi, "POST", "/v1/embeddings",
                  json={"model": "fake", "input": [long_text, "two words"]})
    assert answer.json()["usage"] == {"prompt_tokens": 256 + 2, "total_tokens": 256 + 2}
