#!/usr/bin/env python3
"""Writes one self-contained HTML report of geosim results.

Usually started by `geosim report SOURCE` (tools/cli_report.cpp), which finds
out what SOURCE is, runs a scenario first when needed, describes the scenario
in a small JSON file and calls this script. It can also be run by hand:

  geosim_report.py --run-folder results/baseline --out report.html
  geosim_report.py --db results/compare.db --out report.html
  geosim_report.py --run-folder RUNS --db COMPARE.db --scenario-info info.json --out report.html

What it draws (docs/report.md explains how to read every figure):
  run folder   per agent: alignment toward each great power, autonomy, largest
               dependence, GDP and security over time (one run: lines; many
               runs: median with 50% and 90% bands); the strategy timeline;
               the relationship network at chosen steps (`geosim graph`); the
               outcomes.
  compare DB   per outcome: a forest plot of each policy's paired difference
               from the baseline with its 95% interval, and the table.
  sweep DB     per outcome: the outcome against each swept parameter (runs
               as dots, with level means or a LOWESS trend), and heat maps of
               the mean for a two-parameter grid.

Great powers are the K states (--great-powers, default 3) with the largest
power share P at step 0 of the first run.

Exit status: 0 written, 2 bad input, 1 failure; with --extract-scenario, 3
when the run folder's scenario file is gone or changed. Messages go to
standard error; nothing is written to standard output.
"""
import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import traceback

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree the tool runs from

PROG = "geosim report"
WIDE = {"run folder", "scenario file", "scenario SHA-256", "command", "database", "swept parameters", "policies",
        "design"}


def note(message, quiet=False):
    if not quiet:
        print(f"{PROG}: {message}", file=sys.stderr, flush=True)


try:
    import numpy as np
    import report_data
    from report_data import InputError
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"{PROG}: error: {sys.executable} cannot import {e.name} ({e}); the report needs Python 3 with "
          "numpy and matplotlib: `apt-get install python3-numpy python3-matplotlib` (tools/setup.sh does it), "
          "or point GEOSIM_PYTHON at an interpreter that has them", file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------
# helpers


