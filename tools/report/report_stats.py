"""Small statistics for the report: Student t quantiles, paired comparisons,
LOWESS and binned means. numpy only (no scipy on a bare Debian machine).

The paired comparison follows `geosim compare` (docs/compare.md): for each
policy, the differences policy - baseline over the replicates (run indices)
where both have a value, their mean, sd, the 95% Student t interval of the
mean, and the share of runs in which the policy is better (ties count half).
"""
import math

import numpy as np


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = tiny if abs(d) < tiny else d
    d = 1.0 / d
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1.0 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def incomplete_beta(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbeta = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    front = math.exp(lbeta + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The t with P(T <= t) = p for Student's t with df degrees of freedom."""
    if df <= 0 or not 0.0 < p < 1.0:
        return float("nan")
    if p == 0.5:
        return 0.0
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    lo, hi = -1.0, 1.0
    while t_cdf(lo, df) > p:
        lo *= 2.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * max(1.0, abs(mid)):
            break
    return 0.5 * (lo + hi)


def describe(values):
    """n, mean, sd (ddof 1; NaN when n < 2) of the finite values."""
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    n = len(v)
    if n == 0:
        return 0, float("nan"), float("nan")
    if n == 1:
        return 1, float(v[0]), float("nan")
    mean = float(v.mean())
    if np.all(v == v[0]):  # exactly equal values: no rounding noise in the mean or the sd
        return n, float(v[0]), 0.0
    return n, mean, float(v.std(ddof=1))


def paired(policy, baseline, higher_is_better=True, level=0.95):
    """Compares two dicts replicate -> value (None: no value), paired by key.

    Returns a dict with pairs, diff, sd_diff, ci_low, ci_high, share_better
    (NaN where undefined)."""
    keys = sorted(k for k in policy if k in baseline and policy[k] is not None and baseline[k] is not None
                  and math.isfinite(policy[k]) and math.isfinite(baseline[k]))
    n = len(keys)
    out = {"pairs": n, "diff": float("nan"), "sd_diff": float("nan"), "ci_low": float("nan"),
           "ci_high": float("nan"), "share_better": float("nan")}
    if n == 0:
        return out
    d = np.array([policy[k] - baseline[k] for k in keys], dtype=float)
    out["diff"] = float(d.mean())
    if n > 1:
        sd = float(d.std(ddof=1))
        out["sd_diff"] = sd
        half = t_quantile(0.5 + level / 2.0, n - 1) * sd / math.sqrt(n)
        out["ci_low"], out["ci_high"] = out["diff"] - half, out["diff"] + half
    wins = np.sum(d > 0) if higher_is_better else np.sum(d < 0)
    ties = np.sum(d == 0)
    out["share_better"] = float((wins + 0.5 * ties) / n)
    return out


def lowess(x, y, frac=0.6, iterations=2, grid=60):
    """LOWESS (Cleveland 1979): local linear fits with tricube weights on the
    nearest frac*n points, robustified `iterations` times with bisquare
    weights. Returns (xs, ys) evaluated at `grid` points over the range of x.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 4 or np.ptp(x) == 0:
        return np.array([]), np.array([])
    if n > 4000:  # deterministic thinning: the trend does not need every point
        idx = np.linspace(0, n - 1, 4000).astype(int)
        order = np.argsort(x, kind="stable")
        x, y = x[order][idx], y[order][idx]
        n = len(x)
    k = max(4, int(math.ceil(frac * n)))
    k = min(k, n)

    def fit_at(points, robust):
        out = np.empty(len(points))
        for i, x0 in enumerate(points):
            dist = np.abs(x - x0)
            h = np.partition(dist, k - 1)[k - 1]
            h = h if h > 0 else 1e-12
            w = np.clip(1.0 - (dist / (h * 1.0000001)) ** 3, 0.0, None) ** 3 * robust
            sw = w.sum()
            if sw <= 0:
                out[i] = np.nan
                continue
            xm = (w * x).sum() / sw
            ym = (w * y).sum() / sw
            sxx = (w * (x - xm) ** 2).sum()
            slope = (w * (x - xm) * (y - ym)).sum() / sxx if sxx > 1e-300 else 0.0
            out[i] = ym + slope * (x0 - xm)
        return out

    robust = np.ones(n)
    for _ in range(iterations):
        resid = y - fit_at(x, robust)
        s = np.median(np.abs(resid))
        if not np.isfinite(s) or s <= 0:
            break
        u = resid / (6.0 * s)
        robust = np.where(np.abs(u) < 1, (1 - u ** 2) ** 2, 0.0)
    xs = np.linspace(x.min(), x.max(), grid)
    return xs, fit_at(xs, robust)


def level_means(x, y, level=0.95):
    """Mean of y at each distinct x with its t interval: (levels, means, lows, highs, counts)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    levels = np.unique(x)
    means, lows, highs, counts = [], [], [], []
    for v in levels:
        s = y[x == v]
        m = float(s.mean())
        if len(s) > 1:
            half = t_quantile(0.5 + level / 2, len(s) - 1) * float(s.std(ddof=1)) / math.sqrt(len(s))
        else:
            half = float("nan")
        means.append(m)
        lows.append(m - half)
        highs.append(m + half)
        counts.append(len(s))
    return levels, np.array(means), np.array(lows), np.array(highs), np.array(counts)
