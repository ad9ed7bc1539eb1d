"""Choosing where a local model runs: CUDA, then Apple's MPS, then the CPU, unless told."""

from __future__ import annotations

import os

from embedlab import ConfigurationError

__all__ = ["cpu_threads", "pick_device"]


def pick_device(requested: str | None = None) -> str:
    """The torch device to use: ``requested`` if given (checked), else the best available."""
    import torch

    if requested is None or requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return "mps"
        return "cpu"
    kind = requested.split(":", 1)[0]
    if kind == "cuda" and not torch.cuda.is_available():
        raise ConfigurationError(
            f"device={requested!r} was asked for but CUDA is not available here; "
            "pass device='cpu' or leave device unset to choose automatically")
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ConfigurationError(
                f"device={requested!r} was asked for but MPS is not available here; "
                "pass device='cpu' or leave device unset to choose automatically")
    if kind not in {"cpu", "cuda", "mps", "xpu", "npu", "hpu"}:
        raise ConfigurationError(
            f"unknown device {requested!r}; use 'cpu', 'cuda', 'cuda:N', 'mps' or leave it unset")
    return requested


def cpu_threads() -> int:
    """How many CPU threads torch should use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
