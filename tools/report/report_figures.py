"""The report's figures, drawn with matplotlib and returned as SVG text.

Every function returns the SVG of one figure (a string, without the XML
prolog); report_html.py embeds it inline. Output is deterministic: fixed
hash salt for SVG ids, no dates in the metadata, fixed jitter.
"""
import io
import math
import re

import matplotlib

# Matplotlib's own defaults, not a matplotlibrc found in the current folder
# or the user's configuration: the same inputs give the same report wherever
# and by whomever it is made, and a settings file lying beside a scenario
# has no say (docs/guarantees.md). The backend is fixed to Agg just after.
matplotlib.rcdefaults()
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap, ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

import report_stats  # noqa: E402

# Okabe-Ito colours, the same as `geosim graph` uses for the strategies.
STRATEGY_COLORS = {"balance": "#E69F00", "bandwagon": "#CC79A7", "hedge": "#009E73"}
# Great powers' lines: kept apart from the strategy colours.
LINE_COLORS = ["#1f77b4", "#d62728", "#222222", "#9467bd", "#17becf", "#8c564b", "#bcbd22", "#7f7f7f"]
EVENT_COLOR = "#888888"
NEUTRAL = "#555555"

matplotlib.rcParams.update({
    "svg.hashsalt": "geosim-report",
    "svg.fonttype": "path",          # glyphs as paths: the same look in every browser, no font needed
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "path.simplify": True,
})

UNITS = {"gdp": "bn US$", "military": "bn US$ / yr", "exports": "bn US$ / yr", "investment": "bn US$",
         "aid": "bn US$ / yr"}


def to_svg(fig):
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight", pad_inches=0.08)
    plt.close(fig)
    text = buf.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text)
    return text


