"""Writing a comparison's report directory, all of it or none of it.

``DIR/`` holds ``report.html`` (maps, metrics with deltas, settings), ``report.json``,
``comparison.png``, the embeddings (``embeddings/*.npy`` with the row ids of each split) and
``model/`` (the custom model). Everything is built in a hidden temporary directory beside
``DIR`` and renamed into place at the end; ``report.json`` is written last even there. An
interrupted or failed run leaves no ``DIR/report.json`` — nothing that looks complete. An
earlier report is replaced only on request, and only its own files (:mod:`embedlab._manifest`).
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._custom_models import remember_saved
from .._errors import ConfigurationError
from .._lookup import get_visualizer
from .._lookup import visualizers as registered
from .._manifest import check_output_dir as check_dir
from .._manifest import staged_output
from .._plugins import get_registry
from .._version import __version__
from .comparison_audit import audit_report, relocate_clean_model, save_audit_files
from .leaderboard import candidates_report, model_path
from .projection import REQUIRES
from .steps import StepLog

if TYPE_CHECKING:
    from .runs import ComparisonData as Comparison
    from .runs import ModelRun

__all__ = ["REPORT_JSON", "build_report", "check_output_dir", "check_requirements",
           "collect_versions", "write_report"]

#: The machine-readable report's file name; its presence marks a complete report.
REPORT_JSON = "report.json"
#: Schema version of ``report.json``.
SCHEMA_VERSION = 1

#: Libraries every run uses (the core and the report's), whatever the provider.
_ALWAYS = ("numpy", "scikit-learn", "umap-learn", "matplotlib")


def _normal(name: str) -> str:
    """A distribution or extra name in its normal form (PEP 503/685)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _extra_requirements(dist: str, extra: str) -> list[str]:
    """The distributions ``dist`` requires for its extra ``extra`` (``embedlab[local]``)."""
    try:
        requirements = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        return []
    out = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        wanted = re.search(r"""extra\s*==\s*["']([^"']+)["']""", marker)
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec.strip())
        if wanted and name and _normal(wanted.group(1)) == _normal(extra):
            out.append(name.group(0))
    return out


def _provider_distributions(provider: str) -> list[str]:
    """The distributions a provider runs on, read from its registration (no provider is named
    here): those shipping the modules it ``requires``, its plugin's distribution, and what
    that distribution requires for the extra named after the provider."""
    registry = get_registry()
    owners = metadata.packages_distributions()
    out: list[str] = []
    for entry in [*registry.of("embedder"), *registry.of("finetuner")]:
        if entry.name != provider:
            continue
        for module in entry.requires:
            out += owners.get(module.partition(".")[0], [])
        if entry.source not in ("builtin", "in-process", "entry point"):
            out += [entry.source, *_extra_requirements(entry.source, provider)]
    return list(dict.fromkeys(out))


def collect_versions(provider: str | None = None) -> dict[str, str]:
    """Versions of embedlab, Python and the libraries the run used (for reproducing it)."""
    out = {"embedlab": __version__, "python": platform.python_version()}
    for dist in (*_ALWAYS, *(_provider_distributions(provider) if provider else ())):
        if _normal(dist) in {_normal(name) for name in out}:
            continue
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def _installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it)."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def check_requirements(*, projection: str | None = "umap",
                       visualizers: Sequence[str] = ()) -> None:
    """Fail before any embedding or training when the run would need a library that is not
    installed: the projection's (UMAP: umap-learn) or a visualizer's (the PNG: matplotlib).

    Raises :class:`~embedlab.ConfigurationError` naming every missing library, the
    command that installs it and the way around it. Unknown names are left to the steps that
    use them, which say what exists.
    """
    needs: list[str] = []
    installs: list[str] = []
    method = (projection or "").lower()
    if method in REQUIRES:
        module, dist, install = REQUIRES[method]
        if not _installed(module):
            needs.append(f"{dist} for the {method} projection (or use the pca projection)")
            installs.append(install)
    entries = {entry.name: entry for entry in registered()}
    for name in dict.fromkeys(visualizers):
        entry = entries.get(name)
        missing = [m for m in entry.requires if not _installed(m)] if entry else []
        if entry is not None and missing:
            needs.append(f"{', '.join(missing)} for the {name} visualizer")
            installs.append(entry.install or f"pip install {' '.join(missing)}")
    if needs:
        raise ConfigurationError(
            f"this run needs libraries that are not installed: {'; '.join(needs)}. "
            f"Install with: {' and '.join(dict.fromkeys(installs))}. "
            "Nothing was embedded or trained.")


