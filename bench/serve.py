"""``embedlab serve`` against in-process ``embed`` on the same model; figures go in
bench/RESULTS.md.

- In process: ``embed(texts, cache=False)`` on all of a round's texts in one call (the
  target's reference), and in calls of 32 one after another.
- Served: ``embedlab serve --no-cache`` in its own process on 127.0.0.1 (an ephemeral port),
  called by the official ``openai`` client (``AsyncOpenAI``, base64 answers as the SDK asks
  by default) from 1, 4 and 16 concurrent clients, each sending batches of 32 texts until
  the round's texts are used up.
- Latency: single-text requests, one at a time, p50/p99, beside in-process ``embed([text])``.

Every text in a round is distinct (the pipeline embeds a repeated text once, which would
flatter batching). Target: at 16 clients, served throughput >= 0.8 of in-process.

    python bench/serve.py            # full size: a few minutes on an idle 2-core CPU
    python bench/serve.py --quick    # smoke run
    python bench/serve.py --format markdown
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# bench/openai.py would shadow the openai SDK: keep this script's folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150"
CLIENTS = (1, 4, 16)
BATCH = 32


def text_pool(count: int) -> list[str]:
    """``count`` distinct short texts: CLINC150's train queries where present, else the
    shipped sample's, made distinct with a suffix where there are too few."""
    import csv

    texts: list[str] = []
    path = SHARED / "train.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            texts = [row["text"] for row in csv.DictReader(fh)]
    else:
        import embedlab

        texts = list(embedlab.load_sample_dataset().texts)
    texts = list(dict.fromkeys(t for t in texts if t.strip()))
    out = texts[:count]
    round_ = 1
    while len(out) < count:
        out += [f"{t} ({round_})" for t in texts[: count - len(out)]]
        round_ += 1
    return out


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest-rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def in_process(model: str, rounds: list[list[str]], singles: list[str]) -> dict[str, Any]:
    """Throughput of one ``embed`` call and of 32-text calls, and single-text latency."""
    import embedlab

    embedder = embedlab.get_embedder(model)
    embedder.embed(["warm-up"], cache=False, progress=False)
    whole, batched = [], []
    for texts in rounds:
        start = time.perf_counter()
        embedder.embed(texts, cache=False, progress=False)
        whole.append(len(texts) / (time.perf_counter() - start))
    for texts in rounds:
        start = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            embedder.embed(texts[i:i + BATCH], cache=False, progress=False)
        batched.append(len(texts) / (time.perf_counter() - start))
    latencies = []
    for text in singles:
        start = time.perf_counter()
        embedder.embed([text], cache=False, progress=False)
        latencies.append((time.perf_counter() - start) * 1000)
    return {"one_call_texts_per_s": statistics.median(whole),
            "batches_of_32_texts_per_s": statistics.median(batched),
            "single_p50_ms": percentile(latencies, 0.5),
            "single_p99_ms": percentile(latencies, 0.99)}


