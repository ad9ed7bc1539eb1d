"""Benchmarks of the adapter finetuner; figures go in bench/RESULTS.md.

Commands (run from the repository root with the project venv):

- ``python bench/adapter.py clinc``: on the shared CLINC150 subset (bench/clinc_subset.py),
  with the local all-MiniLM-L6-v2 as base: the frozen baseline, adapters (each head, each
  trainer) and the local full finetune, all scored by the same logistic-regression probe
  (test macro-F1) and cosine silhouette of the test rows, with training time. Counts the
  base embedder's requests and texts while each adapter trains, from an empty cache.
- ``python bench/adapter.py heads``: the head/trainer choice on a larger CLINC150 slice
  (50 seeded intents, 60 train rows each, their official test rows), frozen local vectors.
- ``python bench/adapter.py sweep``: the hyperparameter sweep behind the defaults (loss,
  temperature, learning rate, epochs, hidden width, head) on the shared subset and the slice.
- ``python bench/adapter.py speed``: training time of a head on 10,000 x 1,536
  class-structured random vectors (150 classes, 10% held out for early stopping).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("EMBEDLAB_PROGRESS", "0")
sys.path.insert(0, str(HERE))

#: The adapter variants compared: (label, FinetuneConfig.extra).
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("adapter mlp (torch, default)", {"trainer": "torch", "head": "mlp"}),
    ("adapter linear (torch)", {"trainer": "torch", "head": "linear"}),
    ("adapter linear (scikit-learn)", {"trainer": "scikit-learn"}),
]


def score(train_x: Any, train_y: list[str], test_x: Any, test_y: list[str]) -> dict[str, float]:
    """LR probe on train, macro-F1 on test; cosine silhouette of the test vectors."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, silhouette_score

    probe = LogisticRegression(max_iter=2000, random_state=0).fit(train_x, train_y)
    return {"f1": float(f1_score(test_y, probe.predict(test_x), average="macro")),
            "silhouette": float(silhouette_score(test_x, test_y, metric="cosine"))}


class Counter:
    """Wraps an embedder's ``embed_batch`` to count provider requests and texts."""

    def __init__(self, embedder: Any) -> None:
        self.requests = 0
        self.texts = 0
        inner = embedder.embed_batch

        def counted(texts: Any, input_type: Any) -> Any:
            self.requests += 1
            self.texts += len(texts)
            return inner(texts, input_type)

        embedder.embed_batch = counted


def clinc(full_finetune: bool = True) -> None:
    """Baseline vs adapters vs full finetune on the shared subset."""
    from clinc_subset import load_clinc_subset
    from embedlab import FinetuneConfig, get_embedder, get_finetuner

    subset = load_clinc_subset()
    train_y, test_y = list(subset.train.labels), list(subset.test.labels)
    distinct = len(set(subset.train.texts) | set(subset.validation.texts))
    print(f"subset: {len(subset.train)} train, {len(subset.validation)} validation, "
          f"{len(subset.test)} test rows, {len(subset.classes)} classes; "
          f"{distinct} distinct train+validation texts")
    rows: list[tuple[str, dict[str, float], float, str]] = []
    base = get_embedder("local")
    base_scores = score(base.embed(list(subset.train.texts), cache=False), train_y,
                        base.embed(list(subset.test.texts), cache=False), test_y)
    rows.append(("baseline (frozen all-MiniLM-L6-v2)", base_scores, 0.0, "-"))
    for label, extra in VARIANTS:
        with tempfile.TemporaryDirectory() as home:  # an empty cache for each run
            os.environ["EMBEDLAB_HOME"] = home
            embedder = get_embedder("local")
            counter = Counter(embedder)
            finetuner = get_finetuner("local", method="adapter", embedder=embedder)
            started = time.perf_counter()
            model = finetuner.finetune(subset.train, subset.validation,
                                       FinetuneConfig(progress=False, extra=extra))
            seconds = time.perf_counter() - started
            calls = f"{counter.requests} req / {counter.texts} texts"
            assert counter.texts == distinct, (counter.texts, distinct)
            custom = model.embedder()
            scores = score(custom.embed(list(subset.train.texts)), train_y,
                           custom.embed(list(subset.test.texts)), test_y)
            m = model.metrics
            print(f"{label}: {seconds:.1f}s ({m['train_seconds']:.2f}s head, "
                  f"epoch {m['best_epoch']}/{m['epochs_run']}), {calls}, {scores}")
            rows.append((label, scores, seconds, calls))
    try:
        if not full_finetune:
            raise RuntimeError("skipped (--skip-full)")
        full = get_finetuner("local", method="full")
        started = time.perf_counter()
        model = full.finetune(subset.train, subset.validation, FinetuneConfig(progress=False))
        seconds = time.perf_counter() - started
        custom = model.embedder()
        scores = score(custom.embed(list(subset.train.texts), cache=False), train_y,
                       custom.embed(list(subset.test.texts), cache=False), test_y)
        rows.append(("full finetune (local, defaults)", scores, seconds, "n/a"))
    except Exception as exc:  # report, do not hide, a missing or failing full finetuner
        print(f"full finetune unavailable: {type(exc).__name__}: {exc}")
    print("\n| model | test macro-F1 | test silhouette (cosine) | training s | base calls "
          "while training |\n|---|---:|---:|---:|---|")
    for label, s, seconds, calls in rows:
        print(f"| {label} | {s['f1']:.3f} | {s['silhouette']:.3f} | {seconds:.1f} | {calls} |")


