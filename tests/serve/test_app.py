"""The app's answers in detail, in-process (httpx's ASGI transport): the request rules
OpenAI documents, its error shape and status codes, auth, names, and secrets kept out."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from app_models import SERVE_KEY
from embedlab import ConfigurationError, get_embedder
from embedlab.serve import ServeLimits, create_app
from embedlab.testing import FakeEmbedder


def call(client_factory: Callable[..., Any], method: str, path: str, app: Any = None,
         key: str | None = SERVE_KEY, **kwargs: Any) -> Any:
    """One request through the ASGI transport."""

    async def run() -> Any:
        async with client_factory(app, key) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(run())


def error_of(response: Any) -> dict[str, Any]:
    """The ``error`` object, checked against OpenAI's Error schema."""
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_answer_shape_and_base64_encoding(asgi: Callable[..., Any]) -> None:
    texts = ["first text", "second text"]
    floats = call(asgi, "POST", "/v1/embeddings", json={"model": "fake", "input": texts})
    b64 = call(asgi, "POST", "/v1/embeddings",
               json={"model": "fake", "input": texts, "encoding_format": "base64"})
    assert floats.status_code == b64.status_code == 200
    assert floats.headers["content-type"] == "application/json"
    body = floats.json()
    assert body["object"] == "list" and body["model"] == "fake"
    assert body["usage"] == {"prompt_tokens": 4, "total_tokens": 4}  # the fake counts words
    assert [d["object"] for d in body["data"]] == ["embedding", "embedding"]
    decoded = [np.frombuffer(base64.b64decode(d["embedding"]), dtype="<f4")
               for d in b64.json()["data"]]
    expected = get_embedder("fake").embed(texts, cache=False)
    np.testing.assert_array_equal(decoded, expected)  # base64 is bit-exact
    np.testing.assert_allclose([d["embedding"] for d in body["data"]], expected, rtol=1e-6)


@pytest.mark.parametrize(("body", "status", "param", "fragment"), [
    ({"model": "fake"}, 400, "input", "Missing required parameter"),
    ({"input": "hi"}, 400, "model", "Missing required parameter"),
    ({"model": "fake", "input": []}, 400, "input", "empty array"),
    ({"model": "fake", "input": ""}, 400, "input", "'input' is an empty string"),
    ({"model": "fake", "input": ["a", ""]}, 400, "input", "'input[1]' is an empty string"),
    ({"model": "fake", "input": ["a", 3.5]}, 400, "input", "'input[1]' is a float"),
    ({"model": "fake", "input": {"text": "a"}}, 400, "input", "string or an array"),
    ({"model": "fake", "input": [1, 2, 3]}, 400, "input", "not token ids"),
    ({"model": "fake", "input": ["x"] * 2049}, 400, "input", "limit is 2048"),
    ({"model": "fake", "input": "a", "encoding_format": "hex"}, 400, "encoding_format",
     "'float' or 'base64'"),
    ({"model": "fake", "input": "a", "dimensions": 0}, 400, "dimensions", "greater than"),
    ({"model": "fake", "input": "a", "dimensions": 12}, 400, "dimensions", "64-dimensional"),
    ({"model": "fake", "input": "a", "input_type": "poem"}, 400, "input_type", "poem"),
    ({"model": "nope", "input": "a"}, 404, "model", "does not exist"),
])
def test_bad_requests(asgi: Callable[..., Any], body: dict[str, Any], status: int,
                      param: str, fragment: str) -> None:
    response = call(asgi, "POST", "/v1/embeddings", json=body)
    assert response.status_code == status
    error = error_of(response)
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert fragment in error["message"]


def test_2048_inputs_and_unknown_fields_are_accepted(asgi: Callable[..., Any]) -> None:
    response = call(asgi, "POST", "/v1/embeddings", json={
        "model": "fake", "input": [f"text {i}" for i in range(2048)], "user": "u-1",
        "some_future_field": True})
    assert response.status_code == 200 and len(response.json()["data"]) == 2048


