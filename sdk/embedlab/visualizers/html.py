"""The interactive report page: both maps as inline SVG, the metrics with deltas, the settings.

One self-contained file that works offline: no CDN, no external file, no web font. A small
inline script (written for embedlab) adds the hover tooltip (text and label of the point)
and lets the reader toggle classes on and off in both maps at once. Every string that comes
from the dataset or the run is HTML-escaped; none is placed inside the script.

``context`` is the comparison's report (the dict saved as ``report.json``); the page shows
whichever of its sections are present: ``metrics`` (``baseline``/``custom``), ``dataset``,
``provider``, ``baseline_model``, ``custom_model``, ``settings``, ``timings``, ``versions``.
"""

from __future__ import annotations

import html
import math
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..visualizer import Marker, Projection, Visualizer
from ._audit import audit_sections, suspect_marks
from ._leaderboard import (
    FOLD_CLASSES,
    SORT_SCRIPT,
    STYLE,
    confusion_section,
    leaderboard_section,
    per_class_section,
)
from ._palette import class_colors
from ._validate import checked_points

__all__ = ["HtmlVisualizer", "render_fragment", "render_page"]

_MAP_W, _MAP_H, _PAD = 520.0, 440.0, 16.0

_METRIC_LABELS = {
    "accuracy": "Probe accuracy",
    "log_loss": "Probe log loss",
    "f1_macro": "Macro F1",
    "precision_macro": "Macro precision",
    "recall_macro": "Macro recall",
    "knn_accuracy": "k-NN accuracy",
    "silhouette": "Silhouette (cosine)",
}
_LOWER_IS_BETTER = {"log_loss"}

_CSS = """
.el-report{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
  max-width:1160px;margin:0 auto;padding:12px}
.el-report h1{font-size:22px;margin:4px 0 2px}.el-report h2{font-size:17px;margin:22px 0 8px}
.el-report .el-sub{color:#555;margin:0 0 8px}
.el-report table{border-collapse:collapse;margin:4px 0}
.el-report th,.el-report td{border-bottom:1px solid #e3e3e3;padding:4px 10px;text-align:left;
  vertical-align:top}
.el-report td.el-num{text-align:right;font-variant-numeric:tabular-nums}
.el-report .el-better{color:#0a7d32;font-weight:600}.el-report .el-worse{color:#b3261e;
  font-weight:600}
.el-report .el-maps{display:flex;flex-wrap:wrap;gap:16px}
.el-report figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:6px;background:#fff}
.el-report figcaption{font-weight:600;margin:2px 4px 6px}
.el-report svg{display:block;width:100%;max-width:520px;height:auto;background:#fafafa}
.el-report .el-pt{stroke:#fff;stroke-width:.6;cursor:pointer}
.el-report .el-pt:hover,.el-report .el-pt.el-hl{stroke:#000;stroke-width:1.6}
.el-report .el-legend{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0 10px}
.el-report .el-cls{border:1px solid #bbb;border-radius:14px;background:#fff;padding:2px 10px;
  cursor:pointer;font:inherit}
.el-report .el-cls[aria-pressed=false]{opacity:.4;text-decoration:line-through}
.el-report .el-sw{display:inline-block;width:10px;height:10px;border-radius:50%;
  margin-right:6px}
.el-report .el-tip{position:fixed;pointer-events:none;background:#1d1d1f;color:#fff;
  padding:6px 8px;border-radius:4px;max-width:380px;font-size:13px;z-index:10}
.el-report .el-tip b{display:block;color:#ffd479;font-weight:600}
.el-report code{font-size:12px}
.el-report .el-mk text{font:bold 12px system-ui,sans-serif;paint-order:stroke;stroke:#fff;
  stroke-width:3px}
.el-report .el-highlights ol{margin:0;padding-left:18px}
"""

