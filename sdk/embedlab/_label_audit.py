"""The label audit: rows whose label the embeddings disagree with, and classes that overlap.

A logistic-regression probe (the report's own, :func:`embedlab._probe.make_probe`) is
trained k times on the embeddings, each time scoring the rows it did not see (stratified,
seeded folds), so every row gets out-of-fold class probabilities. cleanlab's confident
learning then ranks the rows whose given label is unlikely under those probabilities
(``find_label_issues``) and estimates which pairs of classes the labels mix up
(``find_overlapping_classes``). The input is never modified.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._atomic import atomic_open, write_json
from ._datasets.loaders import load_dataset
from ._errors import ConfigurationError, DatasetError
from ._lookup import get_embedder
from ._manifest import staged_output
from ._probe import make_probe, probe_features
from .progress import progress_bar

if TYPE_CHECKING:
    import numpy as np

    from ._datasets.dataset import Dataset
    from ._transport.cache import EmbeddingCache

__all__ = ["AUDIT_JSON", "SUSPECTS_CSV", "Audit", "ClassOverlap", "Suspect", "audit",
           "audit_vectors"]

#: Files :meth:`Audit.save` writes.
SUSPECTS_CSV = "suspects.csv"
OVERLAPS_CSV = "overlapping_classes.csv"
AUDIT_JSON = "audit.json"
#: Columns of ``suspects.csv``, in order.
SUSPECT_COLUMNS = ("row", "id", "text", "label", "suggested", "confidence", "label_probability")
#: Examples kept per direction of an overlapping pair.
EXAMPLES_PER_SIDE = 3
_INSTALL = "pip install 'embedlab[audit]'"


@dataclass(frozen=True)
class Suspect:
    """One row whose label the embeddings disagree with."""

    #: 1-based data row in the source (header not counted), as validation messages count.
    row: int
    id: str
    text: str
    #: The label the data gives.
    label: str
    #: The class the out-of-fold probe prefers over the given label.
    suggested: str
    #: Out-of-fold probability of ``suggested``.
    confidence: float
    #: Out-of-fold probability of the given label (cleanlab's self-confidence; lower = worse).
    label_probability: float
    #: Position of the row in the audited dataset (for ``dataset.subset``).
    index: int


@dataclass(frozen=True)
class ClassOverlap:
    """Two classes the labels mix up in both directions: candidates to merge or define better."""

    class_a: str
    class_b: str
    #: Estimated rows labelled ``class_a`` that belong to ``class_b``, and the reverse.
    a_as_b: int
    b_as_a: int
    #: Share of all rows estimated to sit in this pair's overlap (cleanlab's joint probability).
    joint_probability: float
    #: A few rows labelled ``class_a`` that the probe puts in ``class_b``, and the reverse.
    examples_a_as_b: list[str] = field(default_factory=list)
    examples_b_as_a: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Rows estimated to be in the overlap, both directions."""
        return self.a_as_b + self.b_as_a


