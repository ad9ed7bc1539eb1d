"""``check_bearer`` on its own: which Authorization headers pass, and the exact 401 each
refused one gets (OpenAI's messages and code), so a changed comparison or message shows."""

from __future__ import annotations

import pytest
from embedlab.serve.auth import check_bearer
from embedlab.serve.errors import APIError

KEY = "el-test-key-ünïcode"
MISSING = ("You didn't provide an API key. You need to provide your API key in an "
           "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
WRONG = "Incorrect API key provided."


@pytest.mark.parametrize("header", [f"Bearer {KEY}", f"bearer {KEY}", f"BEARER {KEY}",
                                    f"Bearer  {KEY} ", f"Bearer {KEY}\t"])
def test_the_key_as_a_bearer_token_passes(header: str) -> None:
    assert check_bearer(header, KEY) is None


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer   ",
                                    f"Basic {KEY}", f"Token {KEY}", KEY, f"XXBearerXX {KEY}"])
def test_a_missing_token_or_another_scheme_is_missing_key(header: str | None) -> None:
    with pytest.raises(APIError) as caught:
        check_bearer(header, KEY)
    error = caught.value
    assert (error.status, error.message, error.code) == (401, MISSING, "invalid_api_key")
    assert (error.type, error.param, error.headers) == ("invalid_request_error", None, {})


@pytest.mark.parametrize("token", ["el-test-key", KEY + "x", KEY.upper(), "x" + KEY,
                                   KEY.encode("utf-8").decode("latin-1")])
def test_a_wrong_token_is_incorrect_key(token: str) -> None:
    with pytest.raises(APIError) as caught:
        check_bearer(f"Bearer {token}", KEY)
    error = caught.value
    assert (error.status, error.message, error.code) == (401, WRONG, "invalid_api_key")
    assert KEY not in str(error) and token not in str(error)
