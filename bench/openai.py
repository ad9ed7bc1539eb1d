"""OpenAI throughput benchmark against the fake OpenAI server (no real API, no key).

``python bench/openai.py`` (from the repository root, project venv): 20,000 texts, the fake
server in its own process answering after 200 ms and limiting the key to 3,000 requests and
1,000,000 tokens a minute (429 with Retry-After beyond either). Every contender asks for
text-embedding-3-small at 256 dimensions (less data to move on 2 shared cores), each in its
own process against a fresh server, same run:

- embedlab: ``get_embedder("openai:...", requests_per_minute=3_000,
  tokens_per_minute=1_000_000).embed(texts)``;
- langchain-openai's ``OpenAIEmbeddings.embed_documents`` (from ``bench/_work/lc-venv``, see
  bench/cohere.py), with ``check_embedding_ctx_length=False`` because its tiktoken
  encoding cannot be downloaded here; it sends its batches one after another;
- a plain loop over ``client.embeddings.create`` in batches of 2,048 (the SDK's default
  retries; an error that still surfaces is counted and the batch sent again after a second).

Each text is four CLINC150 queries run together (about 36 tokens), so the 20,000 texts hold
about 720,000 tokens and a run at the token limit lasts long enough (~45 s) to measure.

Reported: tokens and requests a minute achieved, as a fraction of the binding limit (the
larger of the two fractions), the 429s the server answered, and errors that reached the
caller.
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
# This file is named like the SDK it measures: keep bench/ off the path so `import openai`
# finds the SDK, and load the shared helpers by file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
_spec = importlib.util.spec_from_file_location("_hosted", HERE / "_hosted.py")
assert _spec is not None and _spec.loader is not None
_hosted = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_hosted)

REQUESTS_PER_MINUTE = 3_000.0
TOKENS_PER_MINUTE = 1_000_000.0
LATENCY = 0.2
MODEL = "text-embedding-3-small"
DIMENSIONS = 256
#: CLINC150 queries per text: about 40 tokens a text, so the token limit binds for ~45 s.
JOIN = 4


def contender(name: str, url: str, count: int) -> dict[str, object]:
    """Embed ``count`` texts with one contender; time only the embedding itself."""
    key, data = _hosted.KEY, _hosted.texts(count, join=JOIN)
    errors, failure = 0, ""
    if name == "embedlab":
        import embedlab

        embedder = embedlab.get_embedder(
            f"openai:{MODEL}", api_key=key, base_url=url, dimensions=DIMENSIONS,
            requests_per_minute=REQUESTS_PER_MINUTE, tokens_per_minute=TOKENS_PER_MINUTE)
        start = time.perf_counter()
        rows = len(embedder.embed(data, cache=False, progress=False))
    elif name == "langchain-openai":
        from langchain_openai import OpenAIEmbeddings

        lc = OpenAIEmbeddings(model=MODEL, api_key=key, base_url=url, dimensions=DIMENSIONS,
                              check_embedding_ctx_length=False)
        start = time.perf_counter()
        try:
            rows = len(lc.embed_documents(data))
        except Exception as exc:  # report it: the call as a whole failed
            rows, errors = 0, 1
            failure = f"{type(exc).__name__}: {exc}"[:200]
    else:
        sdk = importlib.import_module("openai")  # by name: this file is called openai.py too
        client = sdk.OpenAI(api_key=key, base_url=url)
        start = time.perf_counter()
        rows = 0
        for i in range(0, len(data), 2048):
            while True:
                try:
                    answer = client.embeddings.create(model=MODEL, input=data[i:i + 2048],
                                                      dimensions=DIMENSIONS)
                    rows += len(answer.data)
                    break
                except Exception:
                    errors += 1
                    time.sleep(1.0)
    seconds = time.perf_counter() - start
    return {"contender": name, "rows": rows, "seconds": seconds,
            "per_minute": rows / seconds * 60, "errors_surfaced": errors, "error": failure}


def main() -> None:
    """Run every contender against a fresh fake server and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contender")
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--only", nargs="*", default=["embedlab", "langchain-openai", "plain"])
    args = parser.parse_args()
    if args.contender:
        print(json.dumps(contender(args.contender, args.url, args.count)))
        return
    rows = []
    for name in args.only:
        python = str(_hosted.LANGCHAIN_PYTHON) if name.startswith("langchain") else sys.executable
        with _hosted.fake_server("openai", "--key", _hosted.KEY, "--latency", str(LATENCY),
                                 "--requests-per-minute", str(REQUESTS_PER_MINUTE),
                                 "--tokens-per-minute", str(TOKENS_PER_MINUTE)) as (url, proc):
            result = _hosted.run_contender(Path(__file__), name, url, args.count, python)
            stats = _hosted.server_stats(proc)
        result["refused_429"] = stats["refused_429"]
        if "seconds" in result:
            minutes = result["seconds"] / 60
            tokens = stats["admitted"].get("tokens", 0.0) / minutes
            requests = stats["admitted"].get("requests", 0.0) / minutes
            result["tokens_per_minute"] = round(tokens)
            result["requests_per_minute"] = round(requests)
            result["fraction"] = max(tokens / TOKENS_PER_MINUTE, requests / REQUESTS_PER_MINUTE)
        print(json.dumps({**result, "server": stats}), flush=True)
        rows.append(result)
    print(_hosted.table(rows, "the binding limit"))


if __name__ == "__main__":
    main()
