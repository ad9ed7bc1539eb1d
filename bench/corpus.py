"""Re-embedding a corpus at scale: the local engine against Ray Data with 1 and 2 workers,
with the local MiniLM model and the model2vec plugin; figures go in bench/RESULTS.md and the
"Scaling out" docs page.

    python bench/corpus.py [--m2v-texts 200000] [--minilm-texts 40000]
                           [--models local,model2vec] [--rss-sizes 50000,200000] [--quick]

Per model: in-process ``Embedder.embed`` on the same texts (the reference), then
``embed_corpus`` with the local engine and with Ray (1 and 2 workers, one CPU each, on a
local Ray of this machine's cores). Each configuration runs in a fresh process, with the
cache off. Reported: texts/s, Ray's throughput against the local engine and the local
engine's against in-process ``embed``, and the peak RSS of each process (the driver by
``getrusage``; Ray's workers and daemons sampled with psutil every 0.2 s). Then the local
engine's peak RSS at two corpus sizes (model2vec), which should be the same within 10%.
Texts are distinct (CLINC150 train questions, or the shipped sample, with a number added).
Prints a Markdown table and a JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("EMBEDLAB_PROGRESS", "0")

CLINC = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "train.csv"
#: ``rayN``: N workers of one CPU each; ``rayNxC``: N workers of C CPUs each (``ray1x2``:
#: one worker with this machine's two cores, as the local engine has them); ``local-1core``:
#: the local engine on one thread (``OMP_NUM_THREADS=1``), the same share as ``ray1``.
CONFIGS = ("inprocess", "local", "ray1", "ray2", "ray1x2", "local-1core")


def make_corpus(count: int, path: Path) -> Path:
    """A Parquet file of ``count`` distinct texts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if CLINC.is_file():
        with CLINC.open(encoding="utf-8", newline="") as fh:
            base = list(dict.fromkeys(row["text"] for row in csv.DictReader(fh)))
    else:
        import embedlab

        base = list(embedlab.load_sample_dataset().texts)
    texts = [f"{base[i % len(base)]} {i // len(base)}" if i >= len(base) else base[i]
             for i in range(count)]
    pq.write_table(pa.table({"text": texts}), path, row_group_size=10_000)
    return path


def peak_rss_mb() -> float:
    """This process's peak RSS in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RaySampler(threading.Thread):
    """Samples the RSS of Ray's processes (workers, raylet, GCS) and keeps each one's peak."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        me = os.getpid()
        while not self.stop.wait(0.2):
            for proc in psutil.process_iter(["pid", "name", "cmdline", "memory_info"]):
                try:
                    cmd = " ".join(proc.info["cmdline"] or [])
                    name = proc.info["name"] or ""
                    if proc.info["pid"] == me or not ("ray::" in cmd or "ray" in name
                                                      or "raylet" in cmd or "gcs_server" in cmd):
                        continue
                    words = cmd.split()
                    if cmd.startswith("ray::"):
                        label = words[0]
                    elif name.startswith("python") and len(words) > 1:
                        label = f"python {Path(words[1]).name}"  # Ray's helper scripts
                    else:
                        label = name
                    label = label[:48]
                    rss = proc.info["memory_info"].rss / 2**20
                    old = self.peaks.get(proc.info["pid"], (label, 0.0))
                    label = label if label.startswith("ray::Map") else old[0]
                    self.peaks[proc.info["pid"]] = (label, max(old[1], rss))
                except (psutil.Error, TypeError, AttributeError):
                    continue

    def by_kind(self) -> dict[str, float]:
        """Peak RSS (MB) of the largest process of each kind."""
        kinds: dict[str, float] = {}
        for label, rss in self.peaks.values():
            kinds[label] = round(max(kinds.get(label, 0.0), rss), 1)
        return dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:8])


