"""``embedlab serve`` from the command line: it announces its URL, answers an OpenAI client,
requires the key from the named variable without ever printing it, and stops cleanly on
SIGINT or SIGTERM after letting the requests in flight finish."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from app_models import SERVE_KEY
from click.testing import CliRunner
from embedlab.cli import cli
from embedlab.serve import create_app
from embedlab.testing import FakeEmbedder
from raw_http import connect, read_answer

# `embedlab serve` in a fresh interpreter, with the fake provider registered in it.
SERVE = ("import sys\n"
         "from embedlab.testing import use_fake_provider\n"
         "from embedlab.cli import cli\n"
         "with use_fake_provider():\n"
         "    cli(sys.argv[1:], prog_name='embedlab')\n")


@contextmanager
def serve_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str, list[str]]]:
    """Run ``embedlab serve ARGS`` until it announces its URL; yield (process, url, the
    stderr lines so far, which keep growing)."""
    env = {**os.environ, "EL_TEST_KEY": SERVE_KEY, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    url: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            found = re.search(r" at (http://127\.0\.0\.1:\d+/v1) ", line)
            if found:
                url.append(found.group(1))
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(timeout=120)
        if not url:
            proc.kill()
            raise AssertionError("embedlab serve did not start:\n" + "".join(lines))
        yield proc, url[0], lines
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        reader.join(timeout=10)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serves_an_openai_client_and_stops_cleanly(stop: signal.Signals) -> None:
    import openai

    with serve_process("--model", "fake", "--port", "0", "--api-key-env", "EL_TEST_KEY",
                       "--no-cache", "--log-level", "warning") as (proc, url, lines):
        client = openai.OpenAI(base_url=url, api_key=SERVE_KEY, max_retries=0)
        answer = client.embeddings.create(model="fake", input=["hello there", "bye"])
        np.testing.assert_allclose([d.embedding for d in answer.data],
                                   FakeEmbedder().embed(["hello there", "bye"], cache=False),
                                   atol=1e-7)
        proc.send_signal(stop)
        # Only the reader thread reads stderr (communicate() would race it for lines).
        assert proc.wait(timeout=60) == 0, "".join(lines)
        assert proc.stdout is not None
        stdout = proc.stdout.read()
    # Leaving the block joined the reader, so `lines` holds all of stderr.
    output = stdout + "".join(lines)
    assert "bearer key from $EL_TEST_KEY" in output and "embedlab serve: stopped" in output
    assert SERVE_KEY not in output


def test_requests_in_flight_finish_before_shutdown(serve_live: Callable[[Any], Any]) -> None:
    import httpx

    class Slow(FakeEmbedder):
        started = threading.Event()

        def embed_batch(self, texts: Sequence[str], input_type: str | None) -> Any:
            self.started.set()
            time.sleep(1.0)
            return super().embed_batch(texts, input_type)

    embedder = Slow()
    answers: list[httpx.Response] = []
    with serve_live(create_app(embedder, cache=False)) as base_url:
        request = threading.Thread(target=lambda: answers.append(httpx.post(
            f"{base_url}/embeddings", json={"model": embedder.name, "input": "slow one"},
            timeout=30)))
        request.start()
        assert embedder.started.wait(10)
    # Leaving the block asked the server to exit while the request was in flight.
    request.join(timeout=30)
    assert answers and answers[0].status_code == 200
    assert len(answers[0].json()["data"][0]["embedding"]) == 64


def test_a_missing_key_variable_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EL_NOT_SET", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--model", "fake", "--api-key-env",
                                      "EL_NOT_SET"])
    assert result.exit_code == 2
    assert "EL_NOT_SET: the variable is not set" in result.output


def test_an_unknown_model_is_a_clear_error() -> None:
    result = CliRunner().invoke(cli, ["serve", "--model", "nope:model", "--port", "0"])
    assert result.exit_code == 2
    assert "no embedding provider named 'nope:model'; known:" in result.output


def test_help_names_the_routes() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "/v1/embeddings" in result.output and "--api-key-env" in result.output


def test_a_port_in_use_is_refused_before_the_model_loads() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        # An unknown model would fail on loading: the port must be checked first.
        result = CliRunner().invoke(cli, ["serve", "--model", "nope:model", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == (f"error: --host 127.0.0.1 --port {port}: listening there is "
                             "already in use; pick a free --port (0: any free port) or stop "
                             "the process using it\n")


def test_limits_reach_the_server_and_query_strings_stay_out_of_the_log() -> None:
    import httpx

    with serve_process("--model", "fake", "--port", "0", "--api-key-env", "EL_TEST_KEY",
                       "--no-cache", "--log-level", "info", "--read-timeout", "1",
                       "--max-request-bytes", "2000") as (proc, url, lines):
        auth = {"Authorization": f"Bearer {SERVE_KEY}"}
        # A key in the query string is not how the key is sent: refused, and never logged.
        assert httpx.get(f"{url}/models?api_key={SERVE_KEY}").status_code == 401
        assert httpx.get(f"{url}/models?x=1", headers=auth).status_code == 200
        big = httpx.post(f"{url}/embeddings", headers=auth,
                         json={"model": "fake", "input": ["word " * 500]})
        assert big.status_code == 413 and "2,000 bytes" in big.json()["error"]["message"]
        with connect(url) as idle:  # sends nothing: closed after --read-timeout
            answer, seconds = read_answer(idle, within=6)
        assert answer == b"" and seconds < 6
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0, "".join(lines)
        assert proc.stdout is not None
        access_log = proc.stdout.read()
    assert '"GET /v1/models?[query redacted] HTTP/1.1" 401' in access_log
    assert '"GET /v1/models?[query redacted] HTTP/1.1" 200' in access_log
    assert SERVE_KEY not in access_log + "".join(lines)
