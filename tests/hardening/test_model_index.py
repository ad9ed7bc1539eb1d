"""``CustomModel.save(remember=False)`` writes files only; the id index points at a model's
final place, also when the report saved it into a staging directory first."""

from __future__ import annotations

from pathlib import Path

import embedlab
import pytest
from embedlab._custom_models import find_custom_model, remember_saved


@pytest.fixture
def model(fake_provider: str, tiny_csv: Path) -> embedlab.CustomModel:
    data = embedlab.load_dataset(tiny_csv)
    finetuner = embedlab.get_finetuner(fake_provider, method="adapter")
    return finetuner.finetune(data, None, embedlab.FinetuneConfig(max_steps=3, progress=False))


def test_save_remembers_the_id_by_default(model: embedlab.CustomModel, tmp_path: Path) -> None:
    path = model.save(tmp_path / "m")
    assert find_custom_model(model.id) == path.resolve()
    assert embedlab.load_custom_model(model.id).id == model.id


def test_save_without_remember_leaves_the_index_alone(model: embedlab.CustomModel,
                                                      tmp_path: Path) -> None:
    staged = model.save(tmp_path / "staging" / "m", remember=False)
    assert (staged / "embedlab.json").is_file()
    assert find_custom_model(model.id) is None
    final = tmp_path / "final"
    staged.rename(final)
    remember_saved(model, final)
    assert model.path == final
    assert find_custom_model(model.id) == final.resolve()


def test_a_saved_report_indexes_the_model_where_it_lives(fake_provider: str, tiny_csv: Path,
                                                         tmp_path: Path) -> None:
    result = embedlab.compare(embedlab.load_dataset(tiny_csv), provider=fake_provider,
                              method="adapter", projection="pca", max_steps=3, quiet=True,
                              progress=False)
    out = result.save(tmp_path / "run", visualizers=())
    found = find_custom_model(result.custom_model.id)
    assert found == (out / "model").resolve()
    assert result.custom_model.path == out / "model"