def child(config: str, model: str, corpus: Path, rows: int) -> dict[str, Any]:
    """Run one configuration in this (fresh) process and return its figures."""
    import embedlab

    result: dict[str, Any] = {"config": config, "model": model, "texts": rows}
    if config == "inprocess":
        import pyarrow.parquet as pq

        texts = pq.read_table(corpus).column("text").to_pylist()
        embedder = embedlab.get_embedder(model)
        embedder.embed(texts[:64], cache=False, progress=False)  # load and warm the model
        started = time.perf_counter()
        embedder.embed(texts, cache=False, progress=False)
        seconds = time.perf_counter() - started
    else:
        out = Path(tempfile.mkdtemp(prefix="corpus-bench-")) / "out"
        sampler = None
        kwargs: dict[str, Any] = {}
        if config.startswith("ray"):
            import ray

            init = time.perf_counter()
            ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
            result["ray_init_s"] = round(time.perf_counter() - init, 1)
            sampler = RaySampler()
            sampler.start()
            workers, _, cpus = config[3:].partition("x")
            kwargs = {"engine": "ray", "workers": int(workers), "num_cpus": float(cpus or 1)}
        else:
            embedlab.get_embedder(model).embed(["warm up"], cache=False, progress=False)
        started = time.perf_counter()
        summary = embedlab.embed_corpus(corpus, out, model, cache=False, progress=False,
                                        **kwargs)
        seconds = time.perf_counter() - started
        assert summary.rows == rows, (summary.rows, rows)
        if sampler is not None:
            sampler.stop.set()
            sampler.join()
            result["ray_processes_peak_rss_mb"] = sampler.by_kind()
            import ray

            ray.shutdown()
    result["seconds"] = round(seconds, 2)
    result["texts_per_s"] = round(rows / seconds, 1)
    result["driver_peak_rss_mb"] = round(peak_rss_mb(), 1)
    return result


def run_child(config: str, model: str, corpus: Path, rows: int) -> dict[str, Any]:
    """One configuration in a fresh Python process."""
    cmd = [sys.executable, __file__, "--child", config, "--model", model,
           "--corpus", str(corpus), "--rows", str(rows)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"} if config.endswith("-1core") else None
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"config": config, "model": model, "error": done.stderr[-800:]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m2v-texts", type=int, default=200_000)
    parser.add_argument("--minilm-texts", type=int, default=40_000,
                        help="MiniLM runs a few hundred texts/s on 2 cores: ~3 min a run")
    parser.add_argument("--models", default="local,model2vec")
    parser.add_argument("--rss-sizes", default="50000,200000",
                        help="corpus sizes for the local engine's peak RSS (model2vec)")
    parser.add_argument("--configs", default=",".join(CONFIGS),
                        help=f"which of {', '.join(CONFIGS)} to run")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.model, Path(args.corpus), args.rows)))
        return
    if args.quick:
        args.m2v_texts, args.minilm_texts, args.rss_sizes = 3_000, 400, "2000,6000"
    work = Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    sizes = {"local": args.minilm_texts, "model2vec": args.m2v_texts}
    results: list[dict[str, Any]] = []
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        rows = sizes.get(model, args.m2v_texts)
        corpus = make_corpus(rows, work / f"{model}-{rows}.parquet")
        for config in [c.strip() for c in args.configs.split(",") if c.strip()]:
            results.append(run_child(config, model, corpus, rows))
            print(f"# {json.dumps(results[-1])}", file=sys.stderr)
    scaling = []
    for rows in [int(s) for s in args.rss_sizes.split(",")]:
        corpus = make_corpus(rows, work / f"rss-{rows}.parquet")
        scaling.append(run_child("local", "model2vec", corpus, rows))
    by = {(r["model"], r["config"]): r for r in results if "error" not in r}
    print("| model | config | texts | texts/s | vs local engine | driver peak RSS MB | "
          "largest Ray processes (peak RSS MB) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['model']} | {r['config']} | error | | | | |")
            continue
        base = by.get((r["model"], "local"))
        ratio = f"{r['texts_per_s'] / base['texts_per_s']:.2f}" if base else ""
        workers = ", ".join(f"{k}: {v}" for k, v in
                            r.get("ray_processes_peak_rss_mb", {}).items())
        print(f"| {r['model']} | {r['config']} | {r['texts']} | {r['texts_per_s']} | {ratio} "
              f"| {r['driver_peak_rss_mb']} | {workers} |")
    print()
    print("| local engine, model2vec: texts | peak RSS MB |")
    print("|---|---|")
    for r in scaling:
        print(f"| {r.get('texts')} | {r.get('driver_peak_rss_mb', r.get('error'))} |")
    print()
    print(json.dumps({"runs": results, "rss_scaling": scaling}))


if __name__ == "__main__":
    main()
