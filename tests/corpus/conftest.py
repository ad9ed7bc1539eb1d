"""Small corpora for the corpus tests: CSV, JSONL, text and Parquet files of known rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest


def corpus_texts(count: int, *, prefix: str = "flight") -> list[str]:
    """Distinct short texts with shared words, so the fake embedder gives distinct vectors."""
    words = ["to", "boston", "fare", "bus", "airport", "train", "cheap", "late", "seat"]
    return [f"{prefix} {words[i % len(words)]} {words[(i * 7) % len(words)]} {i}"
            for i in range(count)]


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A directory of four files in four formats: 50 + 30 + 20 + 25 rows, two of them blank."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "corpus"
    (root / "more").mkdir(parents=True)
    texts = corpus_texts(125)
    with (root / "a.csv").open("w", encoding="utf-8") as fh:
        fh.write("text,label\n")
        for i, text in enumerate(texts[:50]):
            fh.write(f"{'' if i == 9 else text},x\n")
    with (root / "b.jsonl").open("w", encoding="utf-8") as fh:
        for text in texts[50:80]:
            fh.write(json.dumps({"text": text, "n": 1}) + "\n")
    (root / "more" / "c.txt").write_text(
        "\n".join(t if i != 4 else "   " for i, t in enumerate(texts[80:100])) + "\n",
        encoding="utf-8")
    pq.write_table(pa.table({"text": texts[100:125]}), root / "more" / "d.parquet")
    (root / "_notes.csv").write_text("text\nnot part of the corpus\n", encoding="utf-8")
    return root


@pytest.fixture
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An adapter custom model over the fake provider, trained for a few steps."""
    import embedlab
    from embedlab.testing import use_fake_provider

    texts = corpus_texts(40)
    labels = [t.split()[1] for t in texts]
    with use_fake_provider():
        dataset = embedlab.Dataset(texts, labels)
        model = embedlab.get_finetuner("fake", method="adapter").finetune(
            dataset, config=embedlab.FinetuneConfig(max_steps=5, progress=False))
        return model.save(tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture
def fake() -> Iterator[str]:
    """Provider ``fake`` (embedlab's FakeEmbedder) registered for the test."""
    from embedlab.testing import use_fake_provider

    with use_fake_provider():
        yield "fake"


@pytest.fixture(scope="module")
def local_ray(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One local Ray (2 CPUs) for the test module, its workers offline with a private
    embedlab home and the module's classes pickled by value; yields Ray's log folder."""
    import os

    import ray
    import ray.cloudpickle

    ray.cloudpickle.register_pickle_by_value(request.module)
    saved = {k: os.environ.get(k) for k in ("EMBEDLAB_HOME", "EMBEDLAB_PROGRESS")}
    os.environ["EMBEDLAB_HOME"] = str(tmp_path_factory.mktemp("ray-home"))
    os.environ["EMBEDLAB_PROGRESS"] = "0"
    context = ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield Path(context.address_info["session_dir"]) / "logs"
    finally:
        ray.shutdown()
        ray.cloudpickle.unregister_pickle_by_value(request.module)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