def _slice() -> tuple[Any, ...]:
    """50 seeded CLINC150 intents, 60 train rows each (file order) and their test rows."""
    from clinc_subset import DEFAULT_ROOT, _read

    train_rows, test_rows = _read(DEFAULT_ROOT / "train.csv"), _read(DEFAULT_ROOT / "test.csv")
    intents = set(random.Random(1).sample(sorted({lab for _, lab in train_rows}), 50))
    kept: dict[str, int] = {}
    train = []
    for text, lab in train_rows:
        if lab in intents and kept.get(lab, 0) < 60:
            kept[lab] = kept.get(lab, 0) + 1
            train.append((text, lab))
    test = [(t, lab) for t, lab in test_rows if lab in intents]
    return train, test


def _frozen(rows: list[tuple[str, str]], base: Any) -> tuple[Any, list[str]]:
    """Frozen base vectors and labels of ``(text, label)`` rows."""
    return base.embed([t for t, _ in rows], cache=False), [lab for _, lab in rows]


def _fit(train: tuple[Any, list[str]], validation: tuple[Any, list[str]] | None,
         test: tuple[Any, list[str]], config: Any) -> tuple[dict[str, float], Any]:
    """Train a head on frozen vectors as the finetuner would, and score it."""
    import numpy as np
    from embedlab.adapter.finetuner import _settings, _train
    from sklearn.model_selection import train_test_split

    (x, labels), (xt, yt) = train, test
    index = {c: i for i, c in enumerate(sorted(set(labels)))}
    y = np.array([index[lab] for lab in labels])
    if validation is None:
        fit, val = train_test_split(np.arange(len(x)), test_size=0.1, stratify=y,
                                    random_state=42)
        xf, yf, xv, yv = x[fit], y[fit], x[val], y[val]
    else:
        xf, yf = x, y
        xv, yv = validation[0], np.array([index[lab] for lab in validation[1]])
    trainer, settings = _settings(config)
    result = _train(trainer, xf, yf, xv, yv, settings, False)
    return score(result.head.apply(x), labels, result.head.apply(xt), yt), result


def heads() -> None:
    """Head and trainer comparison on frozen local vectors of a larger slice."""
    from embedlab import FinetuneConfig, get_embedder

    train_rows, test_rows = _slice()
    base = get_embedder("local")
    train, test = _frozen(train_rows, base), _frozen(test_rows, base)
    print(f"slice: {len(train_rows)} train (10% held out for early stopping), "
          f"{len(test_rows)} test, 50 classes")
    print("\n| model | test macro-F1 | test silhouette (cosine) | head s | best/run epochs |")
    print("|---|---:|---:|---:|---|")
    s = score(train[0], train[1], test[0], test[1])
    print(f"| baseline | {s['f1']:.3f} | {s['silhouette']:.3f} | - | - |")
    for label, extra in VARIANTS:
        s, r = _fit(train, None, test, FinetuneConfig(extra=dict(extra)))
        print(f"| {label} | {s['f1']:.3f} | {s['silhouette']:.3f} | {r.seconds:.1f} | "
              f"{r.best_epoch}/{r.epochs_run} |", flush=True)


