"""``LocalFinetuner``: trains a sentence-transformers model's weights on labelled texts with
``SentenceTransformerTrainer``, a class-proxy loss and the group-by-label batch sampler, then
stacks the adapter's head trained on the finetuned vectors (``stacked_head``)."""

from __future__ import annotations

import math
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embedlab import (
    ConfigurationError,
    Dataset,
    FinetuneConfig,
    FinetuneError,
    Finetuner,
    read_card,
)

from .device import cpu_threads, pick_device
from .embedder import PROMPT_NAMES
from .estimate import measure_rates, training_estimate
from .keep import Keeper
from .loading import load_sentence_transformer
from .losses import DEFAULT_LOSS, LOSSES, PROXY_LOSSES, make_loss
from .model import LocalCustomModel, custom_model_id
from .probe import PROBE_TRAIN_ROWS, class_centroids
from .resolve import DEFAULT_MODEL, resolve_model
from .stacked_head import HEAD_EPOCHS, HEADS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = ["DEFAULTS", "EXTRA_OPTIONS", "LocalFinetuner"]

#: Defaults chosen by measurement across data sizes (bench/finetune_sweep.py, RESULTS.md):
#: epochs are sized so small sets still get ~``target_steps`` updates, large sets a few passes.
DEFAULTS: dict[str, Any] = {
    "loss": DEFAULT_LOSS,
    "batch_size": 32,
    "learning_rate": 3e-4,
    "proxy_learning_rate": 1e-2,
    "warmup_ratio": 0.1,
    "target_steps": 40,
    "max_epochs": 20,
    "patience": 3,
    "head": "mlp",
}
#: Keys ``FinetuneConfig.extra`` may hold for this finetuner.
EXTRA_OPTIONS = frozenset({"loss", "margin", "distance", "scale", "contrastive_weight",
                           "temperature", "proxy_learning_rate", "warmup_ratio",
                           "target_steps", "max_epochs", "head", "head_epochs"})
#: Rows a class that seed its proxy (the base model's centroid of at most this many rows).
CENTROID_ROWS = 32


