"""Assembles the self-contained HTML page: inline CSS, inline SVG figures
(ids made unique per figure), tables, and a small inline script that checks,
once the page is loaded, that every <figure> shows a drawing of nonzero size
and that no script error occurred; it writes the result into
#report-status (read by tests/report_browser_test.py with --dump-dom).
Nothing refers to anything outside the file.
"""
import html
import re

CSS = """
:root { --ink: #1d1f21; --muted: #5f6368; --line: #d9dce1; --accent: #0b5394; --bg-soft: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 "DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 18px 28px 40px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 10px; margin-bottom: 14px; }
h1 { font-size: 28px; margin: 4px 0 2px; }
h2 { font-size: 21px; margin: 34px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 22px 0 4px; }
.subtitle { color: var(--muted); margin: 0; }
.description { max-width: 62em; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
nav.toc ol { margin: 4px 0; padding-left: 22px; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
table { border-collapse: collapse; font-size: 13.5px; margin: 6px 0 10px; }
th, td { padding: 3px 9px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.kv { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr);
  gap: 2px 14px; margin: 6px 0 12px; font-size: 14px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-word; }
dl.kv dd.wide { grid-column: 2 / 5; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
figure { margin: 8px 0 18px; }
figure svg.fig { display: block; width: 100%; height: auto; }
.networks { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 10px 24px; }
.networks.wide { grid-template-columns: 1fr; }
.networks figure { border: 1px solid var(--line); border-radius: 6px; padding: 6px; margin: 6px 0; }
.networks figcaption { color: var(--ink); font-weight: 600; }
figcaption { color: var(--muted); font-size: 13.5px; margin-top: 3px; max-width: 70em; }
.note { background: #fff8e1; border-left: 4px solid #f2b600; padding: 6px 12px; margin: 8px 0; font-size: 14px; }
.howto { color: var(--muted); font-size: 14px; max-width: 70em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px 4px; margin: 12px 0; }
.card h3 { margin-top: 6px; }
.pair { display: flex; flex-wrap: wrap; gap: 6px 28px; align-items: flex-start; }
.pair > figure { flex: 1 1 300px; max-width: 460px; }
.pair > div { flex: 0 1 auto; max-width: 100%; overflow-x: auto; }
.pair table { font-size: 13px; }
.pair th, .pair td { padding: 3px 6px; }
.pair figure { margin: 4px 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 6px 22px; }
.better { color: #1a7f37; font-weight: 600; }
.worse { color: #c0392b; font-weight: 600; }
ul.events { margin: 4px 0; padding-left: 22px; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 900px) { nav.toc ol { columns: 1; } }
@media print { nav.toc { display: none; } .card, figure { break-inside: avoid; } }
"""

HEAD_SCRIPT = """
window.__reportErrors = [];
window.addEventListener('error', function (e) {
  var what = e.message ? e.message : ('failed to load ' + ((e.target && e.target.tagName) || 'resource'));
  window.__reportErrors.push(String(what));
}, true);
(function () {
  var original = console.error;
  console.error = function () {
    window.__reportErrors.push(Array.prototype.join.call(arguments, ' '));
    return original.apply(console, arguments);
  };
})();
"""

CHECK_SCRIPT = """
(function () {
  function check() {
    var figures = document.querySelectorAll('figure');
    var bad = [], kinds = {};
    for (var i = 0; i < figures.length; i++) {
      var f = figures[i], kind = f.getAttribute('data-kind') || 'other';
      kinds[kind] = (kinds[kind] || 0) + 1;
      var g = f.querySelector('svg, img'), ok = false;
      if (g) {
        var r = g.getBoundingClientRect();
        ok = r.width > 20 && r.height > 20;
        if (g.tagName === 'IMG') ok = ok && g.complete && g.naturalWidth > 0;
      }
      if (!ok) bad.push(f.id || ('figure ' + i));
    }
    var s = document.getElementById('report-status');
    var expected = parseInt(s.getAttribute('data-expected'), 10);
    var errors = window.__reportErrors;
    var good = bad.length === 0 && errors.length === 0 && figures.length === expected;
    var names = Object.keys(kinds).sort();
    s.setAttribute('data-status', good ? 'ok' : 'error');
    s.setAttribute('data-figures', String(figures.length));
    s.setAttribute('data-kinds', names.map(function (k) { return k + '=' + kinds[k]; }).join(','));
    s.setAttribute('data-bad', bad.join(','));
    s.setAttribute('data-errors', errors.join(' | '));
    s.setAttribute('data-height', String(Math.ceil(document.documentElement.scrollHeight)));
    var heads = document.querySelectorAll('h2[id], h3[id], div.card[id]'), where = [];
    for (var j = 0; j < heads.length; j++) {
      where.push(heads[j].id + ':' + Math.round(heads[j].getBoundingClientRect().top + window.scrollY));
    }
    s.setAttribute('data-sections', where.join(','));
    s.textContent = good ? ('Self-check passed: all ' + figures.length + ' figures rendered.')
      : ('Self-check FAILED: ' + figures.length + ' of ' + expected + ' figures; not drawn: ' +
         (bad.join(', ') || 'none') + '; errors: ' + (errors.join(' | ') || 'none'));
  }
  check();
  window.addEventListener('load', check);
})();
"""