# Finds its own root by id, so several reports can share one notebook page.
_SCRIPT = """
(function(){
  var root=document.getElementById(%(uid)s);
  if(!root){return;}
  var tip=root.querySelector('.el-tip');
  var points=root.querySelectorAll('.el-pt');
  function show(ev){
    var p=ev.target;
    tip.textContent='';
    var b=document.createElement('b');
    b.textContent=p.getAttribute('data-l');
    tip.appendChild(b);
    tip.appendChild(document.createTextNode(p.getAttribute('data-t')));
    tip.hidden=false;
    move(ev);
    var twins=root.querySelectorAll('.el-pt[data-i="'+p.getAttribute('data-i')+'"]');
    for(var k=0;k<twins.length;k++){twins[k].classList.add('el-hl');}
  }
  function move(ev){
    tip.style.left=Math.min(ev.clientX+14,window.innerWidth-400)+'px';
    tip.style.top=(ev.clientY+14)+'px';
  }
  function hide(){
    tip.hidden=true;
    var lit=root.querySelectorAll('.el-hl');
    for(var k=0;k<lit.length;k++){lit[k].classList.remove('el-hl');}
  }
  for(var i=0;i<points.length;i++){
    points[i].addEventListener('mouseenter',show);
    points[i].addEventListener('mousemove',move);
    points[i].addEventListener('mouseleave',hide);
  }
  function setClass(c,on){
    var btn=root.querySelector('.el-cls[data-c="'+c+'"]');
    if(btn){btn.setAttribute('aria-pressed',on?'true':'false');}
    var pts=root.querySelectorAll('.el-pt[data-c="'+c+'"]');
    for(var k=0;k<pts.length;k++){pts[k].style.display=on?'':'none';}
  }
  var buttons=root.querySelectorAll('.el-cls');
  for(var j=0;j<buttons.length;j++){
    buttons[j].addEventListener('click',function(ev){
      var btn=ev.currentTarget;
      setClass(btn.getAttribute('data-c'),btn.getAttribute('aria-pressed')!=='true');
    });
  }
  var all=root.querySelectorAll('[data-all]');
  for(var a=0;a<all.length;a++){
    all[a].addEventListener('click',function(ev){
      var on=ev.currentTarget.getAttribute('data-all')==='on';
      for(var k=0;k<buttons.length;k++){setClass(buttons[k].getAttribute('data-c'),on);}
    });
  }
  var maps=root.querySelectorAll('svg.el-map');
  for(var m=0;m<maps.length;m++){
    maps[m].setAttribute('data-rendered',String(maps[m].querySelectorAll('.el-pt').length));
  }
%(sort)s
  root.setAttribute('data-ready','true');
})();
"""


def _e(value: Any) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return "n/a" if not math.isfinite(value) else f"{value:.4f}"
    return str(value)