def _json_safe(value: Any) -> Any:
    """NaN and infinity become ``null`` (strict JSON); numpy scalars become Python ones."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _highlights(comparison: Comparison) -> list[dict[str, Any]]:
    """The highlighted texts with their place and nearest neighbours on each map."""
    out: dict[str, dict[str, Any]] = {}
    for side, projection in zip(("baseline", "custom"), comparison.projections, strict=False):
        for marker in projection.markers:
            entry = out.setdefault(marker.tag, {"tag": marker.tag, "text": marker.text,
                                                "label": marker.label})
            entry[side] = {"x": marker.x, "y": marker.y, "neighbours": [
                {"text": text, "label": label, "similarity": similarity}
                for text, label, similarity in marker.neighbours]}
    return list(out.values())


def build_report(comparison: Comparison, *, artifacts: Sequence[str] = (),
                 timings: dict[str, float] | None = None,
                 artifact_errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The content of ``report.json`` for ``comparison`` (``timings``: the run's, with the
    saving steps; ``artifact_errors``: the visualizers that failed while saving)."""
    data = comparison.dataset
    custom = comparison.custom_model
    metrics: dict[str, Any] = {}
    for side, evaluation in comparison.evaluations.items():
        entry: dict[str, Any] = dict(evaluation.headline())
        entry.update(per_class=evaluation.per_class,
                     confusion_matrix=evaluation.confusion_matrix,
                     knn_k=evaluation.knn_k, calibration=evaluation.calibration)
        entry.update({k: v for k, v in evaluation.meaning().items() if v is not None})
        metrics[side] = entry
    report: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "title": comparison.title,
        "metrics": metrics,
        "deltas": comparison.deltas,
        "dataset": {
            "name": data.name,
            "path": str(Path(data.source).resolve()) if data.source
            and Path(data.source).exists() else data.source,
            "rows": len(data),
            "classes": data.classes,
            "class_counts": data.describe()["class_counts"],
            "fingerprint": data.fingerprint,
            "train_rows": len(comparison.train),
            "test_rows": len(comparison.test),
            "warnings": comparison.warnings,
        },
        "provider": comparison.provider,
        "baseline_model": comparison.baseline_model,
        "custom_model": {
            "id": custom.id,
            "method": custom.method,
            "provider": custom.provider,
            "base_model": custom.base_model,
            "path": "model",
            "training_metrics": custom.metrics,
            "classifier_calibration": dict(comparison.primary.calibration) or None,
        },
        "settings": comparison.settings,
        "timings": comparison.timings if timings is None else timings,
        "versions": comparison.versions,
        "highlights": _highlights(comparison),
        "artifacts": list(artifacts),
        "artifact_errors": dict(artifact_errors or {}),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    report.update(audit_report(comparison))  # the label audit and the clean candidate
    report.update(candidates_report(comparison))  # split, candidates, leaderboard
    safe: dict[str, Any] = _json_safe(report)
    return safe


def _save_embeddings(comparison: Comparison, directory: Path) -> list[str]:
    import numpy as np

    directory.mkdir()
    written = []
    for name, array in comparison.embeddings.items():
        np.save(directory / f"{name}.npy", np.asarray(array, dtype=np.float32))
        written.append(f"embeddings/{name}.npy")
    for side, projection in zip(("baseline", "custom"), comparison.projections, strict=False):
        np.save(directory / f"{side}_map.npy", np.asarray(projection.points, dtype=np.float32))
        written.append(f"embeddings/{side}_map.npy")
    ids = {"train": list(comparison.train.ids), "test": list(comparison.test.ids),
           "note": "row i of *_train.npy / *_test.npy / *_map.npy is the row with id [i]"}
    (directory / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    written.append("embeddings/ids.json")
    return written


def check_output_dir(target: Path, *, overwrite: bool = False) -> None:
    """Refuse a directory embedlab may not write a report into (see :mod:`embedlab._manifest`)."""
    check_dir(target, overwrite=overwrite, what="report")


def write_report(comparison: Comparison, path: str | Path, *,
                 visualizers: Sequence[str] = ("png", "html"),
                 steps: StepLog | None = None, overwrite: bool = False) -> Path:
    """Render and save ``comparison`` into directory ``path`` atomically; return the path.

    An earlier report there is replaced only with ``overwrite``; a directory with files
    embedlab did not write is refused. A visualizer that fails is named with its error in
    ``report.json``'s ``artifact_errors`` and the rest of the report is still saved.
    """
    log = steps or StepLog(2, quiet=True)
    target = Path(path).expanduser().absolute()
    with staged_output(target, overwrite=overwrite, what="report") as tmp:
        artifacts: list[str] = []
        errors: dict[str, str] = {}
        with log.step("render maps and report", "render"):
            context = build_report(comparison)
            for name in visualizers:
                try:
                    files = get_visualizer(name).render(
                        comparison.projections, tmp, title=comparison.title, context=context)
                except Exception as exc:  # one artifact failing never loses the run
                    errors[name] = f"{type(exc).__name__}: {exc}"
                    log.say(f"warning: the {name} artifact failed and was not saved: "
                            f"{type(exc).__name__}: {exc}")
                    continue
                for file in files:
                    artifacts.append(Path(file).resolve().relative_to(tmp.resolve()).as_posix())
        with log.step(f"save to {target}", "save"):
            artifacts += _save_embeddings(comparison, tmp / "embeddings")
            comparison.custom_model.save(tmp / "model", remember=False)
            artifacts.append("model/")
            artifacts += save_audit_files(comparison, tmp)
            artifacts += _save_other_models(comparison, tmp)
            report = build_report(comparison, artifacts=[*artifacts, REPORT_JSON],
                                  timings={**comparison.timings, **log.timings},
                                  artifact_errors=errors)
            with (tmp / REPORT_JSON).open("w", encoding="utf-8") as fh:
                json.dump(report, fh, indent=2, allow_nan=False)
                fh.flush()
                os.fsync(fh.fileno())
    # The models were saved inside the staging directory: index them where they now live.
    remember_saved(comparison.custom_model, target / "model")
    relocate_clean_model(comparison, target)
    for cand, where in _other_models(comparison):
        assert cand.custom_model is not None
        remember_saved(cand.custom_model, target / where)
    return target


def _other_models(comparison: Comparison) -> list[tuple[ModelRun, str]]:
    """The candidates' custom models other than ``model/``, with their place in the report."""
    out = []
    for cand in comparison.candidates:
        where = model_path(comparison, cand)
        if where is not None and where != "model":
            out.append((cand, where))
    return out


def _save_other_models(comparison: Comparison, directory: Path) -> list[str]:
    """Save every other candidate's custom model under ``models/``."""
    written = []
    for cand, where in _other_models(comparison):
        assert cand.custom_model is not None
        cand.custom_model.save(directory / where, remember=False)
        written.append(f"{where}/")
    return written


