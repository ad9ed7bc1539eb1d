"""How long a local full finetune will take on this machine, measured rather than guessed:
a few training steps (forward, backward, optimizer step on real batches of the data) and one
probe's embedding are timed, then scaled by the run's step count and epochs. Used by
``compare --dry-run`` (:meth:`LocalFinetuner.estimate`); it loads the model, trains nothing
that is kept."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .device import cpu_threads
from .loading import load_sentence_transformer

__all__ = ["MEASURED_STEPS", "measure_rates", "training_estimate"]

#: Training steps timed (after one warm-up step).
MEASURED_STEPS = 3
#: Texts embedded to time the per-epoch validation probe.
_PROBE_SAMPLE = 64


def measure_rates(base_path: Path, device: str, texts: Sequence[str], batch_size: int,
                  seed: int) -> dict[str, float]:
    """Seconds per training step (batches of ``batch_size`` of ``texts``) and seconds per
    text embedded, measured on a throwaway copy of the model at ``base_path``."""
    import torch

    if device == "cpu":
        torch.set_num_threads(cpu_threads())
    torch.manual_seed(seed)
    model = load_sentence_transformer(base_path, device)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    pool = list(texts) or ["text"]
    batches = [[pool[(i * batch_size + j) % len(pool)] for j in range(batch_size)]
               for i in range(MEASURED_STEPS + 1)]
    started = 0.0
    for n, batch in enumerate(batches):
        if n == 1:  # the first step warms up (allocations, kernels): not timed
            started = time.perf_counter()
        features = model.tokenize(batch)
        features = {k: v.to(model.device) if hasattr(v, "to") else v for k, v in features.items()}
        vectors = model(features)["sentence_embedding"]
        # A pairwise loss like the finetuner's: its cost is the encoder's forward and backward.
        loss = torch.cdist(vectors, vectors).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    per_step = (time.perf_counter() - started) / MEASURED_STEPS
    model.eval()
    sample = pool[:_PROBE_SAMPLE]
    started = time.perf_counter()
    model.encode(sample, batch_size=64, show_progress_bar=False)
    per_text = (time.perf_counter() - started) / len(sample)
    return {"seconds_per_step": per_step, "seconds_per_text": per_text}


def training_estimate(steps: int, epochs: int, probe_texts: int,
                      rates: dict[str, float]) -> dict[str, Any]:
    """The estimate: ``steps`` at the measured rate plus one probe (``probe_texts`` embedded)
    per epoch; an upper bound, as early stopping may end sooner."""
    seconds = steps * rates["seconds_per_step"] + epochs * probe_texts * rates["seconds_per_text"]
    return {"steps": steps, "epochs": epochs,
            "seconds_per_step": round(rates["seconds_per_step"], 4),
            "probe_texts_per_epoch": probe_texts, "seconds": round(seconds, 1),
            "measured_on": f"{MEASURED_STEPS} training steps on this machine"}