class LocalFinetuner(Finetuner):
    """Full finetuning of a local sentence-transformers model."""

    provider = "local"
    method = "full"

    def __init__(self, provider: str = "local", base_model: str | None = None, *,
                 device: str | None = None) -> None:
        if provider != "local":
            raise ConfigurationError(f"the local finetuner trains local models, not {provider!r}")
        self.base_model = base_model or DEFAULT_MODEL
        self.device = device

    def __repr__(self) -> str:
        return f"<LocalFinetuner full over local:{self.base_model}>"

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _check(train: Dataset, what: str) -> None:
        counts = Counter(train.labels)
        usable = [label for label, n in counts.items() if n >= 2]
        if len(usable) < 2:
            raise FinetuneError(
                f"{train.source or train.name}: the {what} set needs at least two classes with "
                f"two or more rows each to form triplets (it has {len(counts)} classes, "
                f"{len(usable)} with 2+ rows); add rows or classes")
        empty = [row for row, text in zip(train.rows, train.texts, strict=True) if not text.strip()]
        if empty:
            raise FinetuneError(
                f"{train.source or train.name}: row {empty[0]} has empty text "
                f"({len(empty)} such rows); remove them or run Dataset.validate() first")

    @staticmethod
    def _settings(config: FinetuneConfig, train_rows: int) -> dict[str, Any]:
        """The hyperparameters this run uses: the config where set, else DEFAULTS."""
        extra = dict(config.extra)
        unknown = sorted(set(extra) - EXTRA_OPTIONS)
        if unknown:
            raise ConfigurationError(
                f"unknown local finetuner option(s) {unknown} in FinetuneConfig.extra; "
                f"known: {sorted(EXTRA_OPTIONS)}")
        loss = extra.get("loss", DEFAULTS["loss"])
        if loss not in LOSSES:
            raise ConfigurationError(
                f"unknown loss {loss!r} for the local finetuner; use one of {sorted(LOSSES)} "
                "(FinetuneConfig(extra={'loss': ...}))")
        head = extra.get("head", DEFAULTS["head"])
        if head not in HEADS:
            raise ConfigurationError(
                f"unknown head {head!r} for the local finetuner; use one of {list(HEADS)} "
                "(FinetuneConfig(extra={'head': ...}); 'none' keeps the finetuned encoder alone)")
        batch = config.batch_size or DEFAULTS["batch_size"]
        batch = max(4, min(batch, train_rows))
        batch -= batch % 2  # the group-by-label sampler needs an even batch
        steps_per_epoch = max(1, math.ceil(train_rows / batch))
        target_steps = int(extra.get("target_steps", DEFAULTS["target_steps"]))
        max_epochs = int(extra.get("max_epochs", DEFAULTS["max_epochs"]))
        epochs = config.epochs or max(1, min(max_epochs,
                                             math.ceil(target_steps / steps_per_epoch)))
        return {
            "loss": loss,
            "head": head,
            "head_epochs": int(extra.get("head_epochs", HEAD_EPOCHS)) if head != "none" else None,
            "loss_options": {k: extra[k] for k in ("margin", "distance", "scale",
                                                   "contrastive_weight", "temperature")
                             if k in extra},
            "proxy_learning_rate": float(extra.get("proxy_learning_rate",
                                                   DEFAULTS["proxy_learning_rate"])),
            "batch_size": batch,
            "learning_rate": config.learning_rate or DEFAULTS["learning_rate"],
            "epochs": epochs,
            "max_steps": config.max_steps,
            "warmup_ratio": float(extra.get("warmup_ratio", DEFAULTS["warmup_ratio"])),
            "patience": config.patience or DEFAULTS["patience"],
            "seed": config.seed,
            "input_type": config.input_type,
            "time_budget": config.time_budget,
            "keep": config.keep,
        }

    # --- the interface -------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        """The base model and the revision of its weights (resolving hashes no weights twice)."""
        base = resolve_model(self.base_model)
        return {"base": base.name, "revision": base.revision}

    def estimate(self, train: Dataset, validation: Dataset | None = None,
                 config: FinetuneConfig | None = None) -> dict[str, Any]:
        """Training time on this machine: the steps this run takes, at the rate measured on a
        few real training steps, plus each epoch's validation probe (an upper bound: early
        stopping may end sooner)."""

        config = config or FinetuneConfig()
        fit, held_out, _ = config.validation_split(train, validation)
        settings = self._settings(config, len(fit))
        per_epoch = max(1, math.ceil(len(fit) / settings["batch_size"]))
        steps = settings["max_steps"] or settings["epochs"] * per_epoch
        rates = measure_rates(resolve_model(self.base_model).path, pick_device(self.device),
                              fit.texts, settings["batch_size"], settings["seed"])
        probe = min(len(fit), PROBE_TRAIN_ROWS) + (len(held_out) if held_out else 0)
        return training_estimate(steps, math.ceil(steps / per_epoch), probe, rates)

    def finetune(self, train: Dataset, validation: Dataset | None = None,
                 config: FinetuneConfig | None = None) -> LocalCustomModel:
        """Train on ``train``, early-stopping on ``validation`` (or a held-out split)."""
        config = config or FinetuneConfig()
        self._check(train, "training")
        fit, held_out, _ = config.validation_split(train, validation)
        self._check(fit, "training")
        settings = self._settings(config, len(fit))
        base = resolve_model(self.base_model)
        started = time.perf_counter()
        model, probe, head = self._train(base.path, fit, held_out, settings, config.progress)
        hyper = {k: v for k, v in settings.items()}
        hyper["validation_fingerprint"] = held_out.fingerprint if held_out is not None else None
        model_id = custom_model_id(base.revision, train.fingerprint, hyper)
        best = next((h for h in probe.history if h["epoch"] == probe.best_epoch),
                    probe.history[-1])
        final = head.pop("validation", None) or best
        keep = head.pop("keep")
        metrics = {
            "history": probe.history,
            "best_epoch": probe.best_epoch,
            "stopped_early": probe.stopped_early,
            "stop_reason": probe.stop_reason,
            "final": {k: v for k, v in final.items() if k not in ("epoch", "step")},
            "encoder_final": {k: v for k, v in best.items() if k not in ("epoch", "step")},
            "head": head or None,
            "keep": keep,
            "train_rows": len(fit),
            "validation_rows": len(held_out) if held_out is not None else 0,
            "train_seconds": round(time.perf_counter() - started, 2),
        }
        return LocalCustomModel(id=model_id, base_model=base.name, base_revision=base.revision,
                                dataset_fingerprint=train.fingerprint, hyperparameters=hyper,
                                metrics=metrics, model=model)

    def _train(self, base_path: Path, fit: Dataset, held_out: Dataset | None,
               settings: dict[str, Any], progress: bool | None
               ) -> tuple[SentenceTransformer, Any, dict[str, Any]]:
        import datasets
        import torch
        import transformers
        from sentence_transformers import (
            SentenceTransformerTrainer,
            SentenceTransformerTrainingArguments,
        )
        from sentence_transformers.base.sampler import BatchSamplers

        from .training import EpochProbe

        device = pick_device(self.device)
        if device == "cpu":
            torch.set_num_threads(cpu_threads())
        transformers.set_seed(settings["seed"])
        model = load_sentence_transformer(base_path, device)
        prompts = getattr(model, "prompts", None) or {}
        prompt = next((prompts[n] for n in PROMPT_NAMES.get(settings["input_type"] or "", ())
                       if prompts.get(n)), None)
        classes = sorted(set(fit.labels))
        index = {label: i for i, label in enumerate(classes)}
        data = datasets.Dataset.from_dict(
            {"text": list(fit.texts), "label": [index[x] for x in fit.labels]})
        loss_options = dict(settings["loss_options"])
        lr_mapping: dict[str, float] = {}
        if settings["loss"] in PROXY_LOSSES:
            loss_options["centroids"] = class_centroids(
                model, fit.texts, fit.labels, classes, prompt=prompt, seed=settings["seed"])
            lr_mapping = {r"^proxies$": settings["proxy_learning_rate"]}
        loss = make_loss(settings["loss"], model, loss_options)
        keeper = Keeper(model, fit, held_out, prompt, settings)
        # No model card is written (save(create_model_card=False)); a widget given here
        # skips sentence-transformers' own "Computing widget examples" progress bar.
        card_data = getattr(model, "model_card_data", None)
        if card_data is not None and not getattr(card_data, "widget", None):
            card_data.widget = [{"text": fit.texts[0]}]
        with tempfile.TemporaryDirectory(prefix="embedlab-local-train-") as scratch:
            probe = EpochProbe(
                model, (fit.texts, fit.labels),
                (held_out.texts, held_out.labels) if held_out is not None else None,
                patience=settings["patience"], batch_size=settings["batch_size"],
                prompt=prompt, progress=progress, seed=settings["seed"], scratch=Path(scratch),
                time_budget=settings["time_budget"])
            probe.baseline()
            args = SentenceTransformerTrainingArguments(
                output_dir=scratch,
                num_train_epochs=settings["epochs"],
                max_steps=settings["max_steps"] or -1,
                per_device_train_batch_size=settings["batch_size"],
                learning_rate=settings["learning_rate"],
                warmup_steps=settings["warmup_ratio"],  # a float below 1 is a ratio
                batch_sampler=BatchSamplers.GROUP_BY_LABEL,
                seed=settings["seed"],
                data_seed=settings["seed"],
                logging_strategy="steps",
                logging_steps=1,
                save_strategy="no",
                eval_strategy="no",
                report_to="none",
                disable_tqdm=True,
                use_cpu=device == "cpu",
                dataloader_num_workers=0,
                prompts=prompt,
                learning_rate_mapping=lr_mapping,
            )
            trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=data,
                                                 loss=loss, callbacks=[probe])
            for noisy in (transformers.PrinterCallback, transformers.ProgressCallback):
                trainer.remove_callback(noisy)
            try:
                trainer.train()
            except (RuntimeError, ValueError) as exc:
                raise FinetuneError(f"local finetuning of {self.base_model} failed: {exc}") \
                    from exc
            if probe.diverged is not None:
                raise FinetuneError(
                    f"local finetuning of {self.base_model} diverged: {probe.diverged}; "
                    "nothing was saved. Lower the learning rate (--learning-rate) and try again")
            probe.restore_best()
            del trainer  # drop the optimizer state before the model is handed back
            keeper.blend_encoder(self.base_model)
            head: dict[str, Any] = {}
            if settings["head"] != "none":
                head = keeper.stack_head(fit, held_out, progress)
            if settings["head"] != "none" or keeper.encoder.blend != 1:
                scores = probe.scores(probe.history[-1]["step"])  # the model handed back
                if probe.diverged is not None:
                    raise FinetuneError(
                        f"local finetuning of {self.base_model}: the stacked head "
                        f"diverged ({probe.diverged}); train with extra={{'head': 'none'}}")
                if scores:
                    head["validation"] = scores
        model.eval()
        head["keep"] = keeper.record()
        return model, probe, head

    def load(self, path: str | Path) -> LocalCustomModel:
        """The custom model saved in ``path`` (its weights load when first embedded with)."""
        directory = Path(path).expanduser()
        card = read_card(directory)
        if card.get("provider") != "local" or card.get("method") != "full":
            raise FinetuneError(
                f"{directory}: saved by the {card.get('provider')}/{card.get('method')} "
                "finetuner, not local/full; load it with embedlab.load_custom_model")
        return LocalCustomModel.from_card(card, directory)

