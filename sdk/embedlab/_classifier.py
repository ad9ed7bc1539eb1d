"""The classification head a custom model keeps: logistic regression on its embeddings.

The head is the probe the report scores (scikit-learn's ``LogisticRegression`` on
L2-normalised vectors), kept as plain arrays — coefficients, intercepts and classes — and
applied with numpy alone. Saved beside a custom model it is a safetensors file plus a
``classifier`` entry in the model card (classes, digest); never a pickle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import ConfigurationError, DatasetError, ModelNotFoundError
from ._probe import make_probe, probe_features

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FORMAT", "UNCERTAIN", "WEIGHTS_NAME", "ClassificationHead", "Prediction",
           "fit_head", "read_head"]

#: Format tag of a saved head (in the card and the weights' metadata).
FORMAT = "embedlab-classifier/1"
#: The head's weights inside a saved custom model's directory.
WEIGHTS_NAME = "classifier.safetensors"
#: The label given when the best class's probability is under the threshold.
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Prediction:
    """One text's answer: its label, that label's probability and the most likely classes."""

    text: str
    #: The most probable class, or :data:`UNCERTAIN` when its probability is under the threshold.
    label: str
    #: Probability of the most probable class.
    probability: float
    #: The ``top_k`` most probable classes with their probabilities, best first.
    alternatives: list[tuple[str, float]]
    #: True when the best probability was under the threshold.
    uncertain: bool = False

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready record: ``text``, ``label``, ``probability``, ``alternatives``."""
        return {"text": self.text, "label": self.label, "probability": self.probability,
                "alternatives": [{"label": label, "probability": p}
                                 for label, p in self.alternatives]}


def _normalize(vectors: Any) -> np.ndarray:
    """Rows as float64, L2-normalised (zero rows stay zero), as the probe sees them."""
    import numpy as np

    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class ClassificationHead:
    """Multinomial logistic regression as arrays: ``coef`` ``(k, d)`` and ``intercept`` ``(k,)``.

    ``k`` is the number of classes, or 1 for two classes (scikit-learn's binary form: the
    score is the second class's log-odds).
    """

    classes: tuple[str, ...]
    coef: np.ndarray
    intercept: np.ndarray
    #: The input type the training texts were embedded with; classify embeds with it too.
    input_type: str | None = None
    #: What it was fitted on: ``rows`` and the dataset ``fingerprint`` when known.
    fitted_on: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problem = _shape_problem(self.classes, self.coef, self.intercept)
        if problem:
            raise ValueError(f"classification head: {problem}")

    @property
    def dimension(self) -> int:
        """Dimension of the embeddings it takes."""
        return int(self.coef.shape[1])

    def predict_proba(self, vectors: Any) -> np.ndarray:
        """Class probabilities, one row per vector, columns in ``classes`` order."""
        import numpy as np

        x = _normalize(vectors)
        if x.shape[1] != self.dimension:
            raise ConfigurationError(
                f"the classification head takes {self.dimension}-dimensional embeddings, got "
                f"{x.shape[1]}; classify with the model (and options) it was fitted on")
        if not len(x):
            return np.zeros((0, len(self.classes)))
        scores = x @ self.coef.T + self.intercept
        if self.coef.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores

    def predict(self, vectors: Any, texts: Sequence[str], *, top_k: int = 3,
                threshold: float | None = None) -> list[Prediction]:
        """One :class:`Prediction` per text (``vectors`` are the texts' embeddings, in order)."""
        import numpy as np

        if top_k < 1:
            raise ValueError(f"top_k={top_k}: ask for at least one class")
        probabilities = self.predict_proba(vectors)
        if len(probabilities) != len(texts):
            raise ValueError(f"{len(probabilities)} vectors for {len(texts)} texts")
        k = min(top_k, len(self.classes))
        order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
        out = []
        for text, row, best in zip(texts, probabilities, order, strict=True):
            top = float(row[best[0]])
            uncertain = threshold is not None and top < threshold
            out.append(Prediction(
                text=text, label=UNCERTAIN if uncertain else self.classes[best[0]],
                probability=top,
                alternatives=[(self.classes[j], float(row[j])) for j in best],
                uncertain=uncertain))
        return out

    def digest(self) -> str:
        """SHA-256 over the classes and both arrays (shape and bytes)."""
        import numpy as np

        h = hashlib.sha256()
        for label in self.classes:
            h.update(label.encode("utf-8", "surrogatepass") + b"\x00")
        for name, array in (("coef", self.coef), ("intercept", self.intercept)):
            a = np.ascontiguousarray(array, dtype=np.float64)
            h.update(f"{name}:{a.shape}".encode())
            h.update(a.tobytes())
        return h.hexdigest()

    def card(self) -> dict[str, Any]:
        """The ``classifier`` entry of a model card."""
        return {"format": FORMAT, "weights": WEIGHTS_NAME, "classes": list(self.classes),
                "dimension": self.dimension, "input_type": self.input_type,
                "sha256": self.digest(), "fitted_on": dict(self.fitted_on)}

    def write(self, directory: str | Path) -> Path:
        """Write the arrays as safetensors (float64) into ``directory``; return the file."""
        import numpy as np
        from safetensors.numpy import save_file

        target = Path(directory) / WEIGHTS_NAME
        save_file({"coef": np.ascontiguousarray(self.coef, dtype=np.float64),
                   "intercept": np.ascontiguousarray(self.intercept, dtype=np.float64)},
                  str(target), metadata={"format": FORMAT})
        return target