def fmt(x, digits=4, zeros=False):
    """A number for people: 4 significant digits, scientific when tiny or huge;
    `zeros` keeps trailing zeros (0.0440), to show the precision."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    if x == 0:
        return "0"
    a = abs(x)
    if a < 1e-3 or a >= 1e6:
        return f"{x:.{digits - 1}e}"
    text = f"{x:#.{digits}g}" if zeros else f"{x:.{digits}g}"
    return text.rstrip(".")


def distinct_digits(values, start=3, most=6):
    """Significant digits (from `start` up to `most`) that tell the values apart."""
    vals = [v for v in values if v is not None and math.isfinite(v)]
    want = len({float(f"{v:.12g}") for v in vals})
    for d in range(start, most + 1):
        if len({fmt(v, d) for v in vals}) >= want:
            return d
    return most


def fmt_signed(x, digits=3, zeros=False):
    s = fmt(x, digits, zeros)
    return s if not s or s.startswith("-") or s == "0" else "+" + s


def _year_axis(ax, years):
    ax.set_xlim(years[0], years[-1])
    span = years[-1] - years[0]
    if span > 0:
        step = 2 if span <= 10 else 5 if span <= 22 else 10 if span <= 60 else 25 if span <= 150 else 50
        first = math.ceil(years[0] / step) * step
        ticks = np.arange(first, years[-1] + 1e-9, step)
        if len(ticks) >= 2:
            ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))


def _events(ax, event_years):
    for y in event_years:
        ax.axvline(y, color=EVENT_COLOR, linestyle=(0, (2, 2)), linewidth=0.9, zorder=1)


def _plot_series(ax, years, values, color, label=None, single=False):
    """values [run, step]: a line for one run, else a fan (median, 50% and 90% bands)."""
    if single or values.shape[0] == 1:
        ax.plot(years, values[0], color=color, linewidth=1.8, label=label, zorder=3)
        return
    with np.errstate(all="ignore"):
        finite = np.isfinite(values)
        cols = finite.any(axis=0)
        q = np.full((5, values.shape[1]), np.nan)
        if cols.any():
            q[:, cols] = np.nanpercentile(values[:, cols], [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(years, q[0], q[4], color=color, alpha=0.14, linewidth=0, zorder=2)
    ax.fill_between(years, q[1], q[3], color=color, alpha=0.32, linewidth=0, zorder=2)
    ax.plot(years, q[2], color=color, linewidth=1.8, label=label, zorder=3)


def agent_figure(data, agent, great_powers, event_years, partners_text):
    """One row of five panels for one agent: alignment toward each great power,
    autonomy, largest dependence, GDP, security."""
    years = data.years
    single = len(data.runs) == 1
    fig, axes = plt.subplots(1, 5, figsize=(13.2, 2.9), constrained_layout=True,
                             gridspec_kw={"width_ratios": [1.3, 1, 1, 1, 1]})
    ax = axes[0]
    targets = [g for g in great_powers if g != agent]
    for g in targets:
        series = data.alignment.get((agent, g))
        if series is None:
            continue
        color = LINE_COLORS[great_powers.index(g) % len(LINE_COLORS)]  # one colour per great power, every row
        _plot_series(ax, years, series, color, label=f"toward {g}", single=single)
    ax.axhline(0, color="#999999", linewidth=0.8, zorder=1)
    ax.set_title("Alignment toward great powers", loc="left")
    ax.set_ylabel("alignment a (−1 … 1)")
    if targets:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=min(3, len(targets)), frameon=False,
                  handlelength=1.3, columnspacing=1.0, borderaxespad=0.0, fontsize=8.5)
    panels = [
        (axes[1], data.series("autonomy", agent), "Autonomy", "autonomy (0 … 1)"),
        (axes[2], data.top_dependence.get(agent), "Largest dependence", "dependence D (0 … 1)"),
        (axes[3], data.series("gdp", agent), "GDP", "bn US$"),
        (axes[4], data.series("security", agent), "Security", "security (0 … 1)"),
    ]
    for ax, values, title, ylabel in panels:
        if values is None or not np.isfinite(values).any():
            ax.text(0.5, 0.5, "no value", ha="center", va="center", transform=ax.transAxes, color=NEUTRAL)
        else:
            _plot_series(ax, years, values, NEUTRAL if title != "Largest dependence" else "#8B5A2B", single=single)
        ax.set_title(title, loc="left")
        ax.set_ylabel(ylabel)
    if partners_text:
        axes[2].set_xlabel(partners_text, fontsize=8.5, color="#5a3a1a")
    for ax in axes:
        _year_axis(ax, years)
        _events(ax, event_years)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.ticklabel_format(axis="y", useOffset=False, style="plain") if ax.get_yscale() == "linear" else None
    return to_svg(fig)


def _strategy_cells(ax, cells, cmap, vmin, vmax, agents, years, extent, event_years, linewidth):
    """Draws one strategy panel: a cell per agent (row) and step (column),
    agent names on the y axis, calendar years on the x axis, events dotted."""
    dy = years[1] - years[0] if len(years) > 1 else 1.0
    im = ax.imshow(np.ma.masked_invalid(cells), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", extent=extent,
                   interpolation="nearest")
    ax.set_yticks(range(len(agents)))
    ax.set_yticklabels(agents)
    ax.grid(False)
    _year_axis(ax, years)
    ax.set_xlim(extent[0], extent[1])
    for y in event_years:
        ax.axvline(y - dy / 2, color="black", linestyle=(0, (2, 2)), linewidth=linewidth)
    return im


def strategy_figure(data, agents, event_years, run_pos=0):
    """The strategy each agent chose at each step: one run as colour cells,
    many runs as the share of runs choosing each strategy."""
    years = data.years
    idx = [data.agent_index[a] for a in agents]
    n = len(agents)
    dy = years[1] - years[0] if len(years) > 1 else 1.0
    extent = (years[0] - dy / 2, years[-1] + dy / 2, n - 0.5, -0.5)
    if len(data.runs) == 1:
        codes = data.strategy[run_pos][:, idx].T.astype(float)
        codes[codes < 0] = np.nan
        cmap = ListedColormap([STRATEGY_COLORS[s] for s in ("balance", "bandwagon", "hedge")])
        cmap.set_bad("#dddddd")
        fig, ax = plt.subplots(figsize=(13.2, 0.34 * n + 1.25), constrained_layout=True)
        _strategy_cells(ax, codes, cmap, -0.5, 2.5, agents, years, extent, event_years, 1.0)
        handles = [Patch(color=STRATEGY_COLORS[s], label=s) for s in ("balance", "bandwagon", "hedge")]
        ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=3, frameon=False,
                  fontsize=9.5, handlelength=1.4)
        ax.set_xlabel("year")
        return to_svg(fig)
    shares = []
    for code in range(3):
        chosen = (data.strategy[:, :, idx] == code).astype(float)
        valid = (data.strategy[:, :, idx] >= 0).sum(axis=0)
        with np.errstate(all="ignore"):
            shares.append(np.where(valid > 0, chosen.sum(axis=0) / valid, np.nan).T)
    wide = len(years) <= 45
    if wide:
        fig, axes = plt.subplots(1, 3, figsize=(13.2, 0.34 * n + 1.5), constrained_layout=True, sharey=True)
    else:
        fig, axes = plt.subplots(3, 1, figsize=(13.2, 3 * (0.3 * n + 1.0)), constrained_layout=True, sharex=True)
    for k, (ax, name) in enumerate(zip(axes, ("balance", "bandwagon", "hedge"))):
        cmap = LinearSegmentedColormap.from_list(name, ["#ffffff", STRATEGY_COLORS[name]])
        cmap.set_bad("#dddddd")
        im = _strategy_cells(ax, shares[k], cmap, 0, 1, agents, years, extent, event_years, 0.9)
        ax.set_title(f"{name}: share of runs", loc="left", color=STRATEGY_COLORS[name])
        cb = fig.colorbar(im, ax=ax, fraction=0.05, pad=0.02, ticks=[0, 0.5, 1])
        cb.ax.set_yticklabels(["0%", "50%", "100%"])
        cb.ax.tick_params(labelsize=8.5)
        if wide or k == 2:
            ax.set_xlabel("year")
    return to_svg(fig)


def forest_figure(policies, rows, higher_is_better, xlabel):
    """Paired difference of each policy from the baseline with its 95% CI."""
    n = len(policies)
    fig, ax = plt.subplots(figsize=(5.0, 0.42 * n + 1.05), constrained_layout=True)
    ys = np.arange(n)[::-1]
    lows, highs = [], []
    for y, p in zip(ys, policies):
        r = rows[p]
        d, lo, hi = r["diff"], r["ci_low"], r["ci_high"]
        if not math.isfinite(d):
            ax.text(0, y, "  no pairs", va="center", fontsize=8.5, color=NEUTRAL)
            continue
        if math.isfinite(lo) and math.isfinite(hi):
            if lo > 0 or hi < 0:
                good = (lo > 0) == higher_is_better
                color = "#1a7f37" if good else "#c0392b"
            else:
                color = "#666666"
            ax.plot([lo, hi], [y, y], color=color, linewidth=2.2, solid_capstyle="butt", zorder=3)
            ax.plot([lo, lo], [y - 0.18, y + 0.18], color=color, linewidth=1.2, zorder=3)
            ax.plot([hi, hi], [y - 0.18, y + 0.18], color=color, linewidth=1.2, zorder=3)
            lows.append(lo)
            highs.append(hi)
        else:
            color = "#666666"
        ax.plot([d], [y], marker="D", markersize=6, color=color, zorder=4)
        lows.append(d)
        highs.append(d)
    ax.axvline(0, color="black", linewidth=0.9, zorder=2)
    ax.set_yticks(ys)
    ax.set_yticklabels(policies)
    ax.set_ylim(-0.7, n - 0.3)
    lo = min(lows + [0.0])
    hi = max(highs + [0.0])
    if hi - lo <= 0:
        ax.set_xlim(-1, 1)
        ax.set_xticks([0])
        ax.text(0.5, 0.02, "no difference in any run", transform=ax.transAxes, ha="center", va="bottom",
                fontsize=8.5, color=NEUTRAL)
    else:
        pad = (hi - lo) * 0.08
        ax.set_xlim(lo - pad, hi + pad)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    if hi - lo > 0:
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(6))
    fmt_axis = matplotlib.ticker.ScalarFormatter(useOffset=False, useMathText=True)
    fmt_axis.set_powerlimits((-3, 4))
    ax.xaxis.set_major_formatter(fmt_axis)
    return to_svg(fig)


def _short_path(path):
    return path


def sweep_figure(outcome, ylabel, xs, y, dims):
    """One panel per swept parameter: every run as a dot, and the trend (means
    with 95% intervals at each level for a few levels, else LOWESS)."""
    k = len(dims)
    cols = min(k, 4)
    rows = math.ceil(k / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(max(4.2 * cols, 5.0), 3.0 * rows), constrained_layout=True,
                             squeeze=False)
    rng = np.random.default_rng(12345)  # fixed jitter: the same figure every time
    finite_y = np.isfinite(y)
    for i, dim in enumerate(dims):
        ax = axes[i // cols][i % cols]
        x = xs[dim]
        ok = np.isfinite(x) & finite_y
        ax.set_xlabel(dim)
        if i % cols == 0:
            ax.set_ylabel(ylabel)
        if not ok.any():
            ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes, color=NEUTRAL)
            continue
        levels = np.unique(x[ok])
        discrete = len(levels) <= 12
        if discrete and len(levels) > 1:
            spacing = np.min(np.diff(levels))
            jitter = rng.uniform(-0.12, 0.12, ok.sum()) * spacing
        else:
            jitter = np.zeros(ok.sum())
        ax.scatter(x[ok] + jitter, y[ok], s=16, color="#3a5f9e", alpha=0.35 if ok.sum() > 200 else 0.7,
                   linewidths=0, rasterized=bool(ok.sum() > 3000), zorder=2)
        if discrete:
            lv, means, lows, highs, _ = report_stats.level_means(x[ok], y[ok])
            ax.plot(lv, means, color="#C44E52", linewidth=1.8, marker="o", markersize=4.5, zorder=4,
                    label="mean at each level (95% CI)")
            err = np.vstack([means - lows, highs - means])
            if np.isfinite(err).all():
                ax.errorbar(lv, means, yerr=err, fmt="none", ecolor="#C44E52", elinewidth=1.2, capsize=3, zorder=4)
            ax.set_xticks(lv)
            ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        else:
            tx, ty = report_stats.lowess(x[ok], y[ok])
            if len(tx):
                ax.plot(tx, ty, color="#C44E52", linewidth=2.0, zorder=4, label="LOWESS trend")
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(5))
        ax.ticklabel_format(axis="y", useOffset=False)
    for j in range(k, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    return to_svg(fig)


def heatmap_figure(outcome, label, levels_a, levels_b, means, path_a, path_b):
    """Mean outcome over the replicates at every point of a two-parameter grid."""
    na, nb = len(levels_a), len(levels_b)
    fig, ax = plt.subplots(figsize=(max(3.6, 0.85 * nb + 2.4), max(2.6, 0.5 * na + 1.6)), constrained_layout=True)
    finite = means[np.isfinite(means)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    # Values equal to 6 significant digits are "the same": colouring differences in the 8th digit would
    # paint a story that is not there.
    constant = finite.size > 0 and len({fmt(v, 6) for v in finite.tolist()}) == 1
    cmap = matplotlib.colormaps["viridis"].copy()
    cmap.set_bad("#dddddd")
    if constant:
        im = ax.imshow(np.ma.masked_invalid(means), cmap=ListedColormap(["#cfe3d6"]), aspect="auto",
                       origin="lower", interpolation="nearest")
    else:
        im = ax.imshow(np.ma.masked_invalid(means), cmap=cmap, vmin=lo, vmax=hi, aspect="auto", origin="lower",
                       interpolation="nearest")
    ax.set_xticks(range(nb))
    ax.set_xticklabels([f"{v:g}" for v in levels_b])
    ax.set_yticks(range(na))
    ax.set_yticklabels([f"{v:g}" for v in levels_a])
    ax.set_xlabel(path_b)
    ax.set_ylabel(path_a)
    ax.grid(False)
    digits = 4 if constant else distinct_digits(finite.tolist(), 3, 4)
    for i in range(na):
        for j in range(nb):
            v = means[i, j]
            if not math.isfinite(v):
                continue
            frac = (v - lo) / (hi - lo) if hi > lo else 1.0
            ax.text(j, i, fmt(v, digits), ha="center", va="center", fontsize=8.5,
                    color="black" if frac > 0.55 or constant else "white")
    if constant:
        ax.set_title(f"{outcome}: the same at every point", loc="left", fontsize=10)
    else:
        cb = fig.colorbar(im, ax=ax, fraction=0.08, pad=0.03)
        cb.set_label(label, fontsize=8.5)
        cb.ax.tick_params(labelsize=8)
        cb.formatter = matplotlib.ticker.ScalarFormatter(useOffset=False)
        cb.update_ticks()
        ax.set_title(outcome, loc="left", fontsize=10)
    return to_svg(fig)
