"""report.html opened in headless Chromium, as a reader would: both maps draw every point,
the class toggles and the hover tooltip work, and the console stays silent."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import embedlab
import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

# A page beside the report that loads it in a frame, plays the reader, and writes what it
# saw into its own DOM for --dump-dom. Written for this test.
_PROBE = """<!DOCTYPE html><html><body>
<iframe id="f" src="report.html" width="1200" height="900"></iframe>
<pre id="result">pending</pre>
<script>
function shown(list) {
  return Array.prototype.filter.call(list, function (p) {
    var r = p.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;
}
document.getElementById('f').addEventListener('load', function () {
  var out = {};
  try {
    var d = this.contentDocument;
    out.ready = d.querySelector('.el-report').getAttribute('data-ready');
    out.maps = Array.prototype.map.call(d.querySelectorAll('svg.el-map'), function (s) {
      var pts = s.querySelectorAll('.el-pt');
      return {points: pts.length, visible: shown(pts),
              rendered: s.getAttribute('data-rendered')}; });
    var btn = d.querySelector('.el-cls[data-c="0"]');
    out.class0 = d.querySelectorAll('.el-pt[data-c="0"]').length;
    btn.click();
    out.visibleClass0AfterClick = shown(d.querySelectorAll('.el-pt[data-c="0"]'));
    out.visibleOthersAfterClick = shown(d.querySelectorAll('.el-pt:not([data-c="0"])'));
    out.pressed = btn.getAttribute('aria-pressed');
    btn.click();
    out.visibleClass0AfterSecondClick = shown(d.querySelectorAll('.el-pt[data-c="0"]'));
    var p = d.querySelectorAll('.el-pt')[3];
    p.dispatchEvent(new MouseEvent('mouseenter', {clientX: 20, clientY: 20}));
    var tip = d.querySelector('.el-tip');
    out.tip = {hidden: tip.hidden, label: tip.querySelector('b').textContent,
               text: tip.textContent, expectedLabel: p.getAttribute('data-l'),
               expectedText: p.getAttribute('data-t')};
  } catch (e) { out.error = String(e); }
  document.getElementById('result').textContent = JSON.stringify(out);
});
</script></body></html>
"""


def _open(page: Path, profile: Path) -> tuple[str, str]:
    assert CHROMIUM is not None
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--allow-file-access-from-files",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def test_report_renders_every_point_and_interacts(fake_comparison: embedlab.Comparison,
                                                  tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    probe = out / "probe.html"
    probe.write_text(_PROBE, encoding="utf-8")
    dom, log = _open(probe, tmp_path / "profile")

    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    match = re.search(r'<pre id="result">(.*?)</pre>', dom, flags=re.S)
    assert match, dom[-2000:]
    seen = json.loads(html.unescape(match.group(1)))
    assert "error" not in seen, seen
    assert seen["ready"] == "true"

    n = len(fake_comparison.test)
    assert [m["points"] for m in seen["maps"]] == [n, n]
    assert [m["visible"] for m in seen["maps"]] == [n, n]
    assert [m["rendered"] for m in seen["maps"]] == [str(n), str(n)]

    first_class = sorted(set(fake_comparison.test.labels))[0]
    assert seen["class0"] == 2 * list(fake_comparison.test.labels).count(first_class)
    assert seen["pressed"] == "false"
    assert seen["visibleClass0AfterClick"] == 0
    assert seen["visibleOthersAfterClick"] == 2 * n - seen["class0"]
    assert seen["visibleClass0AfterSecondClick"] == seen["class0"]

    tip = seen["tip"]
    assert tip["hidden"] is False
    assert tip["label"] == tip["expectedLabel"]
    assert tip["expectedLabel"] in fake_comparison.test.labels
    assert tip["text"] == tip["expectedLabel"] + tip["expectedText"]
    assert tip["expectedText"] in fake_comparison.test.texts


def test_report_page_alone_has_no_console_output(fake_comparison: embedlab.Comparison,
                                                 tmp_path: Path) -> None:
    out = fake_comparison.save(tmp_path / "run")
    dom, log = _open(out / "report.html", tmp_path / "profile")
    assert [line for line in log.splitlines() if ":CONSOLE" in line] == []
    assert 'data-ready="true"' in dom
    assert dom.count('class="el-pt"') == 2 * len(fake_comparison.test)
