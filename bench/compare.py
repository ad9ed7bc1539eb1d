"""Time the README's first command: ``embedlab compare --provider local --out DIR`` on the
shipped sample, in a fresh process with an empty embedding cache, and report its wall time,
peak memory (max RSS of the child) and the per-step timings from ``report.json``.

Usage: ``.venv/bin/python bench/compare.py [--runs N] [--keep DIR] [-- extra compare args]``

``--joint`` (issue 12): local full + local adapter + model2vec adapter in one run
(``-p local -p model2vec -m full -m adapter``) against the three single runs, each cold:
wall time, and the provider calls and texts each spent (from ``report.json``'s
``candidates``). The joint run should cost less than the sum of the singles and embed each
baseline once. ``--quick`` is a smoke run (a few training steps, PCA maps).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMBEDLAB = ROOT / ".venv" / "bin" / "embedlab"


def run_once(extra: list[str], keep: Path | None,
             candidates: list[str] | None = None) -> dict[str, object]:
    """One cold run (fresh EMBEDLAB_HOME, so nothing is cached); returns its measurements."""
    with tempfile.TemporaryDirectory(prefix="embedlab-bench-") as tmp:
        out = keep or Path(tmp) / "run"
        if keep is not None and keep.exists():
            shutil.rmtree(keep)
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "EMBEDLAB_HOME": str(Path(tmp) / "home"),
               "EMBEDLAB_PROGRESS": "0"}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        chosen = candidates if candidates is not None else ["--provider", "local"]
        proc = subprocess.run([str(EMBEDLAB), "compare", *chosen, "--out",
                               str(out), *extra], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"compare failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        return {
            "wall_s": round(wall, 1),
            "cpu_s": round((after.ru_utime - before.ru_utime)
                           + (after.ru_stime - before.ru_stime), 1),
            # ru_maxrss is in KiB on Linux: the largest child so far (ours is the only one).
            "peak_rss_mib": round(after.ru_maxrss / 1024),
            "timings": report["timings"],
            "baseline": {k: report["metrics"]["baseline"][k]
                         for k in ("accuracy", "f1_macro", "knn_accuracy", "silhouette")},
            "custom": {k: report["metrics"]["custom"][k]
                       for k in ("accuracy", "f1_macro", "knn_accuracy", "silhouette")},
            "training": report["custom_model"].get("training_metrics", {}),
            "candidates": [{
                "candidate": f"{c['baseline_model']} · {c['method']}", "status": c["status"],
                "train_s": c["timings"].get("finetune"),
                "calls": c["embedding_calls"], "texts": c["texts_sent"]}
                for c in report.get("candidates", [])],
            # Each provider's baseline counted once, however many candidates use it.
            "provider_calls": sum(c["embedding_calls"] for c in report.get("candidates", []))
            + sum({c["baseline_model"]: c["baseline_embedding_calls"]
                   for c in report.get("candidates", [])}.values()),
            "texts_sent": sum(c["texts_sent"] for c in report.get("candidates", []))
            + sum({c["baseline_model"]: c["baseline_texts_sent"]
                   for c in report.get("candidates", [])}.values()),
        }


#: The three candidates of the joint benchmark, as single runs.
SINGLES = (["-p", "local", "-m", "full"], ["-p", "local", "-m", "adapter"],
           ["-p", "model2vec", "-m", "adapter"])


def joint(extra: list[str]) -> dict[str, object]:
    """The three candidates in one run against the three single runs (all cold)."""
    together = run_once(extra, None, ["-p", "local", "-p", "model2vec", "-m", "full",
                                      "-m", "adapter"])
    singles = [run_once(extra, None, args) for args in SINGLES]
    total = {key: round(sum(float(s[key]) for s in singles), 1)  # type: ignore[arg-type]
             for key in ("wall_s", "cpu_s", "provider_calls", "texts_sent")}
    return {"joint": {k: together[k] for k in ("wall_s", "cpu_s", "provider_calls",
                                              "texts_sent", "candidates")},
            "singles": [{k: s[k] for k in ("wall_s", "provider_calls", "texts_sent",
                                           "candidates")} for s in singles],
            "singles_total": total,
            "joint_cheaper": float(together["wall_s"]) < total["wall_s"]}  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the report here instead of a temporary directory")
    parser.add_argument("--joint", action="store_true",
                        help="local full + local adapter + model2vec adapter in one run "
                             "against the three single runs")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 training steps, PCA maps")
    args, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    if args.quick:
        extra = ["--max-steps", "3", "--projection", "pca", *extra]
    if args.joint:
        load = os.getloadavg()
        print(json.dumps({"load_average_before": round(load[0], 1), **joint(extra)},
                         indent=2))
        return
    load = os.getloadavg()
    print(f"cpus {os.cpu_count()}, load average before {load[0]:.1f}", file=sys.stderr)
    results = [run_once(extra, args.keep) for _ in range(args.runs)]
    print(json.dumps({"load_average_before": round(load[0], 1), "runs": results}, indent=2))


if __name__ == "__main__":
    main()