def _delta_cell(name: str, base: Any, custom: Any) -> str:
    if not (isinstance(base, (int, float)) and isinstance(custom, (int, float))
            and math.isfinite(base) and math.isfinite(custom)):
        return '<td class="el-num">n/a</td>'
    delta = float(custom) - float(base)
    better = delta < 0 if name in _LOWER_IS_BETTER else delta > 0
    css = "el-better" if better and delta != 0 else ("el-worse" if delta != 0 else "")
    return f'<td class="el-num {css}">{delta:+.4f}</td>'


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    base = metrics.get("baseline") or {}
    custom = metrics.get("custom") or {}
    names = [n for n in _METRIC_LABELS if n in base or n in custom]
    if not names:
        return ""
    rows = []
    for name in names:
        b, c = base.get(name), custom.get(name)
        arrow = " (lower is better)" if name in _LOWER_IS_BETTER else ""
        rows.append(
            f"<tr><th>{_e(_METRIC_LABELS[name])}{arrow}</th>"
            f'<td class="el-num">{_e(_fmt(b))}</td><td class="el-num">{_e(_fmt(c))}</td>'
            f"{_delta_cell(name, b, c)}</tr>")
    return ('<table class="el-metrics"><thead><tr><th>Metric</th><th>Baseline</th>'
            "<th>Custom</th><th>Δ</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _per_class_table(metrics: Mapping[str, Any]) -> str:
    """Precision, recall and F1 per class under both models; past FOLD_CLASSES classes it is
    sorted by Δ F1 (largest gain first) and starts folded."""
    base = metrics.get("baseline") or {}
    custom = metrics.get("custom") or {}
    table = ""
    per_b, per_c = base.get("per_class") or {}, custom.get("per_class") or {}
    classes = sorted(set(per_b) | set(per_c))
    many = len(classes) > FOLD_CLASSES

    def gain(label: str) -> float:
        b = (per_b.get(label) or {}).get("f1-score")
        c = (per_c.get(label) or {}).get("f1-score")
        ok = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (b, c))
        return float(c) - float(b) if ok else -math.inf  # type: ignore[arg-type]

    if many:
        classes.sort(key=lambda label: (-gain(label), label))
    if classes:
        rows = []
        for label in classes:
            b, c = per_b.get(label) or {}, per_c.get(label) or {}
            support = (c or b).get("support", "")
            if isinstance(support, float) and support.is_integer():
                support = int(support)
            cells = "".join(
                f"<td class='el-num'>{_e(_fmt(side.get(key)))}</td>"
                for key in ("precision", "recall", "f1-score") for side in (b, c))
            rows.append(f"<tr><th>{_e(label)}</th><td class='el-num'>{_e(_fmt(support))}</td>"
                        f"{cells}{_delta_cell('f1', b.get('f1-score'), c.get('f1-score'))}</tr>")
        head = "".join(f"<th colspan='2'>{name}</th>" for name in ("Precision", "Recall", "F1"))
        sub = "<th>baseline</th><th>custom</th>" * 3
        table += (f"<details class='el-per-class-fold'{'' if many else ' open'}><summary>"
                  f"Per class (test split, {len(classes)} classes"
                  + (", sorted by Δ F1; click to unfold" if many else "") + ")</summary>"
                  "<table class='el-per-class'><thead>"
                  f"<tr><th rowspan='2'>Class</th><th rowspan='2'>Test rows</th>{head}"
                  "<th rowspan='2'>Δ F1</th></tr>"
                  f"<tr>{sub}</tr></thead><tbody>" + "".join(rows)
                  + "</tbody></table></details>")
    return table


def _kv_table(items: Mapping[str, Any], css: str) -> str:
    rows = []
    for key, value in items.items():
        if isinstance(value, Mapping):
            value = ", ".join(f"{k}={_fmt(v)}" for k, v in value.items()
                              if v is not None and v != {})
        elif isinstance(value, float) and css == "el-timings":
            value = f"{value:.1f} s"
        rows.append(f"<tr><th>{_e(key)}</th><td><code>{_e(_fmt(value))}</code></td></tr>")
    return f'<table class="{css}"><tbody>{"".join(rows)}</tbody></table>' if rows else ""


