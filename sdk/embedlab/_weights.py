"""A guard every saver runs: a model whose weights hold NaN or infinity is never saved.

Training that diverged (a learning rate far too high) can end with weights of NaN; such a
model embeds every text as NaN, and each later use fails. :func:`check_finite_weights` reads
the safetensors and ``.npy`` files a finetuner wrote and refuses the lot, before it is
published, with an error that says what to change.
"""

from __future__ import annotations

from pathlib import Path

from ._errors import FinetuneError

__all__ = ["check_finite_weights", "nonfinite_tensors"]


def nonfinite_tensors(directory: str | Path) -> list[str]:
    """``file:tensor`` names under ``directory`` that hold NaN or infinity."""
    import numpy as np

    root = Path(directory)
    bad: list[str] = []
    for path in sorted(root.rglob("*.safetensors")):
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(str(path), framework="numpy") as fh:
                for key in fh.keys():  # noqa: SIM118 (safe_open is not a mapping)
                    try:
                        tensor = fh.get_tensor(key)
                    except (TypeError, ValueError):  # a dtype numpy lacks (bfloat16)
                        continue
                    if tensor.dtype.kind == "f" and not np.isfinite(tensor).all():
                        bad.append(f"{path.relative_to(root).as_posix()}:{key}")
        except (OSError, ValueError, SafetensorError):
            continue
    for path in sorted(root.rglob("*.npy")):
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            continue
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            bad.append(path.relative_to(root).as_posix())
    return bad


def check_finite_weights(directory: str | Path, *, what: str = "the model") -> None:
    """Raise :class:`~embedlab.FinetuneError` if any weight under ``directory`` is
    NaN or infinite (nothing is saved then)."""
    bad = nonfinite_tensors(directory)
    if bad:
        shown = ", ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise FinetuneError(
            f"{what}: weights hold NaN or infinity ({shown}) — training diverged, so nothing "
            "was saved. Train again with a lower --learning-rate")
