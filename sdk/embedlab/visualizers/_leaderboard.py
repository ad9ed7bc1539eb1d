"""The candidates' parts of the HTML report: the leaderboard (best in each column marked),
per-class F1 across models (sortable, folded past :data:`FOLD_CLASSES` classes) and the
class pairs each custom model stopped or started confusing. Every string is escaped; the
styles and the sorting script are in ``static/report.css`` and ``static/report.js``."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FOLD_CLASSES", "confusion_section", "leaderboard_section", "per_class_section"]

#: Past this many classes the per-class table starts folded and the maps get the room.
FOLD_CLASSES = 20

_METRICS = (("accuracy", "Accuracy"), ("log_loss", "Log loss ↓"), ("f1_macro", "Macro F1"),
            ("precision_macro", "Precision"), ("recall_macro", "Recall"),
            ("knn_accuracy", "k-NN"), ("silhouette", "Silhouette"),
            ("neighbours_kept", "Neighbours kept"), ("similarity_agreement", "Sim. agreement"))
_LOWER = {"log_loss"}


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _finite(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _num(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if _finite(value) else "n/a"


def _best(rows: Sequence[Mapping[str, Any]]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for name, _ in _METRICS:
        values = [(i, float(r[name])) for i, r in enumerate(rows) if _finite(r.get(name))]
        if len(values) < 2:
            continue
        best = (min if name in _LOWER else max)(v for _, v in values)
        out[name] = {i for i, v in values if v == best}
    return out


def leaderboard_section(context: Mapping[str, Any]) -> str:
    """One row per baseline and custom model; the best value of each metric marked."""
    rows = context.get("leaderboard") or []
    if not rows:
        return ""
    best = _best(rows)
    head = "".join(f"<th data-sort='{i + 2}'>{_e(label)}</th>"
                   for i, (_, label) in enumerate(_METRICS))
    body = []
    for i, row in enumerate(rows):
        cells = []
        for name, _ in _METRICS:
            value = row.get(name)
            mark = " el-best" if i in best.get(name, set()) else ""
            title = " title='best in this column'" if mark else ""
            cells.append(f"<td class='el-num{mark}'{title} data-v='{_e(value)}'>"
                         f"{_e(_num(value))}{' ★' if mark else ''}</td>")
        seconds = row.get("train_seconds")
        for value, text in ((seconds, f"{seconds:.1f} s" if _finite(seconds) else "—"),
                            (row.get("embedding_calls"), row.get("embedding_calls")),
                            (row.get("texts_sent"), row.get("texts_sent")),
                            (row.get("dimension"), row.get("dimension"))):
            cells.append(f"<td class='el-num' data-v='{_e(value)}'>"
                         f"{_e('—' if text is None else text)}</td>")
        failed = row.get("status") == "failed"
        model = row.get("model") or ""
        status = (f"<br><span class='el-sub'>failed: {_e(row.get('error', ''))}</span>"
                  if failed else "")
        body.append(f"<tr class='{'el-failed' if failed else ''}' data-kind='{_e(row['kind'])}'>"
                    f"<th data-v='{_e(row.get('candidate'))}'>{_e(row.get('candidate'))}{status}"
                    f"</th><td data-v='{_e(model)}'><code>{_e(model)}</code></td>"
                    + "".join(cells) + "</tr>")
    return ("<h2>Leaderboard</h2><p class='el-sub'>Every model on the same test split; ★ marks "
            "the best in each column (log loss: lowest). Calls and texts: embedding requests "
            "sent to the provider for that row (a baseline counted once; cached texts are "
            "free). Click a header to sort.</p>"
            "<table class='el-lb'><thead><tr><th data-sort='0'>Model</th><th data-sort='1'>Id"
            f"</th>{head}<th data-sort='9'>Training</th><th data-sort='10'>Calls</th>"
            "<th data-sort='11'>Texts sent</th><th data-sort='12'>Dim</th></tr></thead>"
            "<tbody>" + "".join(body) + "</tbody></table>")


def per_class_section(context: Mapping[str, Any]) -> str:
    """F1 per class under every model, sorted by ΔF1 (first custom model minus its baseline),
    folded when there are many classes."""
    table = context.get("per_class_f1") or {}
    columns: list[str] = list(table.get("columns") or [])
    classes: Mapping[str, Mapping[str, Any]] = table.get("classes") or {}
    if len(columns) < 2 or not classes:
        return ""
    support: dict[str, Any] = {}
    for side in ("custom", "baseline"):
        per = ((context.get("metrics") or {}).get(side) or {}).get("per_class") or {}
        for label, entry in per.items():
            support.setdefault(str(label), (entry or {}).get("support"))

    def delta(label: str) -> float | None:
        base: Any = classes[label].get(columns[0])
        custom: Any = classes[label].get(columns[1])
        return float(custom) - float(base) if _finite(base) and _finite(custom) else None

    def rank(label: str) -> tuple[float, str]:
        d = delta(label)
        return (-d if d is not None else math.inf, label)

    order = sorted(classes, key=rank)
    rows = []
    for label in order:
        d = delta(label)
        css = "el-better" if d is not None and d > 0 else "el-worse" if d else ""
        count: Any = support.get(label)
        count_text = int(count) if _finite(count) and float(count).is_integer() else count
        cells = "".join(f"<td class='el-num' data-v='{_e(classes[label].get(c))}'>"
                        f"{_e(_num(classes[label].get(c), 3))}</td>" for c in columns)
        rows.append(f"<tr><th data-v='{_e(label)}'>{_e(label)}</th>"
                    f"<td class='el-num' data-v='{_e(count)}'>{_e(count_text or '')}</td>"
                    f"{cells}<td class='el-num {css}' data-v='{_e(d)}'>"
                    f"{'n/a' if d is None else f'{d:+.3f}'}</td></tr>")
    head = "".join(f"<th data-sort='{i + 2}'>{_e(c)}</th>" for i, c in enumerate(columns))
    many = len(classes) > FOLD_CLASSES
    summary = (f"Per-class F1 across models ({len(classes)} classes, sorted by Δ F1"
               + ("; click to unfold" if many else "") + ")")
    return (f"<details class='el-per-class-all'{'' if many else ' open'}><summary>{summary}"
            "</summary><p class='el-sub'>Δ F1: "
            f"{_e(columns[1])} minus {_e(columns[0])}. Click a header to sort.</p>"
            "<table class='el-f1-table'><thead><tr><th data-sort='0'>Class</th>"
            f"<th data-sort='1'>Test rows</th>{head}"
            f"<th data-sort='{len(columns) + 2}' data-dir='desc'>Δ F1</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></details>")


def confusion_section(context: Mapping[str, Any]) -> str:
    """For each custom model, the class pairs it stopped and started confusing."""
    parts = []
    for cand in context.get("candidates") or []:
        changes = cand.get("confusion_changes")
        if not changes:
            continue
        lists = []
        for key, title in (("stopped", "Stopped confusing"), ("started", "Started confusing")):
            items = "".join(f"<li>{_e(p['true'])} → {_e(p['predicted'])}: {_e(p['baseline'])}"
                            f" → {_e(p['custom'])} test rows</li>" for p in changes[key])
            lists.append(f"<div><b>{title}</b><ul>{items or '<li>none</li>'}</ul></div>")
        parts.append(f"<div class='el-group'><h3>{_e(cand['baseline_model'])} · "
                     f"{_e(cand['method'])}</h3><div class='el-pairs'>{''.join(lists)}</div>"
                     "</div>")
    if not parts:
        return ""
    return ("<h2>Confusions that changed</h2><p class='el-sub'>True class → predicted class, "
            "test rows under the baseline → under the custom model (from both confusion "
            "matrices).</p>" + "".join(parts))