#: The hyperparameter sweep behind the defaults: (label, FinetuneConfig keyword arguments).
SWEEP: list[tuple[str, dict[str, Any]]] = [
    ("default (mlp, proxy+supcon, t=0.3, lr 1e-2, 20 epochs, hidden 128)", {}),
    ("temperature 0.1", {"extra": {"temperature": 0.1}}),
    ("temperature 0.5", {"extra": {"temperature": 0.5}}),
    ("loss supcon", {"extra": {"loss": "supcon"}}),
    ("loss proxy", {"extra": {"loss": "proxy"}}),
    ("lr 3e-3", {"learning_rate": 3e-3}),
    ("30 epochs", {"epochs": 30}),
    ("hidden 256", {"extra": {"hidden_dim": 256}}),
    ("linear head (lr 3e-3)", {"extra": {"head": "linear"}}),
]


def sweep() -> None:
    """Each SWEEP setting on the shared subset (its validation split) and the 50-intent slice."""
    from clinc_subset import load_clinc_subset
    from embedlab import FinetuneConfig, get_embedder

    base = get_embedder("local")
    subset = load_clinc_subset()
    sets = []
    for ds in (subset.train, subset.validation, subset.test):
        sets.append(_frozen(list(zip(ds.texts, ds.labels, strict=True)), base))
    train_rows, test_rows = _slice()
    big_train, big_test = _frozen(train_rows, base), _frozen(test_rows, base)
    print("| setting | subset F1 | subset silhouette | 50-intent F1 | 50-intent silhouette |")
    print("|---|---:|---:|---:|---:|")
    a = score(sets[0][0], sets[0][1], sets[2][0], sets[2][1])
    b = score(big_train[0], big_train[1], big_test[0], big_test[1])
    print(f"| baseline | {a['f1']:.3f} | {a['silhouette']:.3f} | {b['f1']:.3f} | "
          f"{b['silhouette']:.3f} |")
    for label, kwargs in SWEEP:
        a, _ = _fit(sets[0], sets[1], sets[2], FinetuneConfig(**kwargs))
        b, _ = _fit(big_train, None, big_test, FinetuneConfig(**kwargs))
        print(f"| {label} | {a['f1']:.3f} | {a['silhouette']:.3f} | {b['f1']:.3f} | "
              f"{b['silhouette']:.3f} |", flush=True)


def speed(rows: int, dim: int, n_classes: int) -> None:
    """Head training time on class-structured random vectors."""
    import numpy as np
    from embedlab._finetuner import FinetuneConfig
    from embedlab.adapter.finetuner import _settings, _train

    rng = np.random.default_rng(0)
    centers = rng.normal(size=(n_classes, dim)).astype(np.float32)
    y = rng.integers(0, n_classes, rows)
    x = centers[y] * 0.35 + rng.normal(size=(rows, dim)).astype(np.float32)
    cut = rows // 10
    print(f"{rows} x {dim} vectors, {n_classes} classes; {cut} held out for early stopping")
    print("\n| head | trainer | seconds | epochs (best/run) | s/epoch |\n|---|---|---:|---|---:|")
    for label, extra in VARIANTS:
        trainer, settings = _settings(FinetuneConfig(extra=dict(extra)))
        r = _train(trainer, x[cut:], y[cut:], x[:cut], y[:cut], settings, False)
        print(f"| {label} | {trainer} | {r.seconds:.1f} | {r.best_epoch}/{r.epochs_run} | "
              f"{r.seconds / r.epochs_run:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("clinc")
    p.add_argument("--skip-full", action="store_true", help="leave out the full finetune")
    sub.add_parser("heads")
    sub.add_parser("sweep")
    p = sub.add_parser("speed")
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--dim", type=int, default=1536)
    p.add_argument("--classes", type=int, default=150)
    args = parser.parse_args()
    if args.command == "clinc":
        clinc(full_finetune=not args.skip_full)
    elif args.command == "heads":
        heads()
    elif args.command == "sweep":
        sweep()
    else:
        speed(args.rows, args.dim, args.classes)


if __name__ == "__main__":
    main()
