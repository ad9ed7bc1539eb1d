"""Query strings out of uvicorn's access log: a client that puts its API key in the URL
(``?api_key=...``) is refused, and its key must not be written to the log either."""

from __future__ import annotations

import logging

__all__ = ["RedactQuery", "redact_access_log"]

#: What a logged path's query string becomes.
REDACTED = "?[query redacted]"


class RedactQuery(logging.Filter):
    """Replace the query string of the path in uvicorn's access-log records.

    uvicorn logs ``'%s - "%s %s HTTP/%s" %d'`` with the path (query included) as the third
    argument; the filter edits that argument and leaves everything else as it is."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path, mark, _query = args[2].partition("?")
            if mark:
                record.args = (*args[:2], path + REDACTED, *args[3:])
        return True


def redact_access_log() -> None:
    """Install :class:`RedactQuery` on uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQuery) for f in logger.filters):
        logger.addFilter(RedactQuery())
