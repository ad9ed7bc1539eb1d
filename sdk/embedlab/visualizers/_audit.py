"""The label audit's parts of the HTML report: marks on the baseline map, "Rows to check",
"Overlapping classes" and the clean candidate. Every dataset string is HTML-escaped; the
styles are in ``static/report.css``."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._visualizer import Projection

__all__ = ["audit_sections", "suspect_marks"]

_LOWER_IS_BETTER = {"log_loss"}
_METRICS = {"accuracy": "Probe accuracy", "log_loss": "Probe log loss (lower is better)",
            "f1_macro": "Macro F1", "knn_accuracy": "k-NN accuracy",
            "silhouette": "Silhouette (cosine)"}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any, digits: int = 4) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:.{digits}f}"
    return "n/a"


def anchor(uid: str, tag: str) -> str:
    """The id of a suspect's mark on the baseline map."""
    return f"{uid}-suspect-{tag}"


def suspect_marks(projection: Projection, place: Callable[[float, float], tuple[float, float]],
                  uid: str) -> list[dict[str, Any]]:
    """The rows to check on this map (a ringed diamond and its rank), placed for the template."""
    out = []
    for mark in projection.suspects:
        if not (math.isfinite(mark.x) and math.isfinite(mark.y)):
            continue
        cx, cy = place(mark.x, mark.y)
        out.append({"id": anchor(uid, mark.tag), "tag": mark.tag, "label": mark.label,
                    "text": mark.text, "tx": f"{cx + 7:.1f}", "ty": f"{cy - 5:.1f}",
                    "path": f"M{cx:.1f} {cy - 6:.1f}L{cx + 6:.1f} {cy:.1f}L{cx:.1f} "
                            f"{cy + 6:.1f}L{cx - 6:.1f} {cy:.1f}Z"})
    return out


def _rows_table(audit: Mapping[str, Any], uid: str) -> str:
    suspects = audit.get("suspects") or []
    count = audit.get("suspect_count", len(suspects))
    intro = (f"<p class='el-sub'>{_e(count)} of {_e(audit.get('rows', '?'))} train rows carry a "
             f"label the baseline embeddings disagree with (a {_e(audit.get('folds', '?'))}-fold "
             "probe scores each row without seeing it; cleanlab's confident learning picks the "
             "rows). Worst first; check them, and fix the label where it is wrong. "
             "All of them are in <code>suspects.csv</code>.</p>")
    if not suspects:
        return "<h2>Rows to check</h2>" + intro
    rows = []
    for s in suspects:
        tag = s.get("map_tag")
        rank = (f"<a href='#{_e(anchor(uid, tag))}' title='show on the baseline map'>"
                f"{_e(tag)}</a>") if tag else ""
        rows.append(f"<tr><td class='el-num'>{rank}</td><td class='el-num'>{_e(s.get('row'))}"
                    f"</td><td class='el-text'>{_e(s.get('text'))}</td><td>{_e(s.get('label'))}"
                    f"</td><td>{_e(s.get('suggested'))}</td><td class='el-num'>"
                    f"{_num(s.get('confidence'), 2)}</td></tr>")
    linked = sum(1 for s in suspects if s.get("map_tag"))
    note = (f"<p class='el-sub'>The first {linked} are marked ◇ on the baseline map with their "
            "number, placed among their nearest test rows (the map shows the test split); "
            "click a number to find it.</p>") if linked else ""
    shown = suspects[:max(linked, 50)]
    more = (f"<p class='el-sub'>… and {len(suspects) - len(shown)} more in "
            "<code>suspects.csv</code>.</p>") if len(suspects) > len(shown) else ""
    return ("<h2>Rows to check</h2>" + intro + note
            + "<table class='el-rows'><thead><tr><th>#</th><th>Row</th><th>Text</th>"
            "<th>Label</th><th>Suggested</th><th>Confidence</th></tr></thead><tbody>"
            + "".join(rows[:len(shown)]) + "</tbody></table>" + more)