def write_atomic(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def load_info(path):
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read the scenario description {path}: {e}") from e


def outcome_meta(info, name):
    for o in info.get("outcomes", []):
        if o.get("name") == name:
            return o
    return {"name": name, "label": "", "better": "higher", "metric": ""}


def year_of(step, info, data=None):
    if data is not None and 0 <= step < len(data.years):
        return data.years[step]
    start, dt = info.get("start"), info.get("dt", 1.0)
    return None if start is None else start + step * dt


def events_for(info, policies):
    """[(step or None, text, origin, first, last)] for the scenario's events and those of the given
    policies, in step order (an event with a window of steps sorts at its first step)."""
    def rows(events, origin):
        return [(e.get("step"), e.get("text", ""), origin, e.get("first"), e.get("last")) for e in events]
    out = rows(info.get("events", []), "scenario")
    for p in info.get("policies", []):
        if p.get("name") in policies:
            out += rows(p.get("events", []), p["name"])
    key = [(e[0] if e[0] is not None else (e[3] if e[3] is not None else 10 ** 9), i) for i, e in enumerate(out)]
    return [out[i] for _, i in sorted(key)]


def fmt(x, digits=4):
    import report_figures
    return report_figures.fmt(x, digits)


# --------------------------------------------------------------------------
# header


def events_html(events, data=None, info=None):
    from report_html import esc
    if not events:
        return "<p>No events: the scenario runs forward undisturbed.</p>"
    items = []
    for step, text, origin, first, last in events:
        if step is not None:
            when = f"step {step}"
            y = year_of(step, info or {}, data)
            if y is not None:
                when += f" ({y:g})"
        elif first is not None:
            when = f"steps {first}-{last}"
            y0, y1 = year_of(first, info or {}, data), year_of(last, info or {}, data)
            if y0 is not None and y1 is not None:
                when += f" ({y0:g}-{y1:g})"
        else:
            when = "a window of steps"
        tag = "" if origin == "scenario" else f" <em>[policy {esc(origin)}]</em>"
        items.append(f"<li><strong>{esc(when)}</strong>: {esc(text)}{tag}</li>")
    return f'<ul class="events">{"".join(items)}</ul>'


def manifest_pairs(m, folder):
    from report_html import esc
    sc = m.get("scenario", {}) or {}
    start, steps, dt = m.get("start_year"), m.get("steps"), m.get("dt")
    span = ""
    if steps is not None and start is not None:
        span = f"{steps} steps of {dt:g} year(s) from {start:g}"
    return [
        ("run folder", f"<code>{esc(folder)}</code>"),
        ("scenario", esc(sc.get("name"))),
        ("scenario file", f"<code>{esc(sc.get('file'))}</code>"),
        ("scenario SHA-256", f"<code>{esc(sc.get('sha256'))}</code>"),
        ("policy", esc(m.get("policy"))),
        ("seed", esc(m.get("seed"))),
        ("runs", esc(m.get("runs"))),
        ("time", esc(span)),
        ("agents / directed edges", esc(f"{m.get('agents')} / {m.get('directed_edges')}")),
        ("geosim version", esc(m.get("geosim_version"))),
        ("rule set", esc(m.get("rule_set"))),
        ("command", f"<code>{esc(m.get('command'))}</code>"),
        ("started (UTC)", esc(m.get("started_utc"))),
    ]


def experiment_pairs(db, label=None):
    from report_html import esc
    e = db.experiment
    pairs = [
        ("database", f"<code>{esc(label or db.path)}</code>"),
        ("kind", esc(e.get("kind"))),
        ("scenario", esc(e.get("scenario_name"))),
        ("scenario file", f"<code>{esc(e.get('scenario_file'))}</code>"),
        ("scenario SHA-256", f"<code>{esc(e.get('scenario_sha256'))}</code>"),
    ]
    if e.get("kind") == "sweep":
        pairs += [("design", esc(f"{e.get('design')}, {e.get('points')} points x {e.get('replicates')} replicates")),
                  ("swept parameters", esc(", ".join(db.dimensions)))]
    else:
        pairs += [("replicates (runs per policy)", esc(e.get("replicates")))]
    seed = e.get("seed")
    if isinstance(seed, int) and seed < 0:
        seed += 2 ** 64
    pairs += [
        ("policies", esc(", ".join(db.policies))),
        ("seed", esc(seed)),
        ("runs stored", esc(f"{len(db.ok_runs)} ok, {len(db.failed_runs)} failed")),
        ("series stored", esc(e.get("series"))),
        ("geosim version", esc(e.get("geosim_version"))),
        ("command", f"<code>{esc(e.get('command_line'))}</code>"),
        ("created (UTC)", esc(e.get("created_utc"))),
    ]
    if len(db.sessions) > 1:
        pairs.append(("sessions", esc(f"{len(db.sessions)} (resumed {len(db.sessions) - 1} time(s))")))
    return pairs


# --------------------------------------------------------------------------
# run folder sections


def choose_agents(data, requested, great_powers):
    if requested:
        names = [a.strip() for a in requested.split(",") if a.strip()]
        unknown = [a for a in names if a not in data.agent_index]
        if unknown:
            raise InputError(f"--agents: unknown agent(s) {', '.join(unknown)}; the agents are "
                             f"{', '.join(data.agents)}")
        return list(dict.fromkeys(names))
    if len(data.agents) <= 12:
        return list(data.agents)
    chosen = list(data.agents[:4]) + [g for g, _ in great_powers]
    return list(dict.fromkeys(chosen))


def choose_powers(data, requested, k):
    """The great powers drawn in the alignment panels: the states named with
    --powers (in that order), else the k with the largest power share."""
    if not requested:
        return data.great_powers(k)
    names = list(dict.fromkeys(a.strip() for a in requested.split(",") if a.strip()))
    unknown = [a for a in names if a not in data.agent_index]
    if unknown:
        raise InputError(f"--powers: unknown agent(s) {', '.join(unknown)}; the agents are "
                         f"{', '.join(data.agents)}")
    if not 1 <= len(names) <= 10:
        raise InputError("--powers: name between 1 and 10 states")
    power = data.metrics["power"][0, 0, :]
    return [(a, float(power[data.agent_index[a]])) for a in names]


def partners_text(data, agent, run_pos=0):
    seq = data.top_partner[run_pos, :, data.agent_index[agent]]
    changes = []
    for t, p in enumerate(seq):
        if not changes or changes[-1][1] != p:
            changes.append((t, p))
    changes = [(t, p) for t, p in changes if p]
    if not changes:
        return ""
    prefix = "partner: " if len(data.runs) == 1 else f"partner in run {data.runs[run_pos]}: "
    if len(changes) == 1:
        return f"{prefix}{changes[0][1]}"
    if len(changes) <= 3:
        parts = [changes[0][1]] + [f"{p} ({data.years[t]:g})" for t, p in changes[1:]]
        return prefix + " → ".join(parts)
    return f"{prefix}{changes[0][1]}, then {len(changes) - 1} changes"


def network_svg(geosim, folder, step, run):
    """The SVG of `geosim graph`, or (None, why)."""
    if not geosim:
        return None, "no geosim executable given (--geosim)"
    base = [geosim, "graph", folder, "--step", str(step), "--run", str(run), "--format", "svg"]
    try:
        p = subprocess.run(base, capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"`geosim graph` could not run: {e}"
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode == 0 and "<svg" in out:
        return out, None
    if p.returncode == 0:
        # A graph command that writes to a file rather than to standard output.
        with tempfile.TemporaryDirectory(prefix="geosim-graph-") as tmp:
            target = os.path.join(tmp, "graph.svg")
            try:
                q = subprocess.run(base + ["--out", target], capture_output=True, timeout=300)
            except (OSError, subprocess.TimeoutExpired) as e:
                return None, f"`geosim graph` could not run: {e}"
            if q.returncode == 0 and os.path.isfile(target):
                with open(target, encoding="utf-8", errors="replace") as f:
                    text = f.read()
                if "<svg" in text:
                    return text, None
        return None, "`geosim graph` wrote no SVG"
    err = [line for line in p.stderr.decode("utf-8", "replace").strip().splitlines() if line.strip()]
    why = "; ".join(err[:2]) if err else f"status {p.returncode}"
    return None, f"`geosim graph` failed ({why})"


def run_sections(page, data, info, args, policy_events, quiet):
    import report_figures as F
    import report_stats
    from report_html import esc, table
    gps = choose_powers(data, args.powers, args.great_powers)
    agents = choose_agents(data, args.agents, gps)
    note(f"reading edges of {len(agents)} agent(s) from {data.folder}", quiet)
    data.read_edges(agents, [g for g, _ in gps])
    single = len(data.runs) == 1
    run_pos = 0
    if args.run is not None:
        if args.run not in data.runs:
            raise InputError(f"--run {args.run}: the folder holds runs {data.runs[0]}..{data.runs[-1]}")
        run_pos = data.runs.index(args.run)
    fixed_steps = sorted({e[0] for e in policy_events if e[0] is not None and 0 <= e[0] < len(data.steps)})
    event_years = [float(data.years[s]) for s in fixed_steps]
    names = {a.get("id"): a.get("name") for a in info.get("agents", [])}

    # agents ---------------------------------------------------------------
    page.section("agents", "States over time")
    gp_text = ", ".join(f"{g} ({p * 100:.1f}%)" for g, p in gps)
    how = ("one run: each line is that run" if single else
           f"{len(data.runs)} runs: the line is the median over the runs, the dark band holds the middle 50% "
           "of the runs and the light band 90% (5th to 95th percentile)")
    chosen_how = ("the states chosen for this report (--powers), with their power share P at step 0"
                  if args.powers else f"the {len(gps)} states with the largest power share P at step 0")
    page.add(f'<p class="howto">Great powers: {chosen_how} '
             f"(P combines GDP, military spending and population; model.md 5.2): {esc(gp_text)}. "
             f"Each row shows one state: its alignment a toward each great power (−1 hostile … +1 aligned), "
             "its autonomy (1 − exposure × largest dependence), its largest dependence D on a single partner "
             "(the partner is named in the panel), GDP (billion US$) and the security of the strategy it chose. "
             f"{esc(how[0].upper() + how[1:])}. Dotted vertical lines mark events at fixed steps.</p>")
    if len(agents) < len(data.agents):
        page.add(f'<p class="note">{len(data.agents)} states: showing {esc(", ".join(agents))} '
                 "(the first states of the scenario and the great powers). Choose others with "
                 "<code>--agents A,B,...</code>.</p>")
    for a in agents:
        note(f"drawing {a}", quiet)
        svg = F.agent_figure(data, a, [g for g, _ in gps], event_years, partners_text(data, a, run_pos))
        title = f"{a} — {names[a]}" if names.get(a) and names[a] != a else a
        page.add(f'<h3 id="agent-{esc(a)}">{esc(title)}</h3>')
        page.add(page.figure("agent", svg, ""))

    # strategies -----------------------------------------------------------
    page.section("strategies", "Strategy timeline")
    timeline_agents = list(data.agents) if len(data.agents) <= 40 else agents
    svg = F.strategy_figure(data, timeline_agents, event_years, run_pos)
    if single:
        cap = ("The strategy each state chose at each step (one run): orange balance (stand against the main "
               "threat with its rivals), purple bandwagon (side with the main threat), green hedge (keep ties "
               "with all sides); grey: no value. Dotted lines: events (at the start of their step).")
    else:
        cap = (f"Share of the {len(data.runs)} runs in which each state chose each strategy at each step: the "
               "darker a cell, the more runs chose that strategy then (the three panels add up to 100% per "
               "cell). Dotted lines: events (at the start of their step).")
    if len(timeline_agents) < len(data.agents):
        cap += f" Showing {len(timeline_agents)} of {len(data.agents)} states."
    page.add(page.figure("strategy", svg, esc(cap)))

    # network --------------------------------------------------------------
    page.section("network", "Relationship network")
    last = int(data.steps[-1])
    steps = sorted({int(data.steps[0]), last} | set(fixed_steps))
    if len(steps) > 8:
        steps = sorted({steps[0], last} | set(steps[1:7]))
    run_shown = data.runs[run_pos]
    which = "" if single else f" of run {run_shown} (of {len(data.runs)}; choose another with --run)"
    page.add(f'<p class="howto">The network{esc(which)} at the first and last step and at each step with an '
             "event, drawn by <code>geosim graph</code>: nodes sized by power, edges coloured by alignment and "
             "drawn wider for more trade.</p>")
    blocks, failure = [], None
    for s in steps:
        note(f"drawing the network at step {s}", quiet)
        svg, why = network_svg(args.geosim, data.folder, s, run_shown)
        if svg is None:
            failure = why
            break
        evs = [e[1] for e in policy_events if e[0] == s]
        cap = f"Step {s} ({data.years[list(data.steps).index(s)]:g})"
        cap += ": " + "; ".join(evs) if evs else (": start" if s == steps[0] else (": last step" if s == last else ""))
        blocks.append(page.figure("network", svg, esc(cap), extra_class="network"))
    if failure is not None:
        page.add(f'<p class="note">No network figures: {esc(failure)}.</p>')
    else:
        wide = " wide" if len(data.agents) > 30 else ""  # a big network needs the whole width
        page.add(f'<div class="networks{wide}">{"".join(blocks)}</div>')

    # outcomes -------------------------------------------------------------
    page.section("outcomes", "Outcomes")
    rows = []
    for name in data.outcome_names:
        meta = outcome_meta(info, name)
        vals = np.array(data.outcome_values[name], dtype=float)
        v = vals[np.isfinite(vals)]
        label = esc(meta.get("label", ""))
        if single:
            rows.append([f"<code>{esc(name)}</code>", label, esc(meta.get("better", "")),
                         esc(fmt(v[0])) if v.size else ""])
        else:
            _, mean, sd = report_stats.describe(v.tolist())
            rows.append([f"<code>{esc(name)}</code>", label, esc(meta.get("better", "")), str(v.size),
                         esc(fmt(mean)) if v.size else "", esc(fmt(sd)) if v.size > 1 else "",
                         esc(fmt(np.percentile(v, 5))) if v.size else "",
                         esc(fmt(np.median(v))) if v.size else "",
                         esc(fmt(np.percentile(v, 95))) if v.size else ""])
    if single:
        page.add(table(["outcome", "what", "better", "value"], rows, numeric={3}))
    else:
        page.add(table(["outcome", "what", "better", "runs", "mean", "sd", "5%", "median", "95%"], rows,
                       numeric={3, 4, 5, 6, 7, 8}))
    page.add('<p class="howto">Outcomes are the scenario\'s <code>outcomes:</code>: a series of one state or '
             "edge aggregated over the run (final value, mean, min or max; model.md section 6).</p>")


# --------------------------------------------------------------------------
# comparison


def compare_sections(page, db, info, quiet):
    import report_figures as F
    import report_stats
    from report_html import esc, table
    policies = [p for p in db.policies if p != "baseline"]
    page.section("comparison", "Policies compared with the baseline")
    runs = db.experiment.get("replicates")
    page.add('<p class="howto">Every policy ran on the same run indices as the baseline (common random numbers: '
             f"run r of every policy uses the same random draws; {esc(runs)} runs each), so each run of a policy "
             "is compared with the same run of the baseline. In each forest plot the diamond is the mean paired "
             "difference (policy − baseline) and the bar its 95% Student t interval; green: the interval "
             "excludes 0 and the policy is better in the outcome's direction, red: excludes 0 and worse, grey: "
             "includes 0. <em>better</em> is the share of runs in which the policy beats the baseline (ties "
             "count half). docs/compare.md explains every column.</p>")
    if db.failed_runs:
        page.add(f'<p class="note">{len(db.failed_runs)} run(s) failed and are left out.</p>')
    note(f"comparing {len(policies)} polic{'y' if len(policies) == 1 else 'ies'} on "
         f"{len(db.outcome_names)} outcomes", quiet)
    for name in db.outcome_names:
        meta = outcome_meta(info, name)
        higher = meta.get("better", "higher") != "lower"
        by_policy = db.outcome_by_policy(name)
        base = by_policy.get("baseline", {})
        stats, trows = {}, []
        for p in ["baseline"] + policies:
            vals = by_policy.get(p, {})
            n, mean, sd = report_stats.describe(vals.values())
            if p == "baseline":
                trows.append([f"<strong>{esc(p)}</strong>", str(n), esc(fmt(mean)), esc(fmt(sd)), "", "", ""])
                continue
            s = report_stats.paired(vals, base, higher)
            stats[p] = s
            ci = ""
            cls = ""
            if math.isfinite(s["ci_low"]):
                digits = F.distinct_digits([s["ci_low"], s["ci_high"]])
                z = s["ci_low"] != s["ci_high"]
                ci = f"[{F.fmt_signed(s['ci_low'], digits, z)}, {F.fmt_signed(s['ci_high'], digits, z)}]"
                if s["ci_low"] > 0 or s["ci_high"] < 0:
                    cls = "better" if (s["ci_low"] > 0) == higher else "worse"
            share = "" if not math.isfinite(s["share_better"]) else f"{s['share_better'] * 100:.0f}%"
            diff = F.fmt_signed(s["diff"])
            trows.append([esc(p), str(n), esc(fmt(mean)), esc(fmt(sd)),
                          f'<span class="{cls}">{esc(diff)}</span>' if cls else esc(diff), esc(ci), share])
        metric = meta.get("metric", "")
        unit = F.UNITS.get(metric, "")
        direction = "higher is better →" if higher else "← lower is better"
        xlabel = f"policy − baseline{' (' + unit + ')' if unit else ''}   [{direction}]"
        svg = F.forest_figure(policies, stats, higher, xlabel)
        label = meta.get("label", "")
        head = f"<code>{esc(name)}</code>" + (f": {esc(label)}" if label else "")
        head += f" <span class=\"howto\">({'higher' if higher else 'lower'} is better)</span>"
        tbl = table(["policy", "n", "mean", "sd", "diff", "95% CI", "better"], trows, numeric={1, 2, 3, 4, 5, 6})
        page.add(f'<div class="card" id="outcome-{esc(name)}"><h3>{head}</h3><div class="pair">'
                 f'{page.figure("forest", svg, "")}<div>{tbl}</div></div></div>')


# --------------------------------------------------------------------------
# sweep


def sweep_sections(page, db, info, quiet):
    import report_figures as F
    from report_html import esc
    x, y, point = db.sweep_table()
    dims = db.dimensions
    page.section("sweep", "Outcomes against the swept parameters")
    if not dims:
        page.add('<p class="note">This sweep has no swept parameters: nothing to plot against.</p>')
        return
    desc = []
    for d in db.parameters:
        if "values" in d:
            desc.append(f"<code>{esc(d.get('path'))}</code> ∈ {{{esc(', '.join(f'{v:g}' for v in d['values']))}}}")
        else:
            desc.append(f"<code>{esc(d.get('path'))}</code> from {esc(d.get('min'))} to {esc(d.get('max'))}")
    page.add(f'<p class="howto">{esc(db.experiment.get("design"))} design, {esc(db.experiment.get("points"))} '
             f"points x {esc(db.experiment.get('replicates'))} replicates; swept: {'; '.join(desc)}. "
             "Each dot is one run (spread sideways a little where a parameter takes a few levels); the red line "
             "is the mean at each level with its 95% interval, or, for a continuous parameter, a LOWESS trend "
             "(locally weighted regression over 60% of the runs). Replicate r uses the same random numbers at "
             "every point, so differences between points come from the parameters.</p>")
    if db.failed_runs:
        page.add(f'<p class="note">{len(db.failed_runs)} run(s) failed and are left out.</p>')
    note(f"drawing {len(db.outcome_names)} outcomes against {len(dims)} parameter(s)", quiet)
    for name in db.outcome_names:
        meta = outcome_meta(info, name)
        unit = F.UNITS.get(meta.get("metric", ""), "")
        ylabel = name + (f" ({unit})" if unit else "")
        svg = F.sweep_figure(name, ylabel, x, y[name], dims)
        label = meta.get("label", "")
        head = f"<code>{esc(name)}</code>" + (f": {esc(label)}" if label else "") + \
            f" <span class=\"howto\">({'higher' if meta.get('better', 'higher') != 'lower' else 'lower'} is better)</span>"
        page.add(f'<h3 id="sweep-{esc(name)}">{head}</h3>')
        page.add(page.figure("sweep-scatter", svg, ""))
    grid2 = db.experiment.get("design") == "grid" and len(dims) == 2
    if grid2:
        a, b = dims
        la, lb = np.unique(x[a][np.isfinite(x[a])]), np.unique(x[b][np.isfinite(x[b])])
        page.section("heatmaps", "Two-parameter grid: mean outcome at each point")
        page.add(f'<p class="howto">Each cell is the mean of the outcome over the replicates at one point of '
                 f"the grid: rows <code>{esc(a)}</code>, columns <code>{esc(b)}</code>. The number in the cell "
                 "is that mean; grey: no value.</p>")
        blocks = []
        for name in db.outcome_names:
            means = np.full((len(la), len(lb)), np.nan)
            vals = y[name]
            for i, va in enumerate(la):
                for j, vb in enumerate(lb):
                    sel = (x[a] == va) & (x[b] == vb) & np.isfinite(vals)
                    if sel.any():
                        means[i, j] = vals[sel].mean()
            meta = outcome_meta(info, name)
            unit = F.UNITS.get(meta.get("metric", ""), "")
            label = "mean" + (f" ({unit})" if unit else "")
            svg = F.heatmap_figure(name, label, la, lb, means, a, b)
            blocks.append(page.figure("sweep-heatmap", svg, esc(meta.get("label", ""))))
        page.add(f'<div class="grid2">{"".join(blocks)}</div>')
    elif db.experiment.get("design") == "grid" and len(dims) > 2:
        page.add(f'<p class="note">Heat maps are drawn for grids of exactly two parameters; this grid has '
                 f"{len(dims)}.</p>")


# --------------------------------------------------------------------------
# main


def build(args):
    import report_figures  # noqa: F401  (fails early, with the message above, without matplotlib)
    from report_html import Page, esc, kv_table
    quiet = args.quiet
    info = load_info(args.scenario_info)
    data = report_data.RunFolder(args.run_folder) if args.run_folder else None
    db = report_data.ResultsDatabase(args.db) if args.db else None
    if data is None and db is None:
        raise InputError("nothing to report: give --run-folder and/or --db")
    name = info.get("name") or (data.manifest.get("scenario", {}).get("name") if data else None) \
        or (db.experiment.get("scenario_name") if db else None) or "geosim results"
    page = Page(f"{name}: geosim report")

    # header ---------------------------------------------------------------
    what = []
    if data is not None:
        n = len(data.runs)
        what.append(f"{n} run{'s' if n != 1 else ''} of policy {data.manifest.get('policy', 'baseline')}")
    if db is not None:
        if db.kind == "compare":
            what.append(f"a comparison of {len(db.policies) - 1} polic{'y' if len(db.policies) == 2 else 'ies'} "
                        f"with the baseline ({db.experiment.get('replicates')} runs each)")
        else:
            what.append(f"a sweep of {db.experiment.get('points')} points x {db.experiment.get('replicates')} "
                        "replicates")
    subtitle = args.origin or ("Report of " + " and ".join(what))
    header = [f'<header class="top"><h1>{esc(name)}</h1><p class="subtitle">{esc(subtitle)}</p></header>']
    if info.get("description"):
        header.append(f'<p class="description">{esc(info["description"])}</p>')
    if args.info_note:
        header.append(f'<p class="note">{esc(args.info_note)}</p>')

    page.section("about", "What was run")
    policies_run = []
    if data is not None:
        policies_run.append(data.manifest.get("policy", "baseline"))
    if db is not None:
        policies_run += list(db.policies)
    if info:
        page.add("<h3>Events</h3>")
        run_policy = {data.manifest.get("policy", "baseline")} if data is not None else set()
        page.add(events_html(events_for(info, run_policy), data, info))
        if info.get("blocs"):
            page.add("<p>Blocs: " + esc("; ".join(info["blocs"])) + "</p>")
        pol = [p for p in info.get("policies", []) if p.get("name") in policies_run]
        if pol:
            page.add("<h3>Policies</h3><ul class=\"events\">" + "".join(
                f"<li><strong>{esc(p['name'])}</strong>: {esc(p.get('description', ''))}"
                + (f" <em>Changes: {esc('; '.join(p['changes']))}.</em>" if p.get("changes") else "")
                + (" <em>Events: " + esc("; ".join(
                    (f"step {e['step']}: " if e.get("step") is not None else "") + e.get("text", "")
                    for e in p["events"])) + ".</em>" if p.get("events") else "")
                + (f" <em>Blocs: {esc('; '.join(p['blocs']))}.</em>" if p.get("blocs") else "")
                + "</li>" for p in pol) + "</ul>")
    if data is not None:
        page.add("<h3>Runs (manifest.json)</h3>")
        page.add(kv_table(manifest_pairs(data.manifest, args.run_folder_label or data.folder), wide=WIDE))
    if db is not None:
        page.add(f"<h3>{'Comparison' if db.kind == 'compare' else 'Sweep'} (results database)</h3>")
        page.add(kv_table(experiment_pairs(db, args.db_label), wide=WIDE))

    policy_events = events_for(info, {data.manifest.get("policy", "baseline")}) if data is not None else []
    if data is not None:
        run_sections(page, data, info, args, policy_events, quiet)
    if db is not None:
        if db.kind == "compare":
            compare_sections(page, db, info, quiet)
        else:
            sweep_sections(page, db, info, quiet)
            if db.agent_series_rows:
                page.add('<p class="note">This database also stores per-step series; this report draws the '
                         "outcomes only. Export them with <code>geosim export</code>.</p>")
    version = ""
    if data is not None:
        version = data.manifest.get("geosim_version", "")
    elif db is not None:
        version = db.experiment.get("geosim_version", "")
    footer = (f"Written by <code>geosim report</code> (geosim {esc(version)}). Self-contained: every figure and "
              "style is inside this file. How to read it: docs/report.md.")
    return page.render("\n".join(header), footer)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="geosim_report.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="the HTML file to write (replaced atomically)")
    ap.add_argument("--run-folder", help="a `geosim run` output folder")
    ap.add_argument("--run-folder-label", help="how to name the run folder in the report")
    ap.add_argument("--db", help="a results database of `geosim sweep` or `geosim compare --db`")
    ap.add_argument("--db-label", help="how to name the database in the report")
    ap.add_argument("--scenario-info", help="JSON description of the scenario (written by `geosim report`)")
    ap.add_argument("--info-note", help="a note for the header (why the scenario description is missing)")
    ap.add_argument("--origin", help="the report's subtitle: where its runs come from")
    ap.add_argument("--geosim", help="the geosim executable, for `geosim graph`")
    ap.add_argument("--agents", help="comma-separated agent ids to draw (default: all up to 12, else the "
                                     "first four and the great powers)")
    ap.add_argument("--great-powers", type=int, default=3, help="how many great powers (default 3)")
    ap.add_argument("--powers", help="comma-separated great powers to draw alignment toward "
                                     "(default: the --great-powers largest by power share)")
    ap.add_argument("--run", type=int, help="the run shown in the network (default: the first)")
    ap.add_argument("--quiet", action="store_true", help="no progress messages")
    ap.add_argument("--extract-scenario", metavar="SOURCE",
                    help="only write the scenario text of SOURCE (a database, or a run folder's scenario file "
                         "if unchanged) to --out, and exit (3 when it is not available)")
    args = ap.parse_args(argv)

    def on_term(signum, frame):  # SIGTERM (geosim passes Ctrl-C on so): stop as on Ctrl-C, cleaning up
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    try:
        if not args.out:
            raise InputError("--out is required")
        if args.extract_scenario:
            src = args.extract_scenario
            if os.path.isdir(src):
                try:
                    with open(os.path.join(src, "manifest.json"), encoding="utf-8") as f:
                        manifest = json.load(f)
                except (OSError, ValueError) as e:
                    raise InputError(f"{src}/manifest.json cannot be read: {e}") from e
                path, why = report_data.find_scenario_file(src, manifest)
                if path is None:
                    note(f"note: {why}; the report leaves out the scenario's description and events", args.quiet)
                    return 3
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            else:
                text = report_data.extract_scenario_text(src)
            write_atomic(args.out, text)
            return 0
        if not 1 <= args.great_powers <= 10:
            raise InputError("--great-powers must be between 1 and 10")
        text = build(args)
        write_atomic(args.out, text)
        return 0
    except InputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; no report written", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: say where
        traceback.print_exc()
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
