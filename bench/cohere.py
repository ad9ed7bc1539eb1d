"""Cohere throughput benchmark against the fake Cohere server (no real API, no key).

``python bench/cohere.py`` (from the repository root, project venv): 20,000 texts, the fake
server in its own process answering after 200 ms and limiting the key to 12,000 inputs a
minute (429 with Retry-After beyond it). Three contenders, each in its own process against a
fresh server, same run:

- embedlab: ``get_embedder("cohere:...", inputs_per_minute=12_000).embed(texts)``;
- langchain-cohere's ``CohereEmbeddings.embed_documents`` (from ``bench/_work/lc-venv``,
  because langchain-cohere pins cohere 5.x; make it with
  ``python -m venv bench/_work/lc-venv && bench/_work/lc-venv/bin/pip install langchain-cohere
  langchain-openai``);
- a plain loop over ``ClientV2.embed`` in batches of 96 (the SDK's default retries; an error
  that still surfaces is counted and the batch sent again after a second).

Reported: inputs a minute achieved and its fraction of the limit, the 429s the server
answered, and errors that reached the caller. Target for embedlab: fraction >= 0.9, no error.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This file is named like the SDK it measures: keep bench/ off the path so `import cohere`
# finds the SDK, and load the shared helpers by file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("_hosted", HERE / "_hosted.py")
assert _spec is not None and _spec.loader is not None
_hosted = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hosted)

LIMIT = 12_000.0  # inputs a minute
LATENCY = 0.2
MODEL = "embed-english-light-v3.0"  # 384 dimensions: keeps JSON work small on 2 shared cores


def contender(name: str, url: str, count: int) -> dict[str, object]:
    """Embed ``count`` texts with one contender; time only the embedding itself."""
    KEY, data = _hosted.KEY, _hosted.texts(count)
    errors, failure = 0, ""
    if name == "embedlab":
        import embedlab

        embedder = embedlab.get_embedder(f"cohere:{MODEL}", api_key=KEY, base_url=url,
                                         inputs_per_minute=LIMIT)
        start = time.perf_counter()
        rows = len(embedder.embed(data, input_type="search_document", cache=False,
                                  progress=False))
    elif name == "langchain-cohere":
        from langchain_cohere import CohereEmbeddings

        lc = CohereEmbeddings(model=MODEL, cohere_api_key=KEY, base_url=url)
        start = time.perf_counter()
        try:
            rows = len(lc.embed_documents(data))
        except Exception as exc:  # report it: the call as a whole failed
            rows, errors = 0, 1
            failure = f"{type(exc).__name__}: {exc}"[:200]
    else:
        sdk = importlib.import_module("cohere")  # by name: this file is called cohere.py too
        client = sdk.ClientV2(api_key=KEY, base_url=url)
        start = time.perf_counter()
        rows = 0
        for i in range(0, len(data), 96):
            while True:
                try:
                    answer = client.embed(model=MODEL, texts=data[i:i + 96],
                                          input_type="search_document",
                                          embedding_types=["float"])
                    rows += len(answer.embeddings.float_ or [])
                    break
                except Exception:
                    errors += 1
                    time.sleep(1.0)
    seconds = time.perf_counter() - start
    per_minute = rows / seconds * 60
    return {"contender": name, "rows": rows, "seconds": seconds, "per_minute": per_minute,
            "fraction": per_minute / LIMIT, "errors_surfaced": errors, "error": failure}


def main() -> None:
    """Run every contender against a fresh fake server and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender")
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--only", nargs="*", default=["embedlab", "langchain-cohere", "plain"])
    args = parser.parse_args()
    if args.contender:
        print(json.dumps(contender(args.contender, args.url, args.count)))
        return
    KEY, LANGCHAIN_PYTHON = _hosted.KEY, _hosted.LANGCHAIN_PYTHON
    fake_server, run_contender = _hosted.fake_server, _hosted.run_contender
    server_stats, table = _hosted.server_stats, _hosted.table
    rows = []
    for name in args.only:
        python = str(LANGCHAIN_PYTHON) if name.startswith("langchain") else sys.executable
        with fake_server("cohere", "--key", KEY, "--latency", str(LATENCY),
                         "--inputs-per-minute", str(LIMIT)) as (url, proc):
            result = run_contender(Path(__file__), name, url, args.count, python)
            stats = server_stats(proc)
        result["refused_429"] = stats["refused_429"]
        print(json.dumps({**result, "server": stats}), flush=True)
        rows.append(result)
    print(table(rows, f"{LIMIT:,.0f} inputs/min"))


if __name__ == "__main__":
    main()
