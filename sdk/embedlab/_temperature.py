"""Temperature scaling of the classification head a custom model keeps, so its stated
confidence can be trusted (a probe on finetuned embeddings is often overconfident).

One number ``T`` divides every logit: the predicted class never changes, only how sure the
head says it is. ``T`` minimises the log loss (scipy) on rows the head did not see: the
train split's stratified validation share (the rows a finetuner holds out for early
stopping), scored by the probe refitted on the other rows. The scaled head is a plain head
again (coefficients and intercepts divided by ``T``), saved and loaded as before."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ._classifier import _normalize, fit_head
from ._datasets.dataset import Dataset
from ._datasets.holdout import hold_out

if TYPE_CHECKING:
    from ._classifier import ClassificationHead

__all__ = ["MIN_ROWS", "calibrate_head", "fit_temperature", "head_logits"]

#: ``T`` is searched in ``[1 / BOUND, BOUND]``.
BOUND = 50.0
#: Held-out rows below which one temperature would be noise: the head is left as it is.
MIN_ROWS = 10


def head_logits(head: ClassificationHead, vectors: Any) -> Any:
    """The head's logits, one column per class (a binary head's as ``[0, score]``), whose
    softmax is :meth:`ClassificationHead.predict_proba`."""
    import numpy as np

    scores = _normalize(vectors) @ head.coef.T + head.intercept
    if head.coef.shape[0] == 1:
        return np.column_stack([np.zeros(len(scores)), scores[:, 0]])
    return scores


def fit_temperature(logits: Any, targets: Sequence[int]) -> float:
    """The ``T`` minimising the mean negative log-likelihood of ``softmax(logits / T)``."""
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.special import log_softmax

    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(targets, dtype=np.intp)

    def nll(log_t: float) -> float:
        return float(-log_softmax(z / np.exp(log_t), axis=1)[np.arange(len(y)), y].mean())

    bound = float(np.log(BOUND))
    found = minimize_scalar(nll, bounds=(-bound, bound), method="bounded",
                            options={"xatol": 1e-4})
    return float(np.exp(found.x))


def calibrate_head(head: ClassificationHead, vectors: Any, labels: Sequence[str], *,
                   validation_size: float, seed: int) -> tuple[ClassificationHead, dict[str, Any]]:
    """``head`` (fitted on all of ``vectors``) scaled by the temperature fitted on the
    stratified ``validation_size`` share of the rows, and what was done; ``head`` as it is
    (temperature 1) when fewer than :data:`MIN_ROWS` rows can be held out."""
    import numpy as np

    rows = Dataset([str(i) for i in range(len(labels))], [str(x) for x in labels])
    fit, held_out, _ = hold_out(rows, validation_size, seed)  # the finetuners' policy
    if held_out is None or len(held_out) < MIN_ROWS:
        return head, {"temperature": 1.0, "rows": 0,
                      "note": f"fewer than {MIN_ROWS} rows to hold out: not calibrated"}
    x = np.asarray(vectors)
    with warnings.catch_warnings():  # the main fit already warned about this data, if at all
        warnings.simplefilter("ignore", UserWarning)
        probe = fit_head(x[[int(t) for t in fit.texts]], fit.labels, seed=seed)
    index = {c: i for i, c in enumerate(probe.classes)}
    targets = [index[label] for label in held_out.labels]
    temperature = fit_temperature(head_logits(probe, x[[int(t) for t in held_out.texts]]),
                                  targets)
    scaled = replace(head, coef=head.coef / temperature, intercept=head.intercept / temperature,
                     fitted_on={**dict(head.fitted_on), "temperature": temperature,
                                "calibration_rows": len(held_out)})
    return scaled, {"temperature": temperature, "rows": len(held_out)}