def test_unparsable_body_unknown_url_and_method(asgi: Callable[..., Any]) -> None:
    bad_json = call(asgi, "POST", "/v1/embeddings", content=b"{not json",
                    headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "parse the JSON" in error_of(bad_json)["message"]
    missing = call(asgi, "GET", "/v1/nothing")
    assert missing.status_code == 404
    assert error_of(missing)["message"] == "Invalid URL (GET /v1/nothing)"
    wrong_method = call(asgi, "GET", "/v1/embeddings")
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "unknown_url"


def test_auth_comes_first_and_never_echoes_the_key(asgi: Callable[..., Any]) -> None:
    for key, needle in ((None, "didn't provide an API key"),
                        ("el-guess-1234", "Incorrect API key")):
        for body in ({"model": "fake", "input": "hi"}, {"bad": "body"}):
            response = call(asgi, "POST", "/v1/embeddings", key=key, json=body)
            assert response.status_code == 401
            error = error_of(response)
            assert needle in error["message"] and error["code"] == "invalid_api_key"
            assert "el-guess" not in response.text and SERVE_KEY not in response.text
    basic = call(asgi, "GET", "/v1/models", key=None,
                 headers={"Authorization": f"Basic {SERVE_KEY}"})
    assert basic.status_code == 401
    assert call(asgi, "GET", "/health", key=None).json() == {"status": "ok", "dimension": 64}


def test_no_key_means_no_auth(asgi: Callable[..., Any], embedlab_fake_provider: str) -> None:
    app = create_app("fake")
    response = call(asgi, "POST", "/v1/embeddings", app=app, key=None,
                    json={"model": "fake", "input": "hi"})
    assert response.status_code == 200


def test_the_key_stays_out_of_logs(asgi: Callable[..., Any],
                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    call(asgi, "POST", "/v1/embeddings", json={"model": "fake", "input": "hi"})
    call(asgi, "POST", "/v1/embeddings", key="el-guess-5678", json={"model": "fake",
                                                                     "input": "hi"})
    assert SERVE_KEY not in caplog.text and "el-guess-5678" not in caplog.text


def test_model_names_and_listing(asgi: Callable[..., Any], tmp_path: Any,
                                 tmp_path_factory: pytest.TempPathFactory,
                                 embedlab_fake_provider: str) -> None:
    from app_models import saved_model
    from embedlab import load_custom_model

    custom = load_custom_model(saved_model("adapter-fake", tmp_path_factory))
    folder = custom.save(tmp_path / "model")
    app = create_app(str(folder))
    listed = call(asgi, "GET", "/v1/models", app=app).json()
    assert listed["object"] == "list"
    assert [m["id"] for m in listed["data"]] == [str(folder)]
    assert set(listed["data"][0]) == {"id", "object", "created", "owned_by"}
    expected = custom.embedder().embed(["hello"], cache=False)
    for name in (str(folder), custom.id):  # its path and its id
        answer = call(asgi, "POST", "/v1/embeddings", app=app,
                      json={"model": name, "input": "hello"})
        assert answer.status_code == 200, answer.text
        np.testing.assert_allclose(answer.json()["data"][0]["embedding"], expected[0],
                                   rtol=1e-5, atol=1e-6)
    assert call(asgi, "GET", f"/v1/models/{custom.id}", app=app).json()["id"] == str(folder)


def test_provider_faults_get_openai_status_codes(asgi: Callable[..., Any]) -> None:
    from embedlab import (
        AuthenticationError,
        ProviderError,
        RateLimitError,
        ServiceUnavailableError,
    )

    class Failing(FakeEmbedder):
        fault: Exception = ProviderError("x")

        def embed(self, texts: Any, input_type: Any = None, **kw: Any) -> Any:
            raise self.fault

    embedder = Failing()
    app = create_app(embedder)
    cases = [(RateLimitError("slow down", retry_after=2.5), 429, "3"),
             (ServiceUnavailableError("upstream 503"), 503, None),
             (AuthenticationError("bad key for cohere"), 502, None),
             (ProviderError("model exploded"), 500, None),
             (RuntimeError("a bug"), 500, None)]
    for fault, status, retry_after in cases:
        embedder.fault = fault
        response = call(asgi, "POST", "/v1/embeddings", app=app, key=None,
                        json={"model": embedder.name, "input": "hi"})
        assert response.status_code == status, (fault, response.text)
        error = error_of(response)
        assert response.headers.get("retry-after") == retry_after
        if isinstance(fault, AuthenticationError):
            assert "bad key" not in error["message"]  # the server's own credentials
        if isinstance(fault, RuntimeError):
            assert "a bug" not in error["message"]  # unexpected errors are logged, not echoed


def test_bad_settings_are_refused(embedlab_fake_provider: str) -> None:
    with pytest.raises(ConfigurationError, match="api_key is empty"):
        create_app("fake", " ")
    with pytest.raises(ConfigurationError, match="input_type"):
        create_app("fake", input_type="poems")
    embedder = FakeEmbedder()
    embedder.input_types = frozenset({"classification"})  # type: ignore[misc]
    with pytest.raises(ConfigurationError, match="search_query"):
        create_app(embedder, input_type="search_query")
    for bad in ({"read_timeout": 0}, {"max_request_bytes": 0}, {"max_connections": 0}):
        with pytest.raises(ConfigurationError, match=next(iter(bad))):
            ServeLimits(**bad)  # type: ignore[arg-type]
