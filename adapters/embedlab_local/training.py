"""The callback that watches local training: a tqdm bar over the steps, the mean loss of
each epoch, a validation probe after each epoch, early stopping on its macro-F1, a time
budget, and a stop when the loss stops being a finite number."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab.progress import progress_bar
from transformers import TrainerCallback

from .probe import PROBE_TRAIN_ROWS, probe_scores, stratified_cap

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import TrainerControl, TrainerState, TrainingArguments

__all__ = ["EpochProbe"]


class EpochProbe(TrainerCallback):
    """Records per-epoch loss and validation probe scores; stops after ``patience`` epochs
    without a better score (macro-F1 plus a little silhouette, see ``probe_scores``), once
    ``time_budget`` seconds have passed, or on a non-finite loss, and keeps the best epoch's
    weights to restore at the end."""

    def __init__(self, model: SentenceTransformer, train: tuple[Sequence[str], Sequence[str]],
                 validation: tuple[Sequence[str], Sequence[str]] | None, *, patience: int,
                 batch_size: int, prompt: str | None, progress: bool | None, seed: int,
                 scratch: Path | None = None, time_budget: float | None = None) -> None:
        self.model = model
        self.started = time.perf_counter()
        self.time_budget = time_budget
        keep = stratified_cap(train[1], PROBE_TRAIN_ROWS, seed)
        self.train_texts = [train[0][i] for i in keep]
        self.train_labels = [train[1][i] for i in keep]
        self.validation = validation
        self.patience = patience
        self.batch_size = batch_size
        self.prompt = prompt
        self.progress = progress
        self.seed = seed
        self.history: list[dict[str, Any]] = []
        self.best_epoch: int | None = None
        self.best_score = -math.inf
        #: Where the best epoch's weights are kept: a file in ``scratch`` (so they do not add
        #: a second copy of the model to peak memory), or memory when there is no scratch.
        self.scratch = scratch
        self.best_state: dict[str, torch.Tensor] | Path | None = None
        self.stopped_early = False
        #: Why training ended before its last epoch: ``"patience"`` or ``"time_budget"``.
        self.stop_reason: str | None = None
        #: What went non-finite and when (the loss or the embeddings); training stops there.
        self.diverged: str | None = None
        self._losses: list[float] = []
        self._bar: Any = None
        self._epoch = 0

    # --- probe ---------------------------------------------------------------------------
    def _embed(self, texts: Sequence[str]) -> Any:
        was_training = self.model.training
        self.model.eval()
        try:
            return self.model.encode(list(texts), prompt=self.prompt, batch_size=64,
                                     show_progress_bar=False, convert_to_numpy=True,
                                     normalize_embeddings=True)
        finally:
            if was_training:
                self.model.train()

    def scores(self, step: int = 0) -> dict[str, float]:
        """Validation scores of a probe on the model as it is now; none (and ``diverged``
        set) when its embeddings are no longer finite numbers."""
        import numpy as np

        if self.validation is None:  # nothing to score, but a NaN model must not be saved
            if not np.isfinite(self._embed(self.train_texts[:16])).all():
                self.diverged = f"the model's embeddings became NaN by step {step}"
            return {}
        train, validation = self._embed(self.train_texts), self._embed(self.validation[0])
        if not (np.isfinite(train).all() and np.isfinite(validation).all()):
            self.diverged = f"the model's embeddings became NaN by step {step}"
            return {}
        found = probe_scores(train, self.train_labels, validation, self.validation[1],
                             self.seed)
        return {f"val_{k}": v for k, v in found.items()}

    def baseline(self) -> None:
        """Score the untrained model: epoch 0 of the history."""
        self.history.append({"epoch": 0, "step": 0, "loss": None, **self.scores()})

    # --- trainer events ------------------------------------------------------------------
    def on_train_begin(self, args: TrainingArguments, state: TrainerState,
                       control: TrainerControl, **kwargs: Any) -> None:

        # One bar for the whole training (every epoch), whose ETA averages over the run so
        # far (smoothing 0), so the validation probe after each epoch is in it too.
        self._bar = progress_bar(state.max_steps, desc="finetune local", unit="step",
                                 force=self.progress)
        self._bar.smoothing = 0

    def on_log(self, args: TrainingArguments, state: TrainerState, control: TrainerControl,
               logs: dict[str, float] | None = None, **kwargs: Any) -> None:
        if logs and "loss" in logs:
            loss = float(logs["loss"])
            if not math.isfinite(loss) and self.diverged is None:
                self.diverged = f"the training loss became {loss} at step {state.global_step}"
                control.should_training_stop = True
            self._losses.append(loss)

    def on_step_end(self, args: TrainingArguments, state: TrainerState,
                    control: TrainerControl, **kwargs: Any) -> None:
        if self._bar is not None:
            self._bar.update(1)
        if (self.time_budget is not None and not self.stopped_early
                and time.perf_counter() - self.started >= self.time_budget):
            self.stopped_early, self.stop_reason = True, "time_budget"
            control.should_training_stop = True

    def on_epoch_end(self, args: TrainingArguments, state: TrainerState,
                     control: TrainerControl, **kwargs: Any) -> None:
        if self.diverged is not None:
            return  # nothing to probe: the finetuner reports it
        self.end_epoch(state.global_step)
        if self.stopped_early or self.diverged is not None:
            control.should_training_stop = True

    def on_train_end(self, args: TrainingArguments, state: TrainerState,
                     control: TrainerControl, **kwargs: Any) -> None:
        if self.diverged is None and (
                not self.history or self.history[-1]["step"] != state.global_step):
            self.end_epoch(state.global_step)  # max_steps or the budget ended an epoch early
        if self._bar is not None:
            self._bar.close()

    def end_epoch(self, step: int) -> None:
        """Record the epoch just finished and decide whether to stop."""
        self._epoch += 1
        loss = sum(self._losses) / len(self._losses) if self._losses else None
        self._losses = []
        entry: dict[str, Any] = {"epoch": self._epoch, "step": step, "loss": loss,
                                 **self.scores(step)}
        if self.diverged is not None:
            return
        self.history.append(entry)
        if self._bar is not None:
            shown = {k: round(v, 4) for k, v in entry.items()
                     if k in ("loss", "val_macro_f1", "val_silhouette") and v is not None}
            self._bar.set_postfix(shown)
        score = entry.get("val_score")
        if score is None:  # no validation: the last epoch is the model
            self.best_epoch = self._epoch
            return
        if score > self.best_score:
            self.best_score = score
            self.best_epoch = self._epoch
            self._keep_best()
        elif self._epoch - (self.best_epoch or 0) >= self.patience and not self.stopped_early:
            self.stopped_early, self.stop_reason = True, "patience"

    def _keep_best(self) -> None:
        """Keep the current weights as the best so far."""
        state = self.model.state_dict()
        if self.scratch is None:
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in state.items()}
            return
        import torch

        path = self.scratch / "best-epoch.pt"
        torch.save(state, path)
        self.best_state = path

    def restore_best(self) -> bool:
        """Load the best epoch's weights back if a later epoch was worse; True if it did."""
        if self.best_state is None or self.best_epoch == self._epoch:
            return False
        if isinstance(self.best_state, Path):
            import torch

            state = torch.load(self.best_state, map_location="cpu", weights_only=True)
        else:
            state = copy.copy(self.best_state)
        self.model.load_state_dict(state)
        return True
