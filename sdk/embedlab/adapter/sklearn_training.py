"""Training a linear head without torch, with scikit-learn (a core dependency).

scikit-learn's :class:`~sklearn.neural_network.MLPClassifier` with one identity-activated
hidden layer as wide as the input is a linear map trained with a softmax classification
loss; that hidden layer becomes a ``linear`` :class:`~embedlab.adapter.head.Head`. One
``partial_fit`` per epoch, so early stopping watches the same validation split (its log
loss) as the torch trainer. Used when torch is missing; see docs/adapter.md for why.
"""

from __future__ import annotations

import copy
import time
import warnings
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError
from ..progress import progress_bar
from .head import Head, l2_normalize
from .training import (
    EpochTracker,
    TrainingResult,
    TrainingSettings,
    _diverged,
    default_batch_size,
    default_learning_rate,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["train_linear_head"]


def train_linear_head(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    settings: TrainingSettings | None = None,
    *,
    progress: bool | None = False,
) -> TrainingResult:
    """Train a ``linear`` head with scikit-learn; same inputs, defaults and result as the
    torch trainer."""
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import log_loss
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    s = settings or TrainingSettings(head="linear")
    if s.head != "linear":
        raise ConfigurationError(
            f"the scikit-learn trainer trains a linear head only, not {s.head!r}; install "
            "torch (pip install torch) for the mlp head, or pass head='linear'")
    started = time.perf_counter()
    x = l2_normalize(x_train)
    y = np.asarray(y_train, dtype=np.int64)
    classes = np.arange(int(max(y.max(), np.max(y_val) if y_val is not None and len(y_val)
                                else 0)) + 1)
    has_val = x_val is not None and y_val is not None and len(x_val) > 0
    xv = l2_normalize(x_val) if has_val else None  # type: ignore[arg-type]
    batch_size = s.batch_size or default_batch_size(len(x))
    clf = MLPClassifier(hidden_layer_sizes=(x.shape[1],), activation="identity",
                        solver="adam", alpha=s.weight_decay,
                        batch_size=min(batch_size, len(x)),
                        learning_rate_init=s.learning_rate or default_learning_rate("linear"),
                        random_state=s.seed, shuffle=True)
    result = TrainingResult(head=Head("linear", {"weight": np.eye(x.shape[1], dtype=np.float32),
                                                 "bias": np.zeros(x.shape[1], np.float32)}))
    best: tuple[Any, Any] | None = None
    steps_per_epoch = -(-len(x) // min(batch_size, len(x)))
    bar = progress_bar(s.epochs, desc="training adapter head (scikit-learn)", unit="epoch",
                       force=progress, long_job=False)
    tracker = EpochTracker(result, s, has_validation=has_val, bar=bar)
    with threadpool_limits(limits=s.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(1, s.epochs + 1):
            try:
                with np.errstate(all="ignore"):
                    clf.partial_fit(x, y, classes=classes)
            except ValueError as exc:  # scikit-learn's own check for non-finite weights
                if "non-finite" not in str(exc):
                    raise
                _diverged(result.steps + 1, float("nan"), clf.learning_rate_init)
            result.steps += steps_per_epoch
            if not np.isfinite(clf.loss_) or not np.isfinite(clf.coefs_[0]).all():
                _diverged(result.steps, float(clf.loss_), clf.learning_rate_init)
            record = {"epoch": float(epoch), "train_loss": float(clf.loss_)}
            if xv is not None:
                record["validation_loss"] = float(
                    log_loss(y_val, clf.predict_proba(xv), labels=classes))
            if tracker.end_epoch(epoch, record):
                best = (copy.deepcopy(clf.coefs_[0]), copy.deepcopy(clf.intercepts_[0]))
            if tracker.should_stop():
                break
    bar.close()
    weight, bias = best if best is not None else (clf.coefs_[0], clf.intercepts_[0])
    result.head = Head("linear", {"weight": np.asarray(weight.T, dtype=np.float32),
                                  "bias": np.asarray(bias, dtype=np.float32)})
    result.seconds = time.perf_counter() - started
    return result
