"""The interactive report page: both maps as inline SVG, the metrics with deltas, the settings.

One self-contained file that works offline: no CDN, no external file, no web font. The page
comes from jinja2 templates (``templates/``) with autoescaping on, so every string from the
dataset or the run is escaped; the style and the small script written for embedlab
(``static/report.css``, ``static/report.js``: hover tooltip with the point's text and label,
classes toggled on and off in every map at once, sortable tables) are inlined at render time.
No dataset string is placed inside the script.

``context`` is the comparison's report (the dict saved as ``report.json``); the page shows
whichever of its sections are present: ``metrics`` (``baseline``/``custom``), ``dataset``,
``provider``, ``baseline_model``, ``custom_model``, ``settings``, ``timings``, ``versions``,
and the candidates' and the label audit's sections.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._visualizer import Projection, Visualizer
from . import _sections
from ._audit import audit_sections
from ._leaderboard import FOLD_CLASSES, confusion_section, leaderboard_section, per_class_section
from ._maps import map_view
from ._palette import class_colors

if TYPE_CHECKING:
    import jinja2

__all__ = ["HtmlVisualizer", "render_fragment", "render_page"]

_DEFAULT_TITLE = "embedlab comparison"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The template environment (jinja2 is imported here, on the first render)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("embedlab.visualizers", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@functools.cache
def _static(name: str) -> str:
    """A file of ``static/`` (the page's CSS or script), to inline into the page."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


def _map_groups(projections: Sequence[Projection], classes: Sequence[str],
                uid: str) -> list[dict[str, Any]]:
    """The maps, drawn together by group (a provider's baseline and its custom models)."""
    colors = class_colors(classes)
    index = {name: i for i, name in enumerate(classes)}
    groups: dict[str, list[Projection]] = {}
    for projection in projections:
        groups.setdefault(projection.group or "", []).append(projection)
    return [{"heading": group if len(groups) > 1 else "",
             "maps": [map_view(p, colors, index, uid, _sections.fmt) for p in members]}
            for group, members in groups.items()]


def _metric_sections(context: Mapping[str, Any], several: bool) -> dict[str, Any]:
    """The sections drawn from ``context["metrics"]``: headline, per class, calibration."""
    metrics = context.get("metrics")
    if not isinstance(metrics, Mapping):
        return {"metric_rows": [], "metrics_title": "", "meaning_note": "", "per_class": None,
                "per_class_html": "", "calibration": None}
    columns = (context.get("per_class_f1") or {}).get("columns") or []
    across = len(columns) > 2  # several models: one F1 table across all of them
    title = "Metrics on the held-out test split"
    if several:
        title += " (the first candidate against its baseline)"
    return {"metric_rows": _sections.metric_rows(metrics), "metrics_title": title,
            "meaning_note": _sections.meaning_note(metrics),
            "per_class": None if across else _sections.per_class(metrics),
            "per_class_html": per_class_section(context) if across else "",
            "calibration": _sections.calibration(
                metrics, (context.get("custom_model") or {}).get("classifier_calibration"))}


def _view(projections: Sequence[Projection], title: str,
          context: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the templates draw, as plain data. The ``*_html`` values and the style and
    script are embedlab's own markup (every string in them escaped), placed as they are."""
    uid = f"embedlab-{uuid.uuid4().hex[:12]}"
    classes = sorted({str(label) for p in projections for label in p.labels})
    colors = class_colors(classes)
    several = len(context.get("leaderboard") or []) > 2
    return {
        "uid": uid, "title": title or _DEFAULT_TITLE,
        "css": _static("report.css"), "script": _static("report.js"),
        "facts": _sections.facts(context), "leak": _sections.leak(context),
        "skipped": [str(s) for s in context.get("skipped") or []],
        "leaderboard_html": leaderboard_section(context) if several else "",
        **_metric_sections(context, several),
        "legend": _sections.legend(projections, classes, colors),
        "fold_legend": len(classes) > FOLD_CLASSES,  # the maps get the room
        "groups": _map_groups(projections, classes, uid),
        "confusion_html": confusion_section(context),
        "highlights": _sections.highlights(projections),
        "audit_html": audit_sections(context, uid),
        "run_tables": _sections.run_tables(context),
    }


def render_fragment(projections: Sequence[Projection], *, title: str = "",
                    context: Mapping[str, Any] | None = None) -> str:
    """The report as one ``<div>`` with its own style and script (for pages and notebooks)."""
    view = _view(projections, title, context or {})
    return str(_environment().get_template("fragment.html.j2").render(view))


def render_page(projections: Sequence[Projection], *, title: str = "",
                context: Mapping[str, Any] | None = None) -> str:
    """A complete HTML document around :func:`render_fragment`."""
    view = _view(projections, title, context or {})
    return str(_environment().get_template("page.html.j2").render(view))


class HtmlVisualizer(Visualizer):
    """Writes the interactive page to ``report.html`` (``context["html_name"]``) in ``out_dir``."""

    name = "html"

    def render(self, projections: Sequence[Projection], out_dir: str | Path,
               *, title: str = "", context: dict[str, Any] | None = None) -> list[Path]:
        """Write the page (atomically) and return its path."""
        context = context or {}
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        target = out / str(context.get("html_name", "report.html"))
        tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            tmp.write_text(render_page(projections, title=title, context=context),
                           encoding="utf-8")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return [target]
