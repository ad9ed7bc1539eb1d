"""Training an adapter head on frozen embeddings with torch: a class-aware loss, AdamW,
seeded batches, and early stopping on a validation split's loss.

Two losses: ``proxy`` (normalised-softmax: cross-entropy of cosine similarities to one
learned proxy per class) and ``supcon`` (supervised contrastive over each batch). Both act
on L2-normalised outputs, so what they reward is what cosine-similarity users get.
"""

from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .._errors import ConfigurationError, FinetuneError
from ..progress import progress_bar
from .head import HEAD_KINDS, Head, l2_normalize

if TYPE_CHECKING:
    import numpy as np
    import torch

__all__ = ["LOSSES", "TrainingResult", "TrainingSettings", "default_batch_size",
           "default_learning_rate", "train_head"]

#: Class-aware losses the trainer offers.
LOSSES: tuple[str, ...] = ("proxy", "supcon", "proxy+supcon")


@dataclass
class TrainingSettings:
    """Hyperparameters of one head training run (all recorded in the model card)."""

    head: str = "mlp"
    loss: str = "proxy+supcon"
    epochs: int = 20
    #: Rows per step (``None``: an eighth of the training rows, between 16 and 128, so a
    #: small dataset still gets several steps an epoch).
    batch_size: int | None = None
    #: AdamW step size (``None``: 1e-2 for the ``mlp`` head, 3e-3 for ``linear``).
    learning_rate: float | None = None
    weight_decay: float = 1e-4
    patience: int = 5
    seed: int = 42
    #: Hidden width of the ``mlp`` head (``None``: 128, or the input dimension if smaller).
    hidden_dim: int | None = None
    #: Softmax temperature of both losses.
    temperature: float = 0.3
    max_steps: int | None = None
    #: torch threads while training (``None``: torch's default). One is fastest for heads
    #: this small on a shared CPU; the previous setting is restored afterwards.
    threads: int | None = 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)


