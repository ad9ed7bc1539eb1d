"""``CustomModel.classify``, ``embedlab.classify`` and ``embedlab classify``: the head is
saved with the model, comes back by id in a new process, and answers the same."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import embedlab
import pytest
from click.testing import CliRunner
from embedlab.cli import cli

TEXTS = ["how much is a ticket to denver", "what does the code ua mean",
         "is there a shuttle from the airport to downtown", "✈️ $5 <b>fare</b>"]

_CHILD = """
import json, sys
import embedlab
from embedlab.testing import use_fake_provider
with use_fake_provider():
    model = embedlab.load_custom_model(sys.argv[1])
    out = [p.to_record() for p in model.classify(json.loads(sys.argv[2]), top_k=3)]
print(json.dumps(out))
"""


def test_classify_round_trip_in_a_new_process(adapter_model: embedlab.CustomModel,
                                              tmp_path: Path) -> None:
    here = [p.to_record() for p in adapter_model.classify(TEXTS, top_k=3)]
    adapter_model.save(tmp_path / "model")
    card = json.loads((tmp_path / "model" / "embedlab.json").read_text(encoding="utf-8"))
    assert card["classifier"]["classes"] == ["airfare", "airline", "ground_service"]
    assert (tmp_path / "model" / card["classifier"]["weights"]).is_file()
    proc = subprocess.run([sys.executable, "-c", _CHILD, adapter_model.id, json.dumps(TEXTS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    there = json.loads(proc.stdout)
    assert [r["label"] for r in there] == [r["label"] for r in here]
    assert [r["text"] for r in there] == TEXTS
    for a, b in zip(here, there, strict=True):
        assert b["probability"] == pytest.approx(a["probability"], rel=1e-9)
        assert [x["label"] for x in b["alternatives"]] == [x["label"] for x in a["alternatives"]]


def test_damaged_head_fails_the_load(adapter_model: embedlab.CustomModel,
                                     tmp_path: Path) -> None:
    path = adapter_model.save(tmp_path / "model")
    weights = path / "classifier.safetensors"
    weights.write_bytes(weights.read_bytes()[:-16])
    with pytest.raises(embedlab.ModelNotFoundError, match=r"classifier\.safetensors"):
        embedlab.load_custom_model(adapter_model.id)


def test_model_without_a_head_says_how_to_get_one(fake_provider: str, tiny_csv: Path,
                                                  tmp_path: Path) -> None:
    data = embedlab.load_dataset(tiny_csv)
    model = embedlab.get_finetuner(fake_provider, method="adapter").finetune(
        data, None, embedlab.FinetuneConfig(max_steps=5, progress=False))
    path = model.save(tmp_path / "bare")
    assert "classifier" not in json.loads((path / "embedlab.json").read_text("utf-8"))
    with pytest.raises(embedlab.ConfigurationError, match="--examples"):
        embedlab.load_custom_model(model.id).classify(["a fare"])
    # Examples give any model a classifier, the custom one included.
    answers = embedlab.classify(["cheapest fare to boston"], model.id, examples=data)
    assert answers[0].label in data.classes


def test_base_model_classifies_with_examples_only(fake_provider: str, tiny_csv: Path) -> None:
    with pytest.raises(embedlab.ConfigurationError, match="base model"):
        embedlab.classify(TEXTS, fake_provider)
    answers = embedlab.classify(TEXTS, fake_provider, examples=tiny_csv, top_k=2)
    assert [a.text for a in answers] == TEXTS
    assert all(len(a.alternatives) == 2 and 0 < a.probability <= 1 for a in answers)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_finetune_command_saves_a_classifier_and_classify_uses_it(
        runner: CliRunner, fake_provider: str, tiny_csv: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["finetune", str(tiny_csv), "-p", fake_provider, "--method",
                                 "adapter", "--out", str(tmp_path / "m"), "--max-steps", "5",
                                 "-q"])
    assert result.exit_code == 0, result.output
    model_id = result.stdout.strip()
    card = json.loads((tmp_path / "m" / "embedlab.json").read_text(encoding="utf-8"))
    assert card["classifier"]["fitted_on"]["rows"] == 30

    out = tmp_path / "labels.jsonl"
    result = runner.invoke(cli, ["classify", "--model", model_id, *TEXTS, "--out", str(out),
                                 "--top-k", "2", "-q"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == TEXTS
    assert all(list(r) == ["text", "label", "probability", "alternatives"] for r in records)
    assert all(len(r["alternatives"]) == 2 for r in records)

    texts_file = tmp_path / "texts.txt"
    texts_file.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    csv_out = tmp_path / "labels.csv"
    result = runner.invoke(cli, ["classify", "-m", str(tmp_path / "m"), "--file",
                                 str(texts_file), "--out", str(csv_out), "--threshold", "1"])
    assert result.exit_code == 0, result.output
    with csv_out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == TEXTS
    assert {r["label"] for r in rows} == {"uncertain"}
    assert json.loads(rows[0]["alternatives"])[0]["label"] in card["classifier"]["classes"]

    # An existing --out is not replaced unless asked.
    result = runner.invoke(cli, ["classify", "-m", model_id, "x", "--out", str(csv_out)])
    assert result.exit_code == 2 and "--overwrite" in result.stderr
    assert len(csv_out.read_text(encoding="utf-8").splitlines()) == len(TEXTS) + 1


def test_classify_command_errors_are_clear(runner: CliRunner, fake_provider: str,
                                           tiny_csv: Path) -> None:
    result = runner.invoke(cli, ["classify", "--model", fake_provider, "hello"])
    assert result.exit_code == 2
    assert "--examples" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(cli, ["classify", "--model", fake_provider, "--examples",
                                 str(tiny_csv), "a fare to boston", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["text"] == "a fare to boston" and record["label"] in {
        "airfare", "airline", "ground_service"}
    result = runner.invoke(cli, ["classify", "--model", fake_provider, "x", "--out", "a.txt"])
    assert result.exit_code == 2 and ".jsonl or .csv" in result.stderr


#: One text for each class of the sample (airfare, airline, ground_service).
ONE_PER_CLASS = ["how much is the cheapest fare to denver",
                 "which airlines fly from boston to memphis",
                 "is there a shuttle from the airport to downtown"]


def test_examples_classifier_answers_like_scikit_learn(fake_provider: str,
                                                       tiny_csv: Path) -> None:
    """Labels and probabilities equal a logistic regression fitted with scikit-learn on the
    examples' L2-normalised vectors, and the answers differ between classes."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import normalize

    data = embedlab.load_dataset(tiny_csv)
    embedder = embedlab.get_embedder(fake_provider)
    train = normalize(embedder.embed(list(data.texts), "classification", cache=False))
    probe = LogisticRegression(max_iter=2000, random_state=42).fit(train, list(data.labels))
    expected = probe.predict_proba(
        normalize(embedder.embed(ONE_PER_CLASS, "classification", cache=False)))

    answers = embedlab.classify(ONE_PER_CLASS, fake_provider, examples=tiny_csv, top_k=3)
    labels = [a.label for a in answers]
    assert labels == [str(probe.classes_[i]) for i in expected.argmax(axis=1)]
    assert labels == ["airfare", "airline", "ground_service"]
    for answer, row in zip(answers, expected, strict=True):
        assert answer.probability == pytest.approx(row.max(), rel=1e-6)
        ranked = sorted(zip(row, probe.classes_, strict=True), reverse=True)
        assert [label for label, _ in answer.alternatives] == [str(c) for _, c in ranked]
        assert [p for _, p in answer.alternatives] == pytest.approx([p for p, _ in ranked],
                                                                    rel=1e-6)