@dataclass
class Audit:
    """What the label audit found: rows to check (worst first) and overlapping classes."""

    dataset: str
    rows: int
    classes: list[str]
    #: Rows to check, worst first (lowest probability of the given label).
    suspects: list[Suspect]
    #: Overlapping class pairs, largest overlap first.
    overlaps: list[ClassOverlap]
    folds: int
    seed: int
    #: The embedder whose vectors were audited (``provider:model``), when known.
    embedder: str | None = None
    #: Seconds the audit took, embedding excluded.
    seconds: float = 0.0
    #: Notes on how the audit ran (fewer folds for small classes...).
    notes: list[str] = field(default_factory=list)
    #: Out-of-fold class probabilities, rows in dataset order, columns in ``classes`` order.
    probabilities: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def suspect_indices(self) -> list[int]:
        """Positions of the suspect rows in the audited dataset, worst first."""
        return [s.index for s in self.suspects]

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """A JSON-ready summary (``limit`` caps the suspects listed; the count stays exact)."""
        shown = self.suspects[:limit]  # limit None: all
        return {
            "dataset": self.dataset,
            "rows": self.rows,
            "classes": len(self.classes),
            "embedder": self.embedder,
            "folds": self.folds,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "notes": list(self.notes),
            "suspect_count": len(self.suspects),
            "suspects": [_suspect_record(s) for s in shown],
            "overlaps": [{**asdict(o), "count": o.count} for o in self.overlaps],
        }

    def to_frame(self) -> Any:
        """The suspects as a pandas DataFrame, in ``suspects.csv`` column order."""
        import pandas as pd

        return pd.DataFrame([_suspect_record(s) for s in self.suspects],
                            columns=list(SUSPECT_COLUMNS))

    def save(self, directory: str | Path, *, overwrite: bool = False) -> Path:
        """Write ``suspects.csv``, ``overlapping_classes.csv`` and ``audit.json`` into
        ``directory`` (all or nothing) and return it.

        Like every embedlab output (see :mod:`embedlab._manifest`), an earlier audit there is
        replaced only with ``overwrite=True``, and a directory holding files embedlab did
        not write is refused.
        """

        target = Path(directory).expanduser()
        with staged_output(target, overwrite=overwrite, what="label audit") as tmp:
            self.write_suspects_csv(tmp / SUSPECTS_CSV)
            with atomic_open(tmp / OVERLAPS_CSV, newline="") as fh:
                _write_overlaps(fh, self.overlaps)
            record = {"tool": "embedlab audit", **self.to_dict()}
            write_json(tmp / AUDIT_JSON, record, indent=2, allow_nan=False)
        return target

    def write_suspects_csv(self, path: str | Path) -> Path:
        """Write the suspects as CSV at ``path`` (atomically) and return it."""
        target = Path(path)
        with atomic_open(target, newline="") as fh:
            _write_suspects(fh, self.suspects)
        return target

    def summary(self, top: int = 10) -> str:
        """A few lines for a terminal: counts, the worst rows, the overlapping pairs."""
        lines = [f"{len(self.suspects)} of {self.rows} rows to check "
                 f"({len(self.classes)} classes, {self.folds}-fold probe, "
                 f"{self.seconds:.1f}s)"]
        for s in self.suspects[:top]:
            text = s.text if len(s.text) <= 70 else s.text[:67] + "..."
            lines.append(f"  row {s.row:>6}  {s.label!r} → {s.suggested!r} "
                         f"({s.confidence:.2f})  {text!r}")
        if len(self.suspects) > top:
            lines.append(f"  ... and {len(self.suspects) - top} more")
        if self.overlaps:
            lines.append(f"{len(self.overlaps)} overlapping class pair(s):")
            for o in self.overlaps[:top]:
                lines.append(f"  {o.class_a!r} ⇄ {o.class_b!r}: {o.a_as_b} + {o.b_as_a} rows")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Audit {self.dataset!r}: {len(self.suspects)} of {self.rows} rows to check, "
                f"{len(self.overlaps)} overlapping class pair(s)>")


def _suspect_record(s: Suspect) -> dict[str, Any]:
    return {name: getattr(s, name) for name in SUSPECT_COLUMNS}


def _write_suspects(fh: Any, suspects: Sequence[Suspect]) -> None:
    writer = csv.writer(fh)
    writer.writerow(SUSPECT_COLUMNS)
    for s in suspects:
        record = _suspect_record(s)
        record["confidence"] = f"{s.confidence:.4f}"
        record["label_probability"] = f"{s.label_probability:.4f}"
        writer.writerow([record[name] for name in SUSPECT_COLUMNS])