_ROOT_SVG = re.compile(r"<svg\b[^>]*>", re.S)


def _px(value):
    m = re.match(r"\s*([0-9.]+)\s*(pt|px)?\s*$", value or "")
    if not m:
        return None
    v = float(m.group(1))
    return v * 4.0 / 3.0 if m.group(2) == "pt" else v


def embed_svg(svg, prefix):
    """Makes an SVG document safe to inline many times in one page: removes the
    prolog, comments and scripts, prefixes every id (and its references) with
    `prefix`, and lets the drawing scale to the page width up to its natural
    size."""
    svg = re.sub(r"<\?xml.*?\?>", "", svg, flags=re.S)
    svg = re.sub(r"<!DOCTYPE.*?>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<metadata\b.*?</metadata>", "", svg, flags=re.S)  # RDF with links to dublincore.org
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S | re.I)
    svg = re.sub(r"\bid=\"([^\"]+)\"", lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r"((?:xlink:)?href)=\"#([^\"]+)\"", lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    # No links out of the page (Graphviz writes URL attributes as links).
    svg = re.sub(r"\s(?:xlink:)?href=\"(?!#|data:)[^\"]*\"", "", svg)
    m = _ROOT_SVG.search(svg)
    if not m:
        return svg
    tag = m.group(0)
    width = re.search(r"\swidth=\"([^\"]*)\"", tag)
    height = re.search(r"\sheight=\"([^\"]*)\"", tag)
    if "viewBox" in tag and width and height:
        w = _px(width.group(1))
        new = tag.replace(width.group(0), "").replace(height.group(0), "")
        style = f' style="max-width:{w:.0f}px"' if w else ""
        new = new[:-1].rstrip("/") + f' class="fig"{style} role="img">'
        svg = svg[:m.start()] + new + svg[m.end():]
    return svg.strip()


def esc(text):
    return html.escape("" if text is None else str(text), quote=True)


class Page:
    def __init__(self, title):
        self.title = title
        self.parts = []
        self.toc = []
        self.figures = 0

    def add(self, text):
        self.parts.append(text)

    def section(self, anchor, title):
        self.toc.append((anchor, title))
        self.add(f'<h2 id="{esc(anchor)}">{esc(title)}</h2>')

    def figure(self, kind, svg, caption, extra_class=""):
        """A <figure> holding one inline SVG; returns its HTML (not added)."""
        self.figures += 1
        fid = f"fig{self.figures}"
        body = embed_svg(svg, fid)
        cls = f' class="{esc(extra_class)}"' if extra_class else ""
        cap = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure id="{fid}" data-kind="{esc(kind)}"{cls}>{body}{cap}</figure>'

    def render(self, header_html, footer_text):
        toc = ""
        if self.toc:
            items = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in self.toc)
            toc = f'<nav class="toc"><strong>Contents</strong><ol>{items}</ol></nav>'
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta name=\"generator\" content=\"geosim report\">\n"
                f"<title>{esc(self.title)}</title>\n<style>{CSS}</style>\n"
                f"<script>{HEAD_SCRIPT}</script>\n</head>\n<body>\n<main>\n{header_html}\n{toc}\n"
                + "\n".join(self.parts)
                + f"\n<footer><p>{footer_text}</p>"
                f'<p id="report-status" data-status="pending" data-expected="{self.figures}">'
                "Self-check did not run (scripts are off); the figures do not need it.</p></footer>\n"
                f"</main>\n<script>{CHECK_SCRIPT}</script>\n</body>\n</html>\n")


def table(headers, rows, numeric=(), cls=""):
    """headers: list of text; rows: list of lists of HTML (already escaped)."""
    head = "".join(f'<th class="num">{esc(h)}</th>' if i in numeric else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(headers))
    body = []
    for r in rows:
        body.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                     for i, c in enumerate(r)) + "</tr>")
    c = f' class="{cls}"' if cls else ""
    return f"<table{c}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def kv_table(pairs, wide=()):
    """Key/value pairs two to a row; the keys in `wide` (long values) take a whole row."""
    items, column = [], 0
    for k, v in pairs:
        if v in (None, ""):
            continue
        if k in wide:
            if column == 1:
                items.append("<dt></dt><dd></dd>")
            items.append(f'<dt>{esc(k)}</dt><dd class="wide">{v}</dd>')
            column = 0
        else:
            items.append(f"<dt>{esc(k)}</dt><dd>{v}</dd>")
            column = 1 - column
    return f'<dl class="kv">{"".join(items)}</dl>'