def _map_svg(projection: Projection, colors: Mapping[str, str], index: Mapping[str, int],
             uid: str = "") -> str:
    import numpy as np

    points = checked_points(projection)
    low, scale, offset = np.zeros(2), 1.0, np.zeros(2)
    marked = np.asarray([[m.x, m.y] for m in projection.markers], dtype=float).reshape(-1, 2)
    bounds = np.vstack([points, marked[np.isfinite(marked).all(axis=1)]])
    if len(bounds):
        low, high = bounds.min(axis=0), bounds.max(axis=0)
        span = np.where(high - low > 0, high - low, 1.0)
        scale = min((_MAP_W - 2 * _PAD) / span[0], (_MAP_H - 2 * _PAD) / span[1])
        offset = (np.array([_MAP_W, _MAP_H]) - span * scale) / 2
    circles = []
    for i, ((x, y), label, text) in enumerate(zip(points, projection.labels,
                                                  projection.texts, strict=True)):
        cx = offset[0] + (x - low[0]) * scale
        cy = _MAP_H - (offset[1] + (y - low[1]) * scale)  # SVG's y axis points down
        label = str(label)
        circles.append(
            f'<circle class="el-pt" cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" '
            f'fill="{colors[label]}" data-c="{index[label]}" data-i="{i}" '
            f'data-l="{_e(label)}" data-t="{_e(text)}"></circle>')
    for marker in projection.markers:  # highlighted texts: a ring and the tag, text on hover
        if not (math.isfinite(marker.x) and math.isfinite(marker.y)):
            continue
        cx = offset[0] + (marker.x - low[0]) * scale
        cy = _MAP_H - (offset[1] + (marker.y - low[1]) * scale)
        circles.append(
            f'<g class="el-mk" data-tag="{_e(marker.tag)}"><title>{_e(marker.tag)}: '
            f"{_e(marker.text)}</title>"
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="8" fill="none" stroke="#000" '
            f'stroke-width="2"></circle><text x="{cx + 9:.1f}" y="{cy - 7:.1f}">'
            f"{_e(marker.tag)}</text></g>")
    circles += suspect_marks(projection, lambda x, y: (
        offset[0] + (x - low[0]) * scale, _MAP_H - (offset[1] + (y - low[1]) * scale)), uid)
    silhouette = projection.metrics.get("silhouette")
    caption = _e(projection.title)
    if isinstance(silhouette, (int, float)):
        caption += f" · silhouette {_e(_fmt(float(silhouette)))}"
    return (f"<figure><figcaption>{caption}</figcaption>"
            f'<svg class="el-map" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {_MAP_W:.0f} {_MAP_H:.0f}" role="img" '
            f'aria-label="{_e(projection.title)}" data-points="{len(circles)}">'
            + "".join(circles) + "</svg></figure>")


def _neighbour_list(marker: Marker | None) -> str:
    if marker is None or not marker.neighbours:
        return "<td>—</td>"
    items = "".join(f"<li>{_e(text)} <span class='el-sub'>({_e(label)}, "
                    f"{_e(_fmt(float(similarity)))})</span></li>"
                    for text, label, similarity in marker.neighbours)
    return f"<td><ol>{items}</ol></td>"


