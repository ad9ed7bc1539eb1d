"""Distilled static models on disk: distilled once per source and settings, written to a
temporary folder and renamed into place, so an interrupted run leaves no half model."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import embedlab
from embedlab import settings

from .sources import Source

__all__ = ["STORE_ENV", "distil", "static_model_dir", "store_root"]

#: Environment variable that moves the store (default: ``<embedlab cache dir>/model2vec``).
STORE_ENV = "EMBEDLAB_MODEL2VEC_DIR"


def store_root() -> Path:
    """The folder distilled models are kept in (read from the environment each call)."""
    explicit = os.environ.get(STORE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    return settings.cache_dir() / "model2vec"


def _folder_name(source: Source, pca_dims: int | None) -> str:
    """One folder per source weights, PCA setting and model2vec release."""
    from model2vec import __version__ as m2v_version

    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(source.name).name or "model")[:60]
    return f"{slug}-{source.revision[:16]}-pca{pca_dims}-m2v{m2v_version}"


def distil(source: Source, target: Path, pca_dims: int | None) -> None:
    """Distil ``source`` into a static model saved at ``target`` (which must not exist)."""
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise embedlab.ConfigurationError(
            f"distilling needs model2vec's distillation dependencies ({exc.name} is missing); "
            "install them with: pip install 'skeletoken>=0.6,<0.7' transformers torch") from None
    if settings.env_flag("EMBEDLAB_PROGRESS") is not False:
        print(f"model2vec: distilling a static model from {source.path} (once; it is kept "
              f"in {target.parent})", file=sys.stderr)
    try:
        model = distill(str(source.path), pca_dims=pca_dims, quantize_to="float32")
    except Exception as exc:  # any failure here is the source folder's: say which
        raise embedlab.ConfigurationError(
            f"could not distil a static model from {source.path}: {exc}. Pass the folder of "
            "a sentence-transformers model (config.json and weights)") from None
    model.save_pretrained(str(target))


def static_model_dir(source: Source, pca_dims: int | None = 256,
                     root: Path | None = None) -> Path:
    """The folder of the static model for ``source``, distilling it on the first call."""
    if source.kind == "static":
        return source.path
    root = root if root is not None else store_root()
    target = root / _folder_name(source, pca_dims)
    if (target / "config.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=root))
    try:
        distil(source, partial / "model", pca_dims)
        try:
            os.rename(partial / "model", target)
        except OSError:
            if not (target / "config.json").is_file():  # not a concurrent run that won
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target