def _write_overlaps(fh: Any, overlaps: Sequence[ClassOverlap]) -> None:
    writer = csv.writer(fh)
    writer.writerow(["class_a", "class_b", "a_as_b", "b_as_a", "joint_probability",
                     "examples_a_as_b", "examples_b_as_a"])
    for o in overlaps:
        writer.writerow([o.class_a, o.class_b, o.a_as_b, o.b_as_a,
                         f"{o.joint_probability:.6f}", " | ".join(o.examples_a_as_b),
                         " | ".join(o.examples_b_as_a)])


def _import_cleanlab() -> Any:
    """cleanlab's filter and dataset modules, or a clear message naming the extra."""

    try:
        import cleanlab.dataset
        import cleanlab.filter
    except ImportError:
        raise ConfigurationError(
            f"the label audit needs cleanlab, which is not installed: {_INSTALL}") from None
    return cleanlab


def _fold_count(labels: Sequence[str], folds: int, where: str) -> tuple[int, list[str]]:
    """Folds to use (at most the smallest class's size) and a note when that is fewer."""

    if folds < 2:
        raise ConfigurationError(f"folds={folds}: the audit needs at least 2 folds")
    counts = Counter(labels)
    if len(counts) < 2:
        raise DatasetError(f"{where}: the audit needs at least two classes, found "
                           f"{len(counts)}; add rows with another label")
    lonely = sorted(label for label, count in counts.items() if count < 2)
    if lonely:
        shown = ", ".join(map(repr, lonely[:10])) + (" ..." if len(lonely) > 10 else "")
        raise DatasetError(
            f"{where}: class(es) {shown} have a single row; each row is scored by a probe "
            "trained on the other rows of its class, so every class needs at least 2: add "
            "rows or remove those classes")
    smallest_label, smallest = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if smallest >= folds:
        return folds, []
    return smallest, [f"class {smallest_label!r} has only {smallest} rows: the probe used "
                      f"{smallest} folds instead of {folds}"]


