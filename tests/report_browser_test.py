#!/usr/bin/env python3
"""`geosim report` end to end, rendered in headless Chromium (a launcher test).

Builds four reports from scenarios/triad.yaml:
  run       a `geosim run` folder with one run
  compare   a `geosim compare --db` database (5 runs per policy)
  sweep     a `geosim sweep` database: a 3 x 2 grid, 3 replicates
  scenario  the scenario itself (`geosim report triad.yaml --runs 3`: runs and a comparison)
and for each one checks:
  * the file is self-contained: no reference to anything outside it (no
    src/href/url() other than #fragments and data: URIs, no http(s) URL other
    than XML namespace names);
  * Chromium loads it (--dump-dom) without console errors, and the report's own
    inline check (#report-status) says every <figure> holds a drawing of nonzero
    size, and no script error happened;
  * every expected figure is there: the count of figures of each kind
    (agent, strategy, network, forest, sweep-scatter, sweep-heatmap);
  * a screenshot of the whole page is saved (printed at the end).
Then the command's errors: an existing --out (exit 2, file untouched), a
SQLite file that is not a geosim database, an unknown --agents or --powers name, and that
no temporary file is left behind.

Chromium is required: without it the test FAILS (tools/setup.sh installs
Debian's `chromium`). GEOSIM_CHROMIUM names another browser binary.

  python3 tests/report_browser_test.py --geosim build/release/tools/geosim \
      --source-dir . --work build/release/tests/report_browser [--docs-images docs/images]

--docs-images also writes downscaled screenshots (PNG, < 400 KB) for docs/report.md.
"""
import argparse
import html.parser
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

FAILURES = []


def fail(message):
    FAILURES.append(message)
    print(f"FAIL: {message}", flush=True)


