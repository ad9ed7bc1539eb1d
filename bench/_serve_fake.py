"""Runs one fake provider server in its own process for the hosted benchmarks, so the server's
work does not share a Python interpreter (and its GIL) with the client being measured.

Prints ``{"url": ...}`` on stdout once listening; each line read on stdin then gets the
server's counters back as one JSON line; end of stdin stops it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fakes import FakeCohere, FakeOpenAI


def main() -> None:
    """Parse the limits, serve, answer stats requests until stdin closes."""
    parser = argparse.ArgumentParser()
    parser.add_argument("provider", choices=["cohere", "openai"])
    parser.add_argument("--key", required=True)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--inputs-per-minute", type=float)
    parser.add_argument("--requests-per-minute", type=float)
    parser.add_argument("--tokens-per-minute", type=float)
    args = parser.parse_args()
    server: FakeCohere | FakeOpenAI
    if args.provider == "cohere":
        server = FakeCohere(api_key=args.key, latency=args.latency,
                            inputs_per_minute=args.inputs_per_minute)
    else:
        server = FakeOpenAI(api_key=args.key, latency=args.latency,
                            requests_per_minute=args.requests_per_minute,
                            tokens_per_minute=args.tokens_per_minute)
    server.start()
    url = server.url if args.provider == "cohere" else server.url + "/v1"
    print(json.dumps({"url": url}), flush=True)
    for _ in sys.stdin:
        limit = server.rate_limit
        print(json.dumps({
            "requests": len(server.requests),
            "refused_429": limit.refused if limit else 0,
            "admitted": limit.admitted if limit else {},
            "max_in_flight": server.max_in_flight,
            "violations": server.violations[:5],
        }), flush=True)
    server.stop()


if __name__ == "__main__":
    main()