def out_of_fold_probabilities(x: np.ndarray, y: np.ndarray, n_classes: int, *, folds: int,
                              seed: int, progress: bool | None = None) -> np.ndarray:
    """Class probabilities for every row from a probe trained on the other folds."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold
    from threadpoolctl import threadpool_limits

    out = np.zeros((len(y), n_classes), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    bar = progress_bar(folds, desc="audit: out-of-fold probe", unit="fold", force=progress,
                       long_job=len(y) > 5000)
    # One BLAS thread: these products are small, and threaded BLAS on a busy machine ran a
    # fold up to 20x slower (15,000 x 384, 150 classes: 4 s a fold against 15 s).
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            for train_idx, test_idx in splitter.split(x, y):
                probe = make_probe(seed).fit(x[train_idx], y[train_idx])
                out[np.ix_(test_idx, probe.classes_)] = probe.predict_proba(x[test_idx])
                bar.update(1)
    finally:
        bar.close()
    return out


def _overlaps(cleanlab: Any, y: np.ndarray, probs: np.ndarray, classes: list[str],
              texts: Sequence[str], min_each: int) -> list[ClassOverlap]:
    """Pairs cleanlab estimates are mixed up both ways, with a few example rows each way."""
    import numpy as np

    frame = cleanlab.dataset.find_overlapping_classes(labels=y, pred_probs=probs,
                                                      asymmetric=True)
    counts: dict[tuple[int, int], tuple[int, float]] = {}
    for a, b, n, p in zip(frame["Class Index A"], frame["Class Index B"],
                          frame["Num Overlapping Examples"], frame["Joint Probability"],
                          strict=True):
        counts[(int(a), int(b))] = (int(n), float(p))
    predicted = probs.argmax(axis=1)

    def examples(given: int, other: int) -> list[str]:
        rows = np.flatnonzero((y == given) & (predicted == other))
        rows = rows[np.argsort(-probs[rows, other], kind="stable")][:EXAMPLES_PER_SIDE]
        return [texts[int(i)] for i in rows]

    found = []
    for a, b in combinations(range(len(classes)), 2):  # the frame lists every ordered pair
        (a_as_b, p_ab), (b_as_a, p_ba) = counts[(a, b)], counts[(b, a)]
        if a_as_b >= min_each and b_as_a >= min_each:
            found.append(ClassOverlap(classes[a], classes[b], a_as_b, b_as_a, p_ab + p_ba,
                                      examples(a, b), examples(b, a)))
    found.sort(key=lambda o: (-o.count, o.class_a, o.class_b))
    return found


def audit_vectors(
    dataset: Dataset,
    vectors: Any,
    *,
    folds: int = 5,
    seed: int = 42,
    min_overlap: int = 2,
    embedder: str | None = None,
    progress: bool | None = None,
) -> Audit:
    """Audit ``dataset``'s labels with its embeddings ``vectors`` (one row per dataset row).

    ``folds`` is lowered to the smallest class's size when that is smaller (noted in
    :attr:`Audit.notes`); a class with a single row is a :class:`~embedlab.DatasetError`.
    ``min_overlap``: rows each way before a pair of classes counts as overlapping.
    """
    import numpy as np

    cleanlab = _import_cleanlab()
    started = time.perf_counter()
    where = dataset.source or dataset.name
    folds, notes = _fold_count(dataset.labels, folds, where)
    classes = dataset.classes
    code = {label: i for i, label in enumerate(classes)}
    y = np.asarray([code[label] for label in dataset.labels], dtype=np.int64)
    x = probe_features(vectors, len(dataset), "audit embeddings")
    probs = out_of_fold_probabilities(x, y, len(classes), folds=folds, seed=seed,
                                      progress=progress)

    ranked = cleanlab.filter.find_label_issues(
        labels=y, pred_probs=probs, filter_by="prune_by_noise_rate",
        return_indices_ranked_by="self_confidence", n_jobs=1)
    others = probs.copy()
    others[np.arange(len(y)), y] = -1.0  # the suggestion is the best class *other* than the label
    suggested = others.argmax(axis=1)
    suspects = [
        Suspect(row=dataset.rows[i], id=dataset.ids[i], text=dataset.texts[i],
                label=dataset.labels[i], suggested=classes[suggested[i]],
                confidence=float(probs[i, suggested[i]]),
                label_probability=float(probs[i, y[i]]), index=int(i))
        for i in (int(j) for j in ranked)
    ]
    overlaps = _overlaps(cleanlab, y, probs, classes, dataset.texts, max(1, min_overlap))
    return Audit(dataset=dataset.name, rows=len(dataset), classes=classes, suspects=suspects,
                 overlaps=overlaps, folds=folds, seed=seed, embedder=embedder,
                 seconds=time.perf_counter() - started, notes=notes, probabilities=probs)


def audit(
    dataset: Dataset | str | Path | Any,
    provider: str = "local",
    *,
    folds: int = 5,
    seed: int = 42,
    min_overlap: int = 2,
    input_type: str | None = "classification",
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    embedder_options: Mapping[str, Any] | None = None,
    cache: EmbeddingCache | bool | None = None,
    progress: bool | None = None,
) -> Audit:
    """Find the rows of ``dataset`` whose labels look wrong, and the classes that overlap.

    ``dataset`` is a :class:`~embedlab.Dataset`, a file path, a DataFrame or
    records; it is validated first (clear errors with row numbers) and never modified.
    ``provider`` is a provider name or ``provider:model``: each distinct text is embedded
    once, through the embedding cache. See :func:`audit_vectors` for the rest.
    """

    _import_cleanlab()  # a missing extra is reported before any model loads
    embedder = get_embedder(provider, **dict(embedder_options or {}))
    data = load_dataset(dataset, text_column=text_column, label_column=label_column,
                        encoding=encoding)  # a Dataset is taken as it is
    data.validate().raise_for_errors()
    vectors = embedder.embed(list(data.texts), input_type, cache=cache, progress=progress)
    return audit_vectors(data, vectors, folds=folds, seed=seed, min_overlap=min_overlap,
                         embedder=embedder.name, progress=progress)
