"""``HostedEmbedderContract``: what every embedder behind a web API must do on top of the
:class:`~embedlab.testing.EmbedderContract`: turn HTTP failures into embedlab's errors,
let the pipeline retry the transient ones (honouring ``Retry-After``), and never show its key.

The tests talk to a fake of the provider's API that you run on 127.0.0.1. Provide three
fixtures in the subclass::

    class TestMyHostedEmbedder(HostedEmbedderContract):
        @pytest.fixture
        def server(self):            # a running fake of the provider's API
            with MyFakeServer(api_key="my-SECRET-key").start() as fake:
                yield fake

        @pytest.fixture
        def api_key(self):           # the key the fake accepts
            return "my-SECRET-key"

        @pytest.fixture
        def make_embedder(self, server, api_key):
            def make(**options):     # pointed at the fake; options override
                options.setdefault("api_key", api_key)
                options.setdefault("base_url", server.url)
                return get_embedder("myprovider:my-model", **options)
            return make

The ``server`` must answer like the real API (its error bodies included), refuse any key but
``api_key`` with 401, and offer (see :class:`FaultyServer`) ``fail_next(kind, *, times=1,
status=..., message=..., retry_after=...)`` — the next ``times`` requests answer HTTP
``status`` with ``message`` in the provider's error body and, when given, a ``Retry-After``
header (``kind="status"``), answer after ``delay`` seconds (``kind="slow"``), or drop the
connection (``kind="disconnect"``) — and ``requests``, every request received, each with
its arrival time ``at`` in :func:`time.monotonic` seconds. ``make_embedder`` must pass its
options through, ``api_key=None`` and ``base_url=None`` included (the embedder then reads
its ``key_variables`` and ``url_variable``, as a :class:`~embedlab.hosted.HostedEmbedder`
does), and take ``timeout`` in seconds. ``embedder`` and ``secrets`` come from these; the
other :class:`EmbedderContract` fixtures can be overridden as usual.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import pytest

from .._errors import (
    AuthenticationError,
    BadRequestError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServiceUnavailableError,
)
from ..settings import cache_dir
from ._skip import not_applicable
from .embedder_contract import EmbedderContract

__all__ = ["FaultyServer", "HostedEmbedderContract"]

TEXTS = ["book a flight to denver", "my card was charged twice", "reset my password"]

#: How each status must surface: the error class (transient ones are retried).
STATUS_ERRORS: dict[int, type[ProviderError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: AuthenticationError,
    404: BadRequestError, 408: ProviderTimeoutError, 422: BadRequestError,
    429: RateLimitError, 500: ServiceUnavailableError, 502: ServiceUnavailableError,
    503: ServiceUnavailableError, 504: ProviderTimeoutError,
}


class FaultyServer(Protocol):
    """What the contract needs of the ``server`` fixture: injected faults and a request log."""

    requests: Sequence[Any]

    def fail_next(self, kind: str = "status", *, times: int = 1, **options: Any) -> None:
        """Make the next ``times`` requests fail (``status``, ``message``, ``retry_after``)."""


Make = Callable[..., Any]


class HostedEmbedderContract(EmbedderContract):
    """Behaviour every hosted embedder must have; provide ``server``, ``api_key`` and
    ``make_embedder`` (see the module's docstring)."""

    # --- fixtures the implementer provides --------------------------------------------------
    @pytest.fixture
    def server(self) -> FaultyServer:
        """A running fake of the provider's API: override in the subclass."""
        raise NotImplementedError(
            "override the `server` fixture in your HostedEmbedderContract subclass")

    @pytest.fixture
    def api_key(self) -> str:
        """The key ``server`` accepts: override in the subclass."""
        raise NotImplementedError(
            "override the `api_key` fixture in your HostedEmbedderContract subclass")

    @pytest.fixture
    def make_embedder(self) -> Make:
        """``make(**options)``: an embedder pointed at ``server``: override in the subclass."""
        raise NotImplementedError(
            "override the `make_embedder` fixture in your HostedEmbedderContract subclass")

    # --- fixtures derived from them ---------------------------------------------------------
    @pytest.fixture
    def embedder(self, make_embedder: Make) -> Any:
        """The embedder under the :class:`EmbedderContract` tests."""
        return make_embedder()

    @pytest.fixture
    def secrets(self, api_key: str) -> Sequence[str]:
        """The key must never show."""
        return [api_key]

    @pytest.fixture
    def quick(self, make_embedder: Make) -> Make:
        """``make_embedder`` with back-off in milliseconds, so retry tests stay fast."""
        def make(**options: Any) -> Any:
            embedder = make_embedder(**options)
            embedder.retry_base_delay, embedder.retry_max_delay = 0.01, 0.05
            return embedder

        return make

    # --- one call: HTTP status -> embedlab error ---------------------------------------------
    @pytest.mark.parametrize("status", sorted(STATUS_ERRORS))
    def test_status_becomes_embedlab_error(self, quick: Make, server: FaultyServer,
                                           status: int) -> None:
        message = f"contract fault {status}"
        server.fail_next("status", status=status, message=message)
        embedder = quick()
        with pytest.raises(STATUS_ERRORS[status]) as caught:
            embedder.embed_batch(TEXTS, None)
        assert len(server.requests) == 1, (
            "one embed_batch call sent several requests: turn the SDK's own retries off "
            "(embedlab's pipeline retries)")
        assert message in str(caught.value), "the provider's own message must be kept"
        assert caught.value.provider == embedder.provider
        assert caught.value.status == status

    def test_dropped_connection_is_service_unavailable(self, quick: Make,
                                                       server: FaultyServer) -> None:
        server.fail_next("disconnect")
        with pytest.raises(ServiceUnavailableError):
            quick().embed_batch(TEXTS, None)

    def test_time_out_is_provider_timeout(self, quick: Make, server: FaultyServer) -> None:
        server.fail_next("slow", delay=3.0)
        with pytest.raises(ProviderTimeoutError):
            quick(timeout=0.3).embed_batch(TEXTS, None)

    def test_retry_after_is_read(self, quick: Make, server: FaultyServer) -> None:
        server.fail_next("status", status=429, message="slow down", retry_after=7)
        with pytest.raises(RateLimitError) as caught:
            quick().embed_batch(TEXTS, None)
        assert caught.value.retry_after == 7

    # --- through the pipeline: retried or shown ------------------------------------------
    @pytest.mark.parametrize("status", [429, 500, 503])
    def test_transient_statuses_are_retried(self, quick: Make, server: FaultyServer,
                                            status: int) -> None:
        server.fail_next("status", status=status, message="try again", times=2)
        assert quick().embed(TEXTS, cache=False, progress=False).shape[0] == len(TEXTS)
        assert len(server.requests) == 3

    def test_time_outs_are_retried(self, quick: Make, server: FaultyServer) -> None:
        # Only the first attempt is slow; the 2 s time-out leaves the retry ample time even
        # on a loaded machine.
        server.fail_next("slow", delay=6.0)
        assert quick(timeout=2.0).embed(TEXTS, cache=False, progress=False).shape[0] == 3
        assert len(server.requests) == 2

    def test_retry_after_is_honoured(self, quick: Make, server: FaultyServer) -> None:
        server.fail_next("status", status=429, message="slow down", retry_after=1)
        quick().embed(TEXTS, cache=False, progress=False)
        first, second = server.requests[:2]
        assert second.at - first.at >= 1.0, "the retry came before Retry-After said"

    def test_retries_run_out_into_the_last_error(self, quick: Make,
                                                 server: FaultyServer) -> None:
        embedder = quick()
        embedder.max_retries = 2
        server.fail_next("status", status=503, message="still down", times=5)
        with pytest.raises(ServiceUnavailableError, match="still down"):
            embedder.embed(TEXTS, cache=False, progress=False)
        assert len(server.requests) == 3

    @pytest.mark.parametrize("status", [400, 401, 422])
    def test_client_errors_are_not_retried(self, quick: Make, server: FaultyServer,
                                           status: int) -> None:
        server.fail_next("status", status=status, message="your fault")
        with pytest.raises(STATUS_ERRORS[status], match="your fault"):
            quick().embed(TEXTS, cache=False, progress=False)
        assert len(server.requests) == 1

    # --- the key ---------------------------------------------------------------------------
    def test_wrong_key_names_the_variable_and_is_never_echoed(
            self, quick: Make, server: FaultyServer) -> None:
        wrong = "wrong-SECRET-0123456789"
        embedder = quick(api_key=wrong)
        with pytest.raises(AuthenticationError) as caught:
            embedder.embed(TEXTS, cache=False, progress=False)
        assert wrong not in str(caught.value)
        for variable in getattr(embedder, "key_variables", ())[:1]:
            assert variable in str(caught.value), f"the error should name {variable}"
        assert len(server.requests) == 1

    def test_missing_key_is_refused_before_any_request(
            self, quick: Make, server: FaultyServer, monkeypatch: pytest.MonkeyPatch) -> None:
        embedder = quick(api_key=None)
        variables = getattr(embedder, "key_variables", ())
        for variable in variables:
            monkeypatch.delenv(variable, raising=False)
        with pytest.raises(AuthenticationError) as caught:
            embedder.embed(TEXTS, cache=False, progress=False)
        for variable in variables[:1]:
            assert variable in str(caught.value), f"the error should name {variable}"
        assert len(server.requests) == 0

    def test_key_and_endpoint_come_from_the_environment(
            self, quick: Make, server: FaultyServer, api_key: str,
            monkeypatch: pytest.MonkeyPatch) -> None:
        probe = quick()
        endpoint = probe.endpoint() if hasattr(probe, "endpoint") else None
        embedder = quick(api_key=None, base_url=None)  # made before the variables are set
        variables = getattr(embedder, "key_variables", ())
        url_variable = getattr(embedder, "url_variable", None)
        if not variables or not url_variable or not endpoint:
            not_applicable("the embedder declares no key_variables, url_variable or endpoint()")
        for variable in variables:
            monkeypatch.delenv(variable, raising=False)
        monkeypatch.setenv(variables[-1], api_key)
        monkeypatch.setenv(url_variable, endpoint)
        assert embedder.embed(TEXTS, cache=False, progress=False).shape[0] == 3
        assert len(server.requests) == 1

    def test_key_never_shows(self, quick: Make, server: FaultyServer, api_key: str,
                             caplog: pytest.LogCaptureFixture,
                             capsys: pytest.CaptureFixture[str]) -> None:

        caplog.set_level(logging.DEBUG)
        embedder = quick()
        embedder.embed(TEXTS, progress=False)  # through the persistent cache
        server.fail_next("status", status=400, message=f"echoing {api_key} back")
        with pytest.raises(BadRequestError) as caught:
            embedder.embed(["another text"], progress=False)
        seen = {"repr": repr(embedder), "str": str(embedder), "attributes": repr(vars(embedder)),
                "error": str(caught.value), "error repr": repr(caught.value),
                "revision": embedder.revision, "logs": caplog.text,
                "output": "".join(capsys.readouterr())}
        for where, text in seen.items():
            assert api_key not in text, f"the key shows in the {where}"
        with pytest.raises(TypeError):
            pickle.dumps(embedder)
        files = [p for p in cache_dir().rglob("*") if p.is_file()]
        assert files, "the cache wrote nothing"
        for path in files:
            assert api_key.encode() not in path.read_bytes(), f"the key is in {path}"

    def test_does_not_claim_to_run_locally(self, make_embedder: Make) -> None:
        # A dry run would otherwise call its requests free and skip counting their tokens.
        assert make_embedder().runs_locally is False

    def test_revision_tells_endpoints_apart_without_their_text(self, make_embedder: Make
                                                               ) -> None:
        here = make_embedder()
        there = make_embedder(base_url="https://gateway.example/v1?token=t0k3n-SECRET")
        assert here.revision != there.revision, "two endpoints would share cached vectors"
        assert "t0k3n-SECRET" not in there.revision and "gateway" not in there.revision