def _examples(texts: Sequence[Any]) -> str:
    if not texts:
        return "<td>—</td>"
    return "<td><ul>" + "".join(f"<li>{_e(t)}</li>" for t in texts) + "</ul></td>"


def _overlaps_table(audit: Mapping[str, Any]) -> str:
    overlaps = audit.get("overlaps") or []
    head = ("<h2>Overlapping classes</h2><p class='el-sub'>Pairs of classes the labels mix up "
            "in both directions (estimated rows labelled A that belong to B, and the reverse): "
            "candidates to merge, or to define more clearly for whoever labels.</p>")
    if not overlaps:
        return head + "<p>No pair of classes overlaps both ways.</p>"
    rows = "".join(
        f"<tr><th>{_e(o.get('class_a'))}</th><th>{_e(o.get('class_b'))}</th>"
        f"<td class='el-num'>{_e(o.get('a_as_b'))}</td><td class='el-num'>{_e(o.get('b_as_a'))}"
        f"</td>{_examples(o.get('examples_a_as_b') or [])}"
        f"{_examples(o.get('examples_b_as_a') or [])}</tr>" for o in overlaps)
    return (head + "<table class='el-overlaps'><thead><tr><th>Class A</th><th>Class B</th>"
            "<th>A that look B</th><th>B that look A</th><th>Examples labelled A</th>"
            "<th>Examples labelled B</th></tr></thead><tbody>" + rows + "</tbody></table>")


def _clean_table(clean: Mapping[str, Any], custom: Mapping[str, Any]) -> str:
    metrics = clean.get("metrics") or {}
    rows = []
    for name, label in _METRICS.items():
        a, b = custom.get(name), metrics.get(name)
        cell = "<td class='el-num'>n/a</td>"
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                and math.isfinite(a) and math.isfinite(b):
            delta = b - a
            better = delta < 0 if name in _LOWER_IS_BETTER else delta > 0
            css = "" if delta == 0 else ("el-better" if better else "el-worse")
            cell = f"<td class='el-num {css}'>{delta:+.4f}</td>"
        rows.append(f"<tr><th>{_e(label)}</th><td class='el-num'>{_num(a)}</td>"
                    f"<td class='el-num'>{_num(b)}</td>{cell}</tr>")
    model = clean.get("custom_model") or {}
    return ("<h2>Custom model trained without the rows to check</h2><p class='el-sub'>"
            f"<code>{_e(model.get('id', ''))}</code>: the same training on "
            f"{_e(clean.get('train_rows', '?'))} rows ({_e(clean.get('removed_rows', '?'))} "
            "rows to check left out), scored on the same test split; saved in "
            f"<code>{_e(model.get('path', ''))}/</code>.</p>"
            "<table class='el-clean'><thead><tr><th>Metric</th><th>Custom</th>"
            "<th>Custom, cleaned</th><th>Δ</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def audit_sections(context: Mapping[str, Any], uid: str) -> str:
    """The audit's sections of the report, or ``""`` when the comparison ran without it."""
    audit = context.get("audit")
    clean = context.get("clean_candidate")
    if not isinstance(audit, Mapping) and not isinstance(clean, Mapping):
        return ""
    parts = ["<div class='el-audit'>"]
    if isinstance(audit, Mapping) and audit.get("skipped") and "suspects" not in audit:
        parts.append("<h2>Rows to check</h2><p class='el-sub'>The label audit did not run: "
                     f"{_e(audit['skipped'])}</p>")
    elif isinstance(audit, Mapping):
        parts.append(_rows_table(audit, uid) + _overlaps_table(audit))
    if isinstance(clean, Mapping) and clean.get("skipped"):
        parts.append("<h2>Custom model trained without the rows to check</h2>"
                     f"<p class='el-sub el-warning'>Skipped: {_e(clean['skipped'])}</p>")
    elif isinstance(clean, Mapping):
        custom = (context.get("metrics") or {}).get("custom") or {}
        parts.append(_clean_table(clean, custom))
    parts.append("</div>")
    return "".join(parts)