def run(cmd, expect=0, **kw):
    print("+ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if expect is not None and p.returncode != expect:
        fail(f"{' '.join(cmd)}: exit {p.returncode}, expected {expect}\n{p.stdout}\n{p.stderr}")
    return p


def find_chromium():
    names = [os.environ.get("GEOSIM_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome",
             "google-chrome-stable"]
    for n in names:
        if n and shutil.which(n):
            return shutil.which(n)
    return None


class StatusParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.status = None
        self._in = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "report-status":
            self.status = a
            self._in = True

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.text += data


XMLNS_OK = re.compile(r'xmlns(?::\w+)?="http://www\.w3\.org/[^"]*"')


def check_self_contained(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bad = []
    for m in re.finditer(r'\b(?:src|href|xlink:href|action|poster)\s*=\s*["\']([^"\']*)["\']', text):
        if not (m.group(1).startswith("#") or m.group(1).startswith("data:")):
            bad.append(m.group(0))
    for m in re.finditer(r"url\(\s*['\"]?([^)'\"]*)", text):
        if not (m.group(1).startswith("#") or m.group(1).startswith("data:")):
            bad.append(m.group(0))
    if "@import" in text:
        bad.append("@import")
    for m in re.finditer(r"(?:https?|ftp)://[^\s\"'<>)]*", XMLNS_OK.sub("", text)):
        bad.append(m.group(0))
    if bad:
        fail(f"{path} refers to outside resources: {sorted(set(bad))[:8]}")
    return text


def chromium_base(chromium, profile):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
            f"--user-data-dir={profile}"]


def render(chromium, html_file, screenshot, expected_kinds):
    """Loads the report in Chromium; returns (screenshot path, {section id: y}) or (None, {})."""
    url = "file://" + os.path.abspath(html_file)
    with tempfile.TemporaryDirectory(prefix="geosim-chromium-") as profile:
        cmd = chromium_base(chromium, profile) + ["--enable-logging=stderr", "--v=0", "--window-size=1280,1000",
                                                  "--virtual-time-budget=10000", "--dump-dom", url]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            fail(f"{html_file}: chromium --dump-dom timed out")
            return None, {}
    console = [line for line in p.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "SyntaxError" in line]
    if console:
        fail(f"{html_file}: console messages while loading:\n  " + "\n  ".join(console[:10]))
    parser = StatusParser()
    parser.feed(p.stdout)
    st = parser.status
    if st is None:
        fail(f"{html_file}: no #report-status in the DOM Chromium dumped (exit {p.returncode}); stderr:\n"
             + p.stderr[-2000:])
        return None, {}
    print(f"  status: {st.get('data-status')}; figures {st.get('data-figures')}/{st.get('data-expected')}; "
          f"kinds {st.get('data-kinds')}; {parser.text.strip()}", flush=True)
    if st.get("data-status") != "ok":
        fail(f"{html_file}: self-check says {st.get('data-status')}: not drawn: {st.get('data-bad')!r}, "
             f"errors: {st.get('data-errors')!r}")
    kinds = dict(kv.split("=") for kv in (st.get("data-kinds") or "").split(",") if kv)
    kinds = {k: int(v) for k, v in kinds.items()}
    want = {k: v for k, v in expected_kinds.items() if v}
    if kinds != want:
        fail(f"{html_file}: figures by kind {kinds}, expected {want}")
    height = min(max(int(st.get("data-height") or 4000), 800), 16000)
    with tempfile.TemporaryDirectory(prefix="geosim-chromium-") as profile:
        cmd = chromium_base(chromium, profile) + [f"--window-size=1280,{height}", "--virtual-time-budget=10000",
                                                  f"--screenshot={os.path.abspath(screenshot)}", url]
        try:
            subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        except subprocess.TimeoutExpired:
            fail(f"{html_file}: chromium --screenshot timed out")
            return None, {}
    if not os.path.isfile(screenshot) or os.path.getsize(screenshot) < 10000:
        fail(f"{html_file}: no screenshot written to {screenshot}")
        return None, {}
    sections = {}
    for item in (st.get("data-sections") or "").split(","):
        if ":" in item:
            k, v = item.rsplit(":", 1)
            sections[k] = int(v)
    return screenshot, sections


def docs_image(screenshot, target, segments):
    """Parts [(top, bottom)] of a screenshot, stacked and downscaled, for the docs (needs Pillow)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        print("  (Pillow missing: no docs image)")
        return
    full = Image.open(screenshot).convert("RGB")
    parts = [full.crop((0, max(0, a), full.width, min(full.height, b))) for a, b in segments]
    gap = 24
    im = Image.new("RGB", (full.width, sum(p.height for p in parts) + gap * (len(parts) - 1)), "white")
    y = 0
    for i, p in enumerate(parts):
        if i:
            ImageDraw.Draw(im).line([(20, y - gap // 2), (full.width - 20, y - gap // 2)], fill="#9aa0a6", width=3)
        im.paste(p, (0, y))
        y += p.height + gap
    scale = 900 / im.width
    im = im.resize((900, int(im.height * scale)), Image.LANCZOS)
    for colors in (256, 128, 64):
        # Octree keeps the few saturated colours (red, green, the strategies) that median cut loses.
        q = im.quantize(colors=colors, method=Image.FASTOCTREE, dither=Image.NONE)
        q.save(target, optimize=True)
        if os.path.getsize(target) < 400_000:
            break
    print(f"  docs image {target}: {os.path.getsize(target) // 1024} KB")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--geosim", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True, help="folder for the reports and screenshots (emptied first)")
    ap.add_argument("--docs-images", help="also write downscaled screenshots here (report_run.png, ...)")
    args = ap.parse_args()

    chromium = find_chromium()
    if chromium is None:
        print("FAIL: chromium is not installed, so the reports cannot be checked in a browser. Install it: "
              "`sudo apt-get install chromium` (tools/setup.sh does), or set GEOSIM_CHROMIUM to a Chromium or "
              "Chrome binary.", flush=True)
        return 1
    geosim = os.path.abspath(args.geosim)
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "screenshots"))
    # Every command runs in the work folder on a copy of the scenario, so that the
    # reports (and the screenshots in the docs) show short paths.
    shutil.copyfile(os.path.join(os.path.abspath(args.source_dir), "scenarios", "triad.yaml"),
                    os.path.join(work, "triad.yaml"))
    triad = "triad.yaml"
    env = dict(os.environ, CI="1")

    def geo(*words, expect=0):
        """Runs geosim in the work folder."""
        return run([geosim, *words], expect, cwd=work, env=env)

    # The sources.
    geo("run", triad, "--runs", "1", "--out", "triad_run", "--quiet")
    geo("compare", triad, "--runs", "5", "--db", "compare.db", "--out", "compare_dir", "--quiet")
    geo("sweep", triad, "--design", "grid", "--param", "parameters.commitment=0.25,0.5,0.75",
        "--param", "agents.SML.weights.autonomy=0.5,1.5", "--replicates", "3", "--db", "sweep.db", "--quiet")

    # triad.yaml: 4 states (all drawn), events at fixed steps 3, 6, 8, 10, so the
    # network is drawn at steps 0, 3, 6, 8, 10, 19; 9 outcomes; 2 policies.
    graph_ok = geo("graph", "triad_run", "--step", "0", "--format", "svg", expect=None).returncode == 0
    if not graph_ok:
        fail("`geosim graph` does not work yet, so the network figures are missing")
    runs_kinds = {"agent": 4, "strategy": 1, "network": 6}
    reports = [
        ("run", ["triad_run"], runs_kinds),
        ("compare", ["compare.db"], {"forest": 9}),
        ("sweep", ["sweep.db"], {"sweep-scatter": 9, "sweep-heatmap": 9}),
        ("scenario", [triad, "--runs", "3", "--powers", "GNT,BER"], dict(runs_kinds, forest=9)),
    ]
    shots = {}
    for name, source, kinds in reports:
        out = f"report_{name}.html"
        p = geo("report", *source, "--out", out)
        if p.returncode != 0 or not os.path.isfile(os.path.join(work, out)):
            continue
        if "report written to" not in p.stderr or out not in p.stderr:
            fail(f"report {name}: no closing line naming {out}: {p.stderr[-500:]}")
        out = os.path.join(work, out)
        check_self_contained(out)
        if name == "scenario":  # --powers GNT,BER: the alignment panels use those two, in that order
            with open(out, encoding="utf-8") as f:
                text = f.read()
            if not re.search(r"chosen for this report \(--powers\)[^<]*: GNT \([0-9.]+%\), BER \([0-9.]+%\)\.", text):
                fail("report scenario: the great powers named with --powers GNT,BER are not the ones described")
        shot, sections = render(chromium, out, f"{work}/screenshots/report_{name}.png", kinds)
        if shot:
            shots[name] = (shot, sections)

    # A matplotlibrc in the current folder (one lying beside a downloaded
    # scenario, say) has no say: the same report, byte for byte, as in a
    # folder without one (docs/guarantees.md, "Security of inputs").
    stray = os.path.join(work, "stray_rc")
    os.makedirs(stray)
    with open(os.path.join(stray, "matplotlibrc"), "w", encoding="utf-8") as f:
        f.write("lines.linewidth: 9\naxes.facecolor: red\nfont.size: 30\nsvg.hashsalt: stray\n")
    shutil.copytree(os.path.join(work, "triad_run"), os.path.join(stray, "triad_run"))
    shutil.copyfile(os.path.join(work, triad), os.path.join(stray, triad))
    run([geosim, "report", "triad_run", "--out", "report_rc.html", "--quiet"], 0, cwd=stray, env=env)
    geo("report", "triad_run", "--out", "report_plain.html", "--quiet")
    with open(os.path.join(stray, "report_rc.html"), "rb") as a, open(os.path.join(work, "report_plain.html"), "rb") as b:
        if a.read() != b.read():
            fail("a matplotlibrc in the current folder changed the report")

    # Errors: exit 2 and nothing changed or left behind.
    out = f"{work}/report_run.html"
    before = os.path.getmtime(out) if os.path.exists(out) else None
    p = geo("report", "triad_run", "--out", out, expect=2)
    if "already exists" not in p.stderr:
        fail(f"existing --out: message does not say so: {p.stderr}")
    if before is not None and os.path.getmtime(out) != before:
        fail("existing --out was changed without --force")
    not_geosim = f"{work}/other.db"
    con = sqlite3.connect(not_geosim)
    con.execute("create table t (x)")
    con.commit()
    con.close()
    p = geo("report", not_geosim, "--out", f"{work}/x.html", expect=2)
    if "not a geosim results database" not in p.stderr:
        fail(f"a foreign SQLite file: unclear message: {p.stderr}")
    p = geo("report", "triad_run", "--agents", "SML,NOPE", "--out", f"{work}/y.html", expect=2)
    if "NOPE" not in p.stderr:
        fail(f"unknown --agents: message does not name it: {p.stderr}")
    p = geo("report", "triad_run", "--powers", "GNT,NADA", "--out", f"{work}/w.html", expect=2)
    if "NADA" not in p.stderr:
        fail(f"unknown --powers: message does not name it: {p.stderr}")
    geo("report", "nothing-here", "--out", f"{work}/z.html", expect=2)
    for leftover in ("w.html", "x.html", "y.html", "z.html"):
        if os.path.exists(f"{work}/{leftover}"):
            fail(f"a failed report left {leftover} behind")
    temps = [f for f in os.listdir(work) if ".tmp" in f]
    if temps:
        fail(f"temporary files left behind: {temps}")
    sidecars = [f for f in os.listdir(work) if f.endswith(("-wal", "-shm"))]
    if sidecars:
        fail(f"reading a database left SQLite files beside it: {sidecars}")

    if args.docs_images and shots:
        os.makedirs(args.docs_images, exist_ok=True)
        for name in ("run", "compare", "sweep"):
            if name not in shots:
                continue
            shot, at = shots[name]
            if name == "run":  # the header, the states and the strategy timeline
                segments = [(0, at.get("network", 2900) - 10)]
            elif name == "compare":  # the header and the first three outcomes
                cards = sorted(y for k, y in at.items() if k.startswith("outcome-"))
                segments = [(0, cards[3] - 10 if len(cards) > 3 else at.get("comparison", 1200) + 1150)]
            else:  # the header, the first outcome against both parameters, the first heat maps
                heads = sorted(y for k, y in at.items() if k.startswith("sweep-"))
                top = at.get("heatmaps", 4000)
                segments = [(0, heads[1] - 12 if len(heads) > 1 else at.get("sweep", 1200) + 640),
                            (top - 10, top + 820)]
            docs_image(shot, os.path.join(args.docs_images, f"report_{name}.png"), segments)

    print("\nscreenshots:")
    for name, (shot, _) in shots.items():
        print(f"  {name}: {shot}")
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed", flush=True)
        return 1
    print("\nall report checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
