"""Text that is not valid Unicode: lone surrogates (U+D800-U+DFFF), which is what invalid
UTF-8 in a command-line argument becomes and what a JSON ``"\\ud800"`` escape gives.

Tokenizers and web APIs cannot take them (a tokenizer raises ``TypeError``), so every place
where texts enter embedlab checks them here: refused with the row or argument named, or
replaced with U+FFFD where the caller asks (``--invalid-text replace``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Literal

from ._errors import InvalidTextError

__all__ = ["INVALID_TEXT_CHOICES", "REPLACEMENT", "check_text", "check_texts"]

#: What to do with a text holding invalid code points: refuse it, or replace them.
INVALID_TEXT_CHOICES = ("error", "replace")
#: The Unicode replacement character, put where an invalid code point was.
REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(text: str, where: str, *, invalid: Literal["error", "replace"] = "error",
               fix: str = "fix the text") -> str:
    """``text`` itself when valid; else an :class:`InvalidTextError` naming ``where`` (a
    row, an argument), the code point and ``fix``, or with ``invalid="replace"`` the text
    with each invalid code point replaced by U+FFFD."""
    found = _SURROGATE.search(text)
    if found is None:
        return text
    if invalid == "replace":
        return _SURROGATE.sub(REPLACEMENT, text)
    raise InvalidTextError(
        f"{where}: holds U+{ord(found.group()):04X} at character {found.start() + 1}, which "
        "is not valid Unicode (invalid UTF-8 bytes or a lone surrogate escape such as "
        f"\"\\ud800\"); {fix}")


def check_texts(texts: Sequence[str], where: Callable[[int], str], *,
                invalid: Literal["error", "replace"] = "error",
                fix: str = "fix the text") -> list[str]:
    """:func:`check_text` on each text; ``where(i)`` names the ``i``-th (0-based) one."""
    return [text if _SURROGATE.search(text) is None
            else check_text(text, where(i), invalid=invalid, fix=fix)
            for i, text in enumerate(texts)]