def _highlights_section(projections: Sequence[Projection]) -> str:
    """Each highlighted text with its nearest rows under the baseline and the custom model."""
    if not projections or not projections[0].markers:
        return ""
    other = {m.tag: m for m in projections[1].markers} if len(projections) > 1 else {}
    rows = []
    for marker in projections[0].markers:
        label = _e(marker.label) if marker.label is not None else "<i>not in the dataset</i>"
        rows.append(f'<tr data-tag="{_e(marker.tag)}"><th>{_e(marker.tag)}</th>'
                    f"<td>{_e(marker.text)}<br><span class='el-sub'>{label}</span></td>"
                    f"{_neighbour_list(marker)}{_neighbour_list(other.get(marker.tag))}</tr>")
    return ("<h2>Highlighted examples</h2><p class='el-sub'>Marked with their tag on both maps; "
            "their nearest rows (class, cosine similarity) under each model.</p>"
            "<table class='el-highlights'><thead><tr><th>Tag</th><th>Text</th>"
            "<th>Nearest under the baseline</th><th>Nearest under the custom model</th>"
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _classify_section(metrics: Mapping[str, Any]) -> str:
    """The classifier's calibration: expected calibration error and the reliability table."""
    sides = {side: (metrics.get(side) or {}).get("calibration") or {}
             for side in ("baseline", "custom")}
    if not any(sides.values()):
        return ""
    ece = "".join(f"<td class='el-num'>{_e(_fmt(side.get('ece')))}</td>"
                  if side.get("ece") is not None else "<td class='el-num'>n/a</td>"
                  for side in sides.values())
    rows = []
    bins = sides["custom"].get("bins") or sides["baseline"].get("bins") or []
    for i, edges in enumerate(bins):
        cells = ""
        for side in sides:
            side_bins = sides[side].get("bins") or []
            row = side_bins[i] if i < len(side_bins) else {}
            accuracy = row.get("accuracy")
            cells += (f"<td class='el-num'>{_e(row.get('count', 0))}</td><td class='el-num'>"
                      f"{_e(_fmt(accuracy)) if accuracy is not None else '—'}</td>")
        rows.append(f"<tr><th>{_e(_fmt(edges.get('lower')))}–{_e(_fmt(edges.get('upper')))}"
                    f"</th>{cells}</tr>")
    return ("<h2>Classify</h2><p class='el-sub'>The custom model keeps this probe as its "
            "classifier (<code>embedlab classify --model ID</code>). Calibration on the test "
            "split: of the rows given a confidence in a bin, the share classified right; the "
            "expected calibration error is the row-weighted gap (lower is better).</p>"
            "<table class='el-calibration'><thead><tr><th></th><th>Baseline</th>"
            f"<th>Custom</th></tr></thead><tbody><tr><th>Expected calibration error</th>{ece}"
            "</tr></tbody></table><table class='el-reliability'><thead><tr>"
            "<th rowspan='2'>Confidence</th><th colspan='2'>Baseline</th>"
            "<th colspan='2'>Custom</th></tr><tr><th>rows</th><th>accuracy</th><th>rows</th>"
            "<th>accuracy</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render_fragment(projections: Sequence[Projection], *, title: str = "",
                    context: Mapping[str, Any] | None = None) -> str:
    """The report as one ``<div>`` with its own style and script (for pages and notebooks)."""
    context = context or {}
    uid = f"embedlab-{uuid.uuid4().hex[:12]}"
    classes = sorted({str(label) for p in projections for label in p.labels})
    colors = class_colors(classes)
    index = {name: i for i, name in enumerate(classes)}
    counts: dict[str, int] = {}
    if projections:
        for label in projections[0].labels:
            counts[str(label)] = counts.get(str(label), 0) + 1

    parts = [f'<div class="el-report" id="{uid}"><style>{_CSS}{STYLE}</style>']
    parts.append(f"<h1>{_e(title or 'embedlab comparison')}</h1>")
    dataset = context.get("dataset") or {}
    custom = context.get("custom_model") or {}
    facts = []
    if dataset:
        facts.append(f"dataset {_e(dataset.get('name') or dataset.get('path') or '')}: "
                     f"{_e(dataset.get('rows', '?'))} rows, "
                     f"{_e(len(dataset.get('classes') or []))} classes")
    if context.get("baseline_model"):
        facts.append(f"baseline <code>{_e(context['baseline_model'])}</code>")
    if custom:
        facts.append(f"custom <code>{_e(custom.get('id', ''))}</code> "
                     f"({_e(custom.get('method', ''))})")
    if facts:
        parts.append(f'<p class="el-sub">{" · ".join(facts)}</p>')

    split = context.get("split") or {}
    if isinstance(split, Mapping) and split.get("overlap"):
        examples = "".join(f"<li>{_e(t)}</li>" for t in split.get("overlap_examples") or [])
        parts.append(f"<p class='el-worse el-leak'>Leakage: {_e(split['overlap'])} of the "
                     f"{_e(split.get('test', '?'))} test rows' texts are also in the training "
                     f"data word for word; their scores are inflated. For example:</p>"
                     f"<ul class='el-leak'>{examples}</ul>")
    skipped = context.get("skipped") or []
    if skipped:
        parts.append("<p class='el-sub'>Skipped: " + "; ".join(_e(s) for s in skipped)
                     + "</p>")
    if len(context.get("leaderboard") or []) > 2:
        parts.append(leaderboard_section(context))

    metrics = context.get("metrics")
    if isinstance(metrics, Mapping):
        table = _metrics_table(metrics)
        if table:
            title = "Metrics on the held-out test split"
            if len(context.get("leaderboard") or []) > 2:
                title += " (the first candidate against its baseline)"
            parts.append(f"<h2>{_e(title)}</h2>" + table)

    parts.append("<h2>Maps of the test split</h2>")
    legend = [
        f'<button type="button" class="el-cls" data-c="{index[name]}" aria-pressed="true">'
        f'<span class="el-sw" style="background:{colors[name]}"></span>{_e(name)}'
        f" ({counts.get(name, 0)})</button>"
        for name in classes
    ]
    legend_html = ('<div class="el-legend">' + "".join(legend)
                   + '<button type="button" class="el-cls" data-all="on">all</button>'
                   + '<button type="button" class="el-cls" data-all="off">none</button></div>')
    if len(classes) > FOLD_CLASSES:  # the maps get the room; the legend unfolds on demand
        legend_html = (f"<details class='el-legend-fold'><summary>Classes ({len(classes)}): "
                       f"show or hide them on the maps</summary>{legend_html}</details>")
    parts.append(legend_html)
    groups: dict[str, list[Projection]] = {}
    for projection in projections:
        groups.setdefault(getattr(projection, "group", "") or "", []).append(projection)
    for group, members in groups.items():
        heading = f"<h3>{_e(group)}</h3>" if len(groups) > 1 and group else ""
        parts.append(f'<div class="el-group">{heading}<div class="el-maps">'
                     + "".join(_map_svg(p, colors, index, uid) for p in members)
                     + "</div></div>")
    parts.append('<p class="el-sub">Hover a point for its text; click a class to hide or show '
                 "it in both maps. Each map is fitted separately, so positions are not "
                 "comparable between maps — the grouping is.</p>")
    if isinstance(metrics, Mapping):
        columns = (context.get("per_class_f1") or {}).get("columns") or []
        parts.append(per_class_section(context) if len(columns) > 2
                     else _per_class_table(metrics))
    parts.append(confusion_section(context))
    parts.append(_highlights_section(projections))
    parts.append(audit_sections(context, uid))
    if isinstance(metrics, Mapping):
        parts.append(_classify_section(metrics))

    run: dict[str, Any] = {}
    if context.get("provider"):
        run["provider"] = context["provider"]
    if dataset:
        for key in ("path", "rows", "fingerprint"):
            if key in dataset:
                run[f"dataset {key}"] = dataset[key]
        if dataset.get("classes"):
            run["classes"] = ", ".join(map(str, dataset["classes"]))
    settings = context.get("settings")
    if isinstance(settings, Mapping):
        run.update({str(k): v for k, v in settings.items()})
    if run:
        parts.append("<h2>Settings</h2>" + _kv_table(run, "el-settings"))
    timings = context.get("timings")
    if isinstance(timings, Mapping) and timings:
        parts.append("<h2>Timings</h2>" + _kv_table(timings, "el-timings"))
    versions = context.get("versions")
    if isinstance(versions, Mapping) and versions:
        parts.append("<h2>Versions</h2>" + _kv_table(versions, "el-versions"))

    parts.append('<div class="el-tip" hidden></div>')
    # The only dynamic value in the script is our own id, written as a JS string literal.
    parts.append("<script>" + _SCRIPT % {"uid": f'"{uid}"', "sort": SORT_SCRIPT}
                 + "</script></div>")
    return "".join(parts)


def render_page(projections: Sequence[Projection], *, title: str = "",
                context: Mapping[str, Any] | None = None) -> str:
    """A complete HTML document around :func:`render_fragment`."""
    body = render_fragment(projections, title=title, context=context)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title or 'embedlab comparison')}</title></head>"
            f"<body>{body}</body></html>\n")


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
