"""Data from the user's files shown safely: on a terminal, control characters are escaped so
no escape sequence from the data reaches it; in a CSV, a cell a spreadsheet would run as a
formula (``= + - @``, OWASP's CSV injection) starts with a single quote."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["FORMULA_PREFIXES", "csv_cell", "terminal_json", "terminal_text"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_text(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\n``); every
    other character, and so a plain label, prints as it is."""
    return _CONTROL.sub(lambda m: _escape(m.group()), text)


def terminal_json(record: Any) -> str:
    """``record`` as one line of JSON that a terminal shows verbatim: the controls JSON
    leaves raw (C1, bidi overrides) become ``\\uXXXX`` escapes, so it parses the same."""
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}",
                        json.dumps(record, ensure_ascii=False))


def csv_cell(value: str) -> str:
    """``value`` for a CSV cell: prefixed with ``'`` when a spreadsheet would run it."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value
