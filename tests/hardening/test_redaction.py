"""One redaction (``embedlab._secret.redact``) for text and for options, and one rule for which
names hold credentials, shared by what is shown (masked) and what an adapter card keeps
(dropped)."""

from __future__ import annotations

import pytest
from embedlab._secret import Secret, is_secret_name, redact
from embedlab.adapter.model import public_options

TOKEN = "tok9Qz7XvB2mK4pL"
NAMES = ["api_key", "OPENAI_API_KEY", "apiKey", "auth_token", "Authorization",
         "client_secret", "password", "credentials", "dimension", "device", "batch_size",
         "base_url", "model"]


def test_options_are_masked_by_name_and_redacted_by_value() -> None:
    options = {
        "API_KEY": "plain-value-1234",
        "dimensions": 256,
        "normalize": True,
        "base_url": f"https://gw.example.com/v1?token={TOKEN}",
        "headers": {"X-Auth": "abc", "User-Agent": "me"},
        "key": Secret("s3cr3t-value"),
        "fallbacks": [f"https://user:{TOKEN}@gw.example.com", 3],
        "client": Secret("another-secret"),
    }
    shown = redact(options)
    assert shown["API_KEY"] == "***" and shown["key"] == "***" and shown["client"] == "***"
    assert shown["dimensions"] == 256 and shown["normalize"] is True
    assert shown["headers"] == {"X-Auth": "***", "User-Agent": "me"}
    assert shown["base_url"].startswith("https://gw.example.com/v1")
    assert shown["fallbacks"][1] == 3
    assert TOKEN not in str(shown) and "s3cr3t" not in str(shown)


def test_given_secrets_are_masked_inside_options_too() -> None:
    assert redact({"note": "used k-123456789 today"}, "k-123456789") == {
        "note": "used *** today"}
    assert redact(["k-123456789"], Secret("k-123456789")) == ["***"]


def test_text_keeps_what_is_not_secret() -> None:
    assert redact("nothing to hide: 3 rows") == "nothing to hide: 3 rows"
    assert redact("key sk-abcdef123456 leaked") == "key sk-*** leaked"
    assert redact(None) is None and redact(7) == 7


@pytest.mark.parametrize("name", NAMES)
def test_shown_and_stored_agree_on_which_names_are_credentials(name: str) -> None:
    masked = redact({name: 7}) == {name: "***"}
    dropped = public_options({name: 7}) == {}
    assert masked == dropped == is_secret_name(name)


def test_the_credential_names() -> None:
    assert {n for n in NAMES if is_secret_name(n)} == {
        "api_key", "OPENAI_API_KEY", "apiKey", "auth_token", "Authorization",
        "client_secret", "password", "credentials"}


def test_stored_options_never_keep_strings() -> None:
    assert public_options({"device": "cuda", "base_url": "https://x", "dimension": 8}) == {
        "dimension": 8}
