"""Item 2 of issue 13: a token carried in an endpoint URL (user info, path or query) is never
stored or printed; cache namespaces are keyed on a digest of the endpoint."""

from __future__ import annotations

from pathlib import Path

import embedlab
import numpy as np
import pytest
from click.testing import CliRunner
from embedlab._secret import redact
from embedlab._transport.cache import CacheNamespace, default_cache
from embedlab.cli import cli

TOKEN = "tok9Qz7XvB2mK4pL"
URLS = [
    f"https://gw:{TOKEN}@gateway.example.com/v1",
    f"https://gateway.example.com/v1/{TOKEN}/openai",
    f"https://gateway.example.com/v1?api-token={TOKEN}",
    f"https://gateway.example.com/key/{TOKEN}",
]


@pytest.mark.parametrize("url", URLS)
def test_redact_masks_a_token_anywhere_in_a_url(url: str) -> None:
    shown = redact(f"request to {url} failed")
    assert TOKEN not in shown and "gateway.example.com" in shown
    assert TOKEN not in str(redact({"base_url": url, "nested": {"u": [url]}}))


@pytest.mark.parametrize("provider,model", [("openai", "text-embedding-3-small"),
                                            ("cohere", "embed-english-v3.0")])
@pytest.mark.parametrize("url", URLS)
def test_hosted_revision_is_a_digest_of_the_endpoint(provider: str, model: str,
                                                     url: str) -> None:
    embedder = embedlab.get_embedder(f"{provider}:{model}", api_key="k", base_url=url)
    assert TOKEN not in embedder.revision and "endpoint=" in embedder.revision
    other = embedlab.get_embedder(f"{provider}:{model}", api_key="k",
                                  base_url=url.replace(TOKEN, "another1234567"))
    assert other.revision != embedder.revision  # different endpoints never share vectors


def test_cache_info_redacts_a_url_stored_by_an_older_embedlab() -> None:
    ns = CacheNamespace("openai", "text-embedding-3-small", f"endpoint={URLS[1]}", "", 2)
    default_cache().put(ns, ["a"], np.ones((1, 2), dtype=np.float32))
    for args in (["cache", "info"], ["cache", "info", "--json"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and TOKEN not in result.output


def test_report_never_holds_a_url_token(fake_provider: str, tiny_csv: Path,
                                        tmp_path: Path) -> None:
    result = embedlab.compare(tiny_csv, fake_provider, method="adapter", test_size=0.25,
                              projection="pca", max_steps=5, quiet=True, progress=False,
                              embedder_options={"revision": URLS[1]})
    out = result.save(tmp_path / "run")
    for path in out.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
