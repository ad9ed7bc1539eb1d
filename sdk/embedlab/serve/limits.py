"""How much a client may ask of the server: the size of a request body, how long it may take
to send its headers and its body, and how many connections may be open at once.

Without these a single client can hold the server: a 300 MB body is read and parsed before
anything checks it, and a client that sends half its headers, or trickles its body a byte at
a time, keeps its connection forever.
"""

from __future__ import annotations

from dataclasses import dataclass

from .._errors import ConfigurationError
from .schemas import MAX_INPUTS

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "TEXT_BYTES", "ServeLimits"]

#: Room for one input in a request body: about 2,000 tokens of English text, four times
#: what a local model reads (512 tokens; longer texts are cut), with room for JSON escapes.
TEXT_BYTES = 8 * 1024
#: The default body cap: a request with every input it may hold (2,048) at that size, 16 MiB.
DEFAULT_MAX_REQUEST_BYTES = MAX_INPUTS * TEXT_BYTES


@dataclass(frozen=True)
class ServeLimits:
    """The limits one server applies to its clients (``embedlab serve`` options in brackets).

    - ``max_request_bytes`` (``--max-request-bytes``): the largest request body; a larger one
      is answered 413 from its ``Content-Length``, before it is read, or as soon as a body
      sent in chunks passes the limit.
    - ``read_timeout`` (``--read-timeout``, seconds): how long a client has to send a
      request's headers, and then, apart, its whole body. Past it the connection is closed
      (headers) or answered 408 and closed (body).
    - ``max_connections`` (``--max-connections``): connections open at once; a request on
      one more is answered 503 at once.
    - ``keep_alive`` (seconds): how long an idle connection stays open between requests.
    """

    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    read_timeout: float = 30.0
    max_connections: int = 512
    keep_alive: int = 5

    def __post_init__(self) -> None:

        if self.max_request_bytes < 1 or self.max_connections < 1:
            raise ConfigurationError("max_request_bytes and max_connections must be at least 1")
        if not self.read_timeout > 0 or self.keep_alive < 1:
            raise ConfigurationError("read_timeout must be over 0 seconds and keep_alive at "
                                     "least 1")
