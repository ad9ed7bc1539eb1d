"""``POST /v1/classify``: a served custom model labels texts with its classification head."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import embedlab
from app_models import SERVE_KEY
from embedlab.serve import create_app


def _post(client: Callable[..., Any], app: Any, body: dict[str, Any]) -> Any:
    async def run() -> Any:
        async with client(app) as c:
            return await c.post("/v1/classify", json=body)

    return asyncio.run(run())


def test_classify_route_answers_like_the_model(asgi: Callable[..., Any],
                                               embedlab_fake_provider: str,
                                               tmp_path: Path) -> None:
    data = embedlab.load_sample_dataset()
    data = data.subset([i for i in range(len(data)) if i % 10 == 0])
    model = embedlab.get_finetuner(embedlab_fake_provider, method="adapter").finetune(
        data, None, embedlab.FinetuneConfig(max_steps=5, progress=False))
    model.fit_classifier(data, progress=False)
    model.save(tmp_path / "m")
    app = create_app(model.id, SERVE_KEY, cache=False)
    texts = ["cheapest fare to boston", "<b>what airline</b> is UA"]
    answer = _post(asgi, app, {"model": model.id, "input": texts, "top_k": 2})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = embedlab.load_custom_model(model.id).classify(texts, top_k=2)
    assert [d["index"] for d in body["data"]] == [0, 1]
    assert [d["label"] for d in body["data"]] == [p.label for p in expected]
    assert [d["text"] for d in body["data"]] == texts
    for d, p in zip(body["data"], expected, strict=True):
        assert abs(d["probability"] - p.probability) < 1e-6 and len(d["alternatives"]) == 2

    refused = _post(asgi, app, {"model": model.id, "input": [], "top_k": 2})
    assert refused.status_code == 400
    base = _post(asgi, None, {"model": "fake", "input": ["hello"]})  # fake_app: a base model
    assert base.status_code == 400 and base.json()["error"]["code"] == "classifier_not_found"
