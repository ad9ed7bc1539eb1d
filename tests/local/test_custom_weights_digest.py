"""Item 7 of issue 13: a saved local custom model's vectors are cached under a digest of its
weights, taken when it is saved and loaded (never per embed call), so weights changed after
saving never get the old weights' cached vectors."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import embedlab
import numpy as np
import pytest

TEXTS = ["book a flight to Paris", "what is my balance", "play some jazz"]


@pytest.fixture
def saved_model(tmp_path: Path) -> Path:
    """The shipped model saved as a local custom model (no training needed for the cache)."""
    from embedlab_local.embedder import LocalEmbedder
    from embedlab_local.model import LocalCustomModel

    base = LocalEmbedder()
    model = LocalCustomModel(id="local-ft-digesttest", base_model=base.model,
                             base_revision=base.revision, dataset_fingerprint="x",
                             hyperparameters={}, metrics={}, model=base.load())
    return model.save(tmp_path / "model")


def _change_weights(path: Path) -> None:
    from safetensors import safe_open
    from safetensors.numpy import save_file

    file = path / "model.safetensors"
    with safe_open(str(file), framework="numpy") as fh:
        metadata = fh.metadata()
        tensors = {key: fh.get_tensor(key) for key in fh.keys()}  # noqa: SIM118
    key = next(k for k in sorted(tensors) if k.endswith("LayerNorm.bias"))
    tensors[key] = tensors[key] + np.float32(0.5)
    save_file(tensors, str(file), metadata=metadata)


def test_changed_weights_are_not_served_the_old_vectors(saved_model: Path) -> None:
    card = json.loads((saved_model / "embedlab.json").read_text(encoding="utf-8"))
    assert len(card["weights_digest"]) == 16
    before = embedlab.get_embedder(str(saved_model))
    assert card["weights_digest"] in before.revision
    old = before.embed(TEXTS, cache=True, progress=False)

    _change_weights(saved_model)
    with pytest.warns(RuntimeWarning, match="weights changed since embedlab saved"):
        after = embedlab.get_embedder(str(saved_model))
    assert after.revision != before.revision and after.model == before.model
    new = after.embed(TEXTS, cache=True, progress=False)
    fresh = after.embed(TEXTS, cache=False, progress=False)
    np.testing.assert_allclose(new, fresh, atol=1e-6)  # the new weights' vectors...
    assert not np.allclose(new, old, atol=1e-3)  # ...not the cached ones of the old weights


def test_the_digest_is_taken_at_load_not_per_embed_call(
        saved_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import embedlab_local.resolve as resolve

    hashed: list[Path] = []
    real = resolve.file_digest

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(resolve, "file_digest", counting)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the untouched model loads without a warning
        embedder = embedlab.load_custom_model(saved_model).embedder()
    assert hashed  # the load took the digest
    hashed.clear()
    embedder.embed(TEXTS, cache=True, progress=False)
    embedder.embed([*TEXTS[:1], "another text"], cache=True, progress=False)
    assert hashed == []


def test_files_kept_beside_the_weights_do_not_change_the_digest(saved_model: Path) -> None:
    before = embedlab.get_embedder(str(saved_model)).revision
    (saved_model / "classifier.safetensors").write_bytes(b"not part of the embedding model")
    (saved_model / "notes.txt").write_text("a note")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert embedlab.get_embedder(str(saved_model)).revision == before


def test_a_relative_and_an_absolute_path_give_the_same_digest(
        saved_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24 item 1: loading ``runs/x/model`` (as every docs example names it) warned that
    the weights changed and cached its vectors under another key than the absolute path."""
    from embedlab_local.model import saved_weights_digest

    card = json.loads((saved_model / "embedlab.json").read_text(encoding="utf-8"))
    monkeypatch.chdir(saved_model.parent.parent)
    relative = Path(saved_model.parent.name) / saved_model.name
    assert saved_weights_digest(relative) == saved_weights_digest(saved_model) \
        == card["weights_digest"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no false "weights changed" warning
        by_relative = embedlab.get_embedder(str(relative))
        by_absolute = embedlab.get_embedder(str(saved_model))
    assert (by_relative.model, by_relative.revision) == (by_absolute.model, by_absolute.revision)


def test_the_cli_prints_a_warning_as_one_plain_line(saved_model: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner
    from embedlab.cli import cli

    _change_weights(saved_model)
    result = CliRunner().invoke(cli, ["embed", "-m", str(saved_model), "-o",
                                      str(tmp_path / "v.npy"), "-q", "hello"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "weights changed" in line]
    assert len(lines) == 1 and lines[0].startswith(f"warning: {saved_model}: the weights changed")
    assert "RuntimeWarning" not in result.stderr and ".py:" not in result.stderr
