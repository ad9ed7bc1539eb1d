"""Bearer-token auth, as OpenAI clients send it (``Authorization: Bearer KEY``): compared in
constant time, never logged or echoed. The front door (:mod:`.front_door`) checks it from the
headers, before the body is read."""

from __future__ import annotations

import hmac

from .errors import APIError

__all__ = ["check_bearer"]


def check_bearer(header: str | None, api_key: str) -> None:
    """Raise a 401 APIError unless ``header`` carries ``api_key`` as a bearer token."""
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise APIError(401, "You didn't provide an API key. You need to provide your API key "
                            "in an Authorization header using Bearer auth (i.e. Authorization: "
                            "Bearer YOUR_KEY).", code="invalid_api_key")
    if not hmac.compare_digest(token.strip().encode("utf-8"), api_key.encode("utf-8")):
        raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")