@contextmanager
def server(model: str) -> Iterator[tuple[str, int]]:
    """``embedlab serve`` in its own process on 127.0.0.1; yields its ``/v1`` URL and pid."""
    command = [sys.executable, "-m", "embedlab", "serve", "--model", model, "--host",
               "127.0.0.1", "--port", "0", "--no-cache", "--log-level", "warning"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "EMBEDLAB_PROGRESS": "0"})
    found: list[str] = []
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            match = re.search(r" at (http://\S+/v1) ", line)
            if match:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        ready.wait(timeout=300)
        if not found:
            raise RuntimeError("embedlab serve did not start:\n" + "".join(lines[-20:]))
        yield found[0], proc.pid
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds the process has used so far."""
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


async def _clients(url: str, model: str, texts: list[str], clients: int) -> float:
    """Texts a second when ``clients`` clients share ``texts`` in batches of 32."""
    import openai

    batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
    queue: asyncio.Queue[list[str]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    async with openai.AsyncOpenAI(base_url=url, api_key="unused", max_retries=0,
                                  timeout=120) as client:

        async def worker() -> None:
            while True:
                try:
                    batch = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                answer = await client.embeddings.create(model=model, input=batch)
                assert len(answer.data) == len(batch)

        start = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(clients)])
        return len(texts) / (time.perf_counter() - start)


async def _latency(url: str, model: str, singles: list[str]) -> list[float]:
    import openai

    out = []
    async with openai.AsyncOpenAI(base_url=url, api_key="unused", max_retries=0) as client:
        for text in singles:
            start = time.perf_counter()
            await client.embeddings.create(model=model, input=text)
            out.append((time.perf_counter() - start) * 1000)
    return out


def served(model: str, rounds: list[list[str]], warm: list[str],
           singles: list[str]) -> dict[str, Any]:
    """Throughput at each client count (median over rounds) and single-text latency."""
    result: dict[str, Any] = {}
    with server(model) as (url, pid):
        asyncio.run(_clients(url, model, warm, 4))  # connections and the first batches
        for clients in CLIENTS:
            rates = []
            client_cpu = server_cpu = 0.0
            for texts in rounds:
                mine, theirs = time.process_time(), _cpu_seconds(pid)
                rates.append(asyncio.run(_clients(url, model, texts, clients)))
                client_cpu += time.process_time() - mine
                server_cpu += _cpu_seconds(pid) - theirs
            result[f"clients_{clients}_texts_per_s"] = statistics.median(rates)
            # CPU seconds per 1,000 texts: the benchmark's clients share this machine's
            # cores with the server, so their cost is part of what the table shows.
            total = sum(len(t) for t in rounds) / 1000
            result[f"clients_{clients}_client_cpu_s_per_1k"] = round(client_cpu / total, 3)
            result[f"clients_{clients}_server_cpu_s_per_1k"] = round(server_cpu / total, 3)
        latencies = asyncio.run(_latency(url, model, singles))
    result["single_p50_ms"] = percentile(latencies, 0.5)
    result["single_p99_ms"] = percentile(latencies, 0.99)
    return result


def markdown(report: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    local, remote = report["in_process"], report["served"]
    reference = local["one_call_texts_per_s"]
    rows = ["| | texts/s | vs in-process | p50 ms | p99 ms |", "|---|---:|---:|---:|---:|",
            f"| in-process, one call | {reference:.0f} | 1.00 | | |",
            f"| in-process, calls of 32 | {local['batches_of_32_texts_per_s']:.0f} | "
            f"{local['batches_of_32_texts_per_s'] / reference:.2f} | | |"]
    for clients in CLIENTS:
        rate = remote[f"clients_{clients}_texts_per_s"]
        rows.append(f"| served, {clients} client{'s' if clients > 1 else ''} x 32 | "
                    f"{rate:.0f} | {rate / reference:.2f} | | |")
    cpu = ["", "| clients | client CPU s / 1k texts | server CPU s / 1k texts |",
           "|---:|---:|---:|"]
    cpu += [f"| {c} | {remote[f'clients_{c}_client_cpu_s_per_1k']:.2f} | "
            f"{remote[f'clients_{c}_server_cpu_s_per_1k']:.2f} |" for c in CLIENTS]
    rows.append(f"| in-process, single text | | | {local['single_p50_ms']:.1f} | "
                f"{local['single_p99_ms']:.1f} |")
    rows.append(f"| served, single text | | | {remote['single_p50_ms']:.1f} | "
                f"{remote['single_p99_ms']:.1f} |")
    return (f"Model {report['model']}, {report['texts_per_round']} distinct texts a round, "
            f"median of {report['rounds']} rounds.\n\n" + "\n".join(rows + cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="local:all-MiniLM-L6-v2",
                        help="any name embedlab serve takes (default: the local model)")
    parser.add_argument("--texts", type=int, default=2048, help="distinct texts a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--singles", type=int, default=200,
                        help="single-text requests for the latency figures")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small sizes")
    parser.add_argument("--format", choices=["json", "markdown"], default="json")
    args = parser.parse_args()
    if args.quick:
        args.texts, args.rounds, args.singles = 128, 1, 10
    pool = text_pool(args.texts * (2 * args.rounds + 1) + BATCH * 8 + args.singles)
    # Fresh texts for every measurement, so nothing is embedded twice.
    take = iter(range(0, len(pool), args.texts))
    local_rounds = [pool[i:i + args.texts] for i in (next(take) for _ in range(args.rounds))]
    served_rounds = [pool[i:i + args.texts] for i in (next(take) for _ in range(args.rounds))]
    rest = pool[2 * args.rounds * args.texts:]
    warm, singles = rest[:BATCH * 8], rest[BATCH * 8:BATCH * 8 + args.singles]
    report = {
        "model": args.model, "texts_per_round": args.texts, "rounds": args.rounds,
        "batch": BATCH, "cpus": os.cpu_count(),
        "in_process": in_process(args.model, local_rounds, singles),
        "served": served(args.model, served_rounds, warm, singles),
    }
    reference = report["in_process"]["one_call_texts_per_s"]
    report["ratio_16_clients"] = report["served"]["clients_16_texts_per_s"] / reference
    print(markdown(report) if args.format == "markdown" else json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
