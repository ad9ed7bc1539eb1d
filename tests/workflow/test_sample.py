"""The shipped sample dataset: present in the package, valid, and shaped as documented."""

from __future__ import annotations

from collections import Counter

import embedlab


def test_sample_is_shipped_and_loads() -> None:
    path = embedlab.sample_dataset_path()
    assert path.is_file()
    assert (path.parent / "README.md").is_file()
    dataset = embedlab.load_sample_dataset()
    assert len(dataset) >= 344
    assert dataset.classes == ["airfare", "airline", "ground_service"]


def test_sample_validates_without_errors_and_has_no_repeated_text() -> None:
    dataset = embedlab.load_sample_dataset()
    report = dataset.validate(test_size=0.2)
    assert report.ok, str(report)
    assert len(set(dataset.texts)) == len(dataset)


def test_sample_is_balanced_enough_and_varied_in_length() -> None:
    dataset = embedlab.load_sample_dataset()
    counts = Counter(dataset.labels)
    assert min(counts.values()) >= 100
    words = [len(text.split()) for text in dataset.texts]
    assert min(words) <= 3 and max(words) >= 15


def test_readme_states_the_counts_in_the_file() -> None:
    dataset = embedlab.load_sample_dataset()
    readme = (embedlab.sample_dataset_path().parent / "README.md").read_text(encoding="utf-8")
    assert f"{len(dataset)} English queries" in readme
    for label, count in Counter(dataset.labels).items():
        assert f"`{label}`" in readme and f"{count} |" in readme
    assert "embedlab compare --provider local --out runs/sample" in readme
