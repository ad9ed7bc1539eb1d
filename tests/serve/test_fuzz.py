"""The server fuzzed from its own OpenAPI document with schemathesis (issue #23): whatever a
client sends to any route, the answer is never a 500, and every error comes in OpenAI's shape,
``{"error": {"message", "type", "param", "code"}}``, as the document declares.

Bounded (``max_examples``), on the fake model in-process, so it runs in ``make test``; the
``fuzz`` marker lets a quick run leave it out (``pytest -m "not fuzz"``)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from app_models import SERVE_KEY
from hypothesis import HealthCheck, settings
from schemathesis import checks

AUTH = {"Authorization": f"Bearer {SERVE_KEY}"}
#: The served model's name (FakeEmbedder's).
MODEL = "fake:bow"


def _schema() -> Any:
    """The OpenAPI document of an app serving the fake model behind :data:`SERVE_KEY` (built
    at collection: schemathesis's fixture-based loader does not run under pytest 9)."""
    from embedlab.serve import create_app
    from embedlab.testing import FakeEmbedder

    app = create_app(FakeEmbedder(), SERVE_KEY, cache=False)
    return schemathesis.openapi.from_asgi("/openapi.json", app, headers=AUTH)


schema = _schema()


def openai_error_shape(ctx: Any, response: Any, case: Any) -> None:
    """An error answer is exactly OpenAI's: an ``error`` object of four fields."""
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["type"], str) and error["type"], error


@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_no_route_fails_or_answers_outside_openai_error_shape(case: Any) -> None:
    if isinstance(case.body, dict) and isinstance(case.body.get("model"), str):
        # Name the served model, so the fuzzed input reaches the model, not a 404.
        case.body["model"] = MODEL
    case.call_and_validate(headers=AUTH, checks=[
        checks.not_a_server_error, checks.status_code_conformance,
        checks.content_type_conformance, checks.response_schema_conformance,
        openai_error_shape])
