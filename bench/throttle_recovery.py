"""How fast embedlab's Cohere throughput comes back after 429s (issue 13, item 10).

``python bench/throttle_recovery.py`` (repository root, project venv): the fake Cohere server
limits the key to 12,000 inputs a minute; embedlab paces to the same limit. Two runs of
12,000 texts (about a minute each at the limit): one clean, one whose first ``--faults``
requests are answered 429 with ``Retry-After: 1``. Printed as one JSON object per run:
seconds, inputs a minute over the whole run and over its second half (from the server's own
request log), each as a fraction of the limit. ``--quick``: 2,400 texts, a smoke run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench/cohere.py is named like the SDK: keep bench/ off the path so `import cohere` finds it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent / "tests"))

from fakes import FakeCohere  # noqa: E402

KEY = "bench-key-not-a-secret"
MODEL = "embed-english-light-v3.0"  # 384 dimensions: little JSON work on shared cores


def run(count: int, limit: float, faults: int) -> dict[str, object]:
    """Embed ``count`` texts against a fresh fake whose first ``faults`` answers are 429."""
    import embedlab

    server = FakeCohere(api_key=KEY, inputs_per_minute=limit).start()
    try:
        embedder = embedlab.get_embedder(f"cohere:{MODEL}", api_key=KEY, base_url=server.url,
                                         inputs_per_minute=limit)
        if faults:
            server.fail_next("status", status=429, retry_after=1, times=faults)
        texts = [f"question {i} about order {i * 7 % 1000} and its delivery" for i in range(count)]
        began = time.monotonic()
        embedder.embed(texts, cache=False, progress=False)
        seconds = time.monotonic() - began
        served = [(r.at, len(r.body["texts"])) for r in server.requests
                  if isinstance(r.body, dict) and "texts" in r.body]
        refused = server.rate_limit.refused if server.rate_limit else 0
    finally:
        server.stop()
    middle = began + seconds / 2
    late = sum(n for at, n in served if at >= middle)
    half_rate = late / (seconds / 2) * 60
    overall = count / seconds * 60
    return {"faults_429": faults, "texts": count, "seconds": round(seconds, 1),
            "inputs_per_minute": round(overall), "fraction_of_limit": round(overall / limit, 3),
            "second_half_fraction": round(half_rate / limit, 3), "server_refused": refused}


def main() -> None:
    """Run the clean and the 429 run; print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,400 texts: a smoke run")
    parser.add_argument("--texts", type=int, default=12_000)
    parser.add_argument("--limit", type=float, default=12_000.0, help="inputs a minute")
    parser.add_argument("--faults", type=int, default=8, help="429s answered at the start")
    args = parser.parse_args()
    count = 2_400 if args.quick else args.texts
    results = [run(count, args.limit, 0), run(count, args.limit, args.faults)]
    print(json.dumps({"limit_inputs_per_minute": args.limit, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