def _shape_problem(classes: Sequence[str], coef: Any, intercept: Any) -> str:
    """What is wrong with these arrays as a head, or ``""``."""
    import numpy as np

    coef, intercept = np.asarray(coef), np.asarray(intercept)
    n = len(classes)
    if n < 2:
        return f"needs at least two classes, has {n}"
    if len(set(classes)) != n or not all(isinstance(c, str) for c in classes):
        return "classes must be distinct strings"
    rows = 1 if n == 2 else n
    if coef.ndim != 2 or coef.shape[0] != rows or coef.shape[1] < 1:
        return f"coef has shape {coef.shape}, expected ({rows}, dimension) for {n} classes"
    if intercept.shape != (rows,):
        return f"intercept has shape {intercept.shape}, expected ({rows},)"
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        return "the arrays hold NaN or infinite values"
    return ""


def fit_head(vectors: Any, labels: Sequence[str], *, seed: int = 42,
             input_type: str | None = None,
             fitted_on: Mapping[str, Any] | None = None) -> ClassificationHead:
    """Fit the report's probe (logistic regression on L2-normalised vectors) as a head."""
    import numpy as np

    y = np.asarray([str(label) for label in labels])
    x = probe_features(vectors, len(y), "classifier training embeddings")
    if len(set(y.tolist())) < 2:
        raise DatasetError("a classifier needs examples of at least two classes; add rows "
                           "with another label")
    probe = make_probe(seed)
    probe.fit(x, y)
    return ClassificationHead(
        classes=tuple(str(c) for c in probe.classes_),
        coef=np.asarray(probe.coef_, dtype=np.float64),
        intercept=np.asarray(probe.intercept_, dtype=np.float64),
        input_type=input_type,
        fitted_on={"rows": len(y), **dict(fitted_on or {})},
    )


def read_head(directory: str | Path, entry: Any) -> ClassificationHead:
    """The head saved in ``directory`` as the card's ``classifier`` ``entry`` describes,
    checked against the card (format, digest, shapes); damage raises
    :class:`~embedlab.ModelNotFoundError` with the way out."""

    folder = Path(directory)
    way_out = (f"train the model again (`embedlab finetune`), or delete the \"classifier\" "
               f"entry of {folder / 'embedlab.json'} to use the model without its head")

    def damaged(what: str) -> ModelNotFoundError:
        return ModelNotFoundError(f"{what}; {way_out}")

    if not isinstance(entry, Mapping):
        raise damaged(f"{folder}: the card's \"classifier\" entry is not an object")
    if entry.get("format") != FORMAT:
        raise damaged(f"{folder}: the card's classifier has format {entry.get('format')!r}, "
                      f"expected {FORMAT!r}")
    classes = entry.get("classes")
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise damaged(f"{folder}: the card's classifier \"classes\" is not a list of labels")
    weights = folder / str(entry.get("weights") or WEIGHTS_NAME)
    if weights.parent.resolve() != folder.resolve():
        raise damaged(f"{folder}: the card's classifier points outside the model directory")
    if not weights.is_file():
        raise damaged(f"{weights}: the classification head's weights are missing")
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        tensors = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as exc:
        raise damaged(f"{weights}: cannot read the classification head ({exc})") from None
    missing = {"coef", "intercept"} - set(tensors)
    if missing:
        raise damaged(f"{weights}: the classification head lacks {', '.join(sorted(missing))}")
    problem = _shape_problem(classes, tensors["coef"], tensors["intercept"])
    if problem:
        raise damaged(f"{weights}: {problem}")
    input_type = entry.get("input_type")
    fitted_on = entry.get("fitted_on")
    head = ClassificationHead(classes=tuple(classes), coef=tensors["coef"],
                              intercept=tensors["intercept"],
                              input_type=str(input_type) if input_type else None,
                              fitted_on=dict(fitted_on) if isinstance(fitted_on, Mapping)
                              else {})
    if head.digest() != entry.get("sha256"):
        raise damaged(f"{weights}: the classification head does not match the card's sha256 "
                      "(changed or damaged since saving)")
    return head