@dataclass
class TrainingResult:
    """The best head found and how training went."""

    head: Head
    history: list[dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0
    epochs_run: int = 0
    steps: int = 0
    stopped_early: bool = False
    seconds: float = 0.0

    def metrics(self) -> dict[str, Any]:
        """The summary that goes into the model card."""
        best = self.history[self.best_epoch - 1] if self.best_epoch else {}
        return {
            "best_epoch": self.best_epoch,
            "epochs_run": self.epochs_run,
            "steps": self.steps,
            "stopped_early": self.stopped_early,
            "train_seconds": round(self.seconds, 3),
            "train_loss": best.get("train_loss"),
            "validation_loss": best.get("validation_loss"),
            "history": self.history,
        }


class EpochTracker:
    """What both head trainers do at the end of an epoch: log its losses on the result and
    the bar, keep the best epoch (lowest validation loss, else training loss), and say when
    to stop (``patience`` epochs without improvement with a validation set, or
    ``max_steps``)."""

    def __init__(self, result: TrainingResult, settings: TrainingSettings, *,
                 has_validation: bool, bar: Any) -> None:
        self.result, self.settings, self.bar = result, settings, bar
        self.has_validation = has_validation
        self.best_loss, self.stale = float("inf"), 0

    def end_epoch(self, epoch: int, record: dict[str, float]) -> bool:
        """Record ``epoch``'s losses; True when it is the best so far (keep its weights)."""
        self.result.history.append(record)
        self.result.epochs_run = epoch
        self.bar.update(1)
        self.bar.set_postfix({k: round(v, 4) for k, v in record.items() if k != "epoch"})
        watched = record.get("validation_loss", record["train_loss"])
        if watched < self.best_loss - 1e-4:
            self.best_loss, self.stale, self.result.best_epoch = watched, 0, epoch
            return True
        self.stale += 1
        return False

    def should_stop(self) -> bool:
        """Whether training ends here: patience ran out (``stopped_early``) or max_steps."""
        if self.has_validation and self.stale >= self.settings.patience:
            self.result.stopped_early = True
            return True
        return self.settings.max_steps is not None and self.result.steps >= self.settings.max_steps


def default_learning_rate(head: str) -> float:
    """The step size that trained each head best in bench/adapter.py's measurements."""
    return 1e-2 if head == "mlp" else 3e-3


def default_batch_size(rows: int) -> int:
    """An eighth of the rows, kept between 16 and 128."""
    return max(16, min(128, rows // 8))


def _module(kind: str, dim: int, hidden: int) -> torch.nn.Module:
    """The torch twin of :class:`~embedlab.adapter.head.Head`, started at the identity."""
    import torch
    from torch import nn

    class Linear(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layer = nn.Linear(dim, dim)
            with torch.no_grad():
                self.layer.weight.copy_(torch.eye(dim))
                self.layer.bias.zero_()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return nn.functional.normalize(self.layer(x), dim=1)

        def tensors(self) -> dict[str, torch.Tensor]:
            return {"weight": self.layer.weight, "bias": self.layer.bias}

    class ResidualMLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.up = nn.Linear(dim, hidden)
            self.down = nn.Linear(hidden, dim)
            with torch.no_grad():
                self.down.weight.zero_()
                self.down.bias.zero_()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            h = nn.functional.gelu(self.up(x), approximate="tanh")
            return nn.functional.normalize(x + self.down(h), dim=1)

        def tensors(self) -> dict[str, torch.Tensor]:
            return {"up.weight": self.up.weight, "up.bias": self.up.bias,
                    "down.weight": self.down.weight, "down.bias": self.down.bias}

    return Linear() if kind == "linear" else ResidualMLP()


def _supcon(z: torch.Tensor, y: torch.Tensor, temperature: float) -> torch.Tensor | None:
    """Supervised contrastive loss (Khosla et al., 2020) over one batch; ``None`` when no
    row has a same-class partner."""
    import torch

    n = z.shape[0]
    eye = torch.eye(n, dtype=torch.bool, device=z.device)
    positives = (y[:, None] == y[None, :]) & ~eye
    counts = positives.sum(1)
    anchors = counts > 0
    if not bool(anchors.any()):
        return None
    logits = (z @ z.T / temperature).masked_fill(eye, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    pos_log_prob = log_prob.masked_fill(~positives, 0.0).sum(1)
    return -(pos_log_prob[anchors] / counts[anchors]).mean()


class _Objective:
    """The chosen loss, with the proxies it learns (for ``proxy``)."""

    def __init__(self, loss: str, x: torch.Tensor, y: torch.Tensor, n_classes: int,
                 temperature: float) -> None:
        import torch

        self.loss = loss
        self.temperature = temperature
        self.proxies: torch.nn.Parameter | None = None
        if loss in ("proxy", "proxy+supcon"):
            means = torch.zeros(n_classes, x.shape[1]).index_add_(0, y, x)
            self.proxies = torch.nn.Parameter(torch.nn.functional.normalize(means, dim=1))

    def parameters(self) -> list[torch.nn.Parameter]:
        return [self.proxies] if self.proxies is not None else []

    def __call__(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor | None:
        import torch

        if self.proxies is None:
            return _supcon(z, y, self.temperature)
        p = torch.nn.functional.normalize(self.proxies, dim=1)
        proxy = torch.nn.functional.cross_entropy(z @ p.T / self.temperature, y)
        if self.loss == "proxy":
            return proxy
        contrastive = _supcon(z, y, self.temperature)
        return proxy if contrastive is None else proxy + contrastive

    def evaluate(self, z: torch.Tensor, y: torch.Tensor) -> float:
        """Loss over a whole (validation) set, in chunks of anchors for ``supcon``."""
        import torch

        proxy = 0.0
        if self.proxies is not None:
            p = torch.nn.functional.normalize(self.proxies, dim=1)
            proxy = float(torch.nn.functional.cross_entropy(z @ p.T / self.temperature, y))
            if self.loss == "proxy":
                return proxy
        total, weight = 0.0, 0
        for start in range(0, z.shape[0], 1024):
            stop = min(start + 1024, z.shape[0])
            logits = z[start:stop] @ z.T / self.temperature
            rows = torch.arange(start, stop)
            logits[torch.arange(stop - start), rows] = float("-inf")
            log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
            positives = y[start:stop, None] == y[None, :]
            positives[torch.arange(stop - start), rows] = False
            counts = positives.sum(1)
            ok = counts > 0
            per_row = -(log_prob.masked_fill(~positives, 0.0).sum(1)[ok] / counts[ok])
            total += float(per_row.sum())
            weight += int(ok.sum())
        return proxy + (total / weight if weight else 0.0)


def train_head(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    settings: TrainingSettings | None = None,
    *,
    progress: bool | None = False,
) -> TrainingResult:
    """Train a head on base embeddings ``x_*`` with integer class ids ``y_*``.

    With a validation set, keeps the epoch with the lowest validation loss and stops after
    ``patience`` epochs without improvement; without one, runs ``epochs`` and keeps the
    epoch with the lowest training loss.
    """
    import numpy as np
    import torch

    s = settings or TrainingSettings()
    if s.head not in HEAD_KINDS:
        raise ConfigurationError(f"unknown adapter head {s.head!r}; use one of "
                                 f"{', '.join(HEAD_KINDS)}")
    if s.loss not in LOSSES:
        raise ConfigurationError(f"unknown adapter loss {s.loss!r}; use one of "
                                 f"{', '.join(LOSSES)}")
    previous_threads = torch.get_num_threads()
    if s.threads:
        torch.set_num_threads(s.threads)
    try:
        return _train(torch, np, x_train, y_train, x_val, y_val, s, progress)
    finally:
        torch.set_num_threads(previous_threads)


def _train(torch: Any, np: Any, x_train: np.ndarray, y_train: np.ndarray,
           x_val: np.ndarray | None, y_val: np.ndarray | None, s: TrainingSettings,
           progress: bool | None) -> TrainingResult:
    """The loop itself (see :func:`train_head`)."""

    started = time.perf_counter()
    torch.manual_seed(s.seed)
    generator = torch.Generator().manual_seed(s.seed)
    x = torch.from_numpy(l2_normalize(x_train))
    y = torch.from_numpy(np.asarray(y_train, dtype=np.int64))
    has_val = x_val is not None and y_val is not None and len(x_val) > 0
    xv = torch.from_numpy(l2_normalize(x_val)) if has_val else None  # type: ignore[arg-type]
    yv = torch.from_numpy(np.asarray(y_val, dtype=np.int64)) if has_val else None
    dim = int(x.shape[1])
    n_classes = int(max(int(y.max()), int(yv.max()) if yv is not None else 0)) + 1
    model = _module(s.head, dim, s.hidden_dim or min(dim, 128))
    batch_size = s.batch_size or default_batch_size(len(x))
    objective = _Objective(s.loss, x, y, n_classes, s.temperature)
    optimizer = torch.optim.AdamW(
        [{"params": list(model.parameters()), "weight_decay": s.weight_decay},
         {"params": objective.parameters(), "weight_decay": 0.0}],
        lr=s.learning_rate or default_learning_rate(s.head))

    result = TrainingResult(head=_to_head(s.head, model))
    best_state: dict[str, Any] | None = None
    bar = progress_bar(s.epochs, desc="training adapter head", unit="epoch", force=progress,
                       long_job=False)
    tracker = EpochTracker(result, s, has_validation=has_val, bar=bar)
    for epoch in range(1, s.epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        losses: list[float] = []
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            loss = objective(model(x[idx]), y[idx])
            if loss is None:
                continue
            if not bool(torch.isfinite(loss)):
                _diverged(result.steps + 1, float(loss.item()), optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            result.steps += 1
            if s.max_steps is not None and result.steps >= s.max_steps:
                break
        record = {"epoch": float(epoch),
                  "train_loss": float(np.mean(losses)) if losses else float("nan")}
        if xv is not None and yv is not None:
            model.eval()
            with torch.no_grad():
                record["validation_loss"] = objective.evaluate(model(xv), yv)
        if tracker.end_epoch(epoch, record):
            best_state = copy.deepcopy(model.state_dict())
        if tracker.should_stop():
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    result.head = _to_head(s.head, model)
    result.seconds = time.perf_counter() - started
    return result


def _diverged(step: int, loss: float, learning_rate: float) -> None:
    """Stop a run whose loss went non-finite: nothing it trained is usable or saved."""

    raise FinetuneError(
        f"adapter training diverged: the loss was {loss} at step {step} with learning rate "
        f"{learning_rate:g}; nothing was saved. Train again with a lower --learning-rate")


def _to_head(kind: str, model: Any) -> Head:
    """Copy the module's weights out as numpy arrays."""
    return Head(kind, {name: t.detach().cpu().numpy().copy()
                       for name, t in model.tensors().items()})
