#!/usr/bin/env python3
"""Generate scenarios/world_2019.yaml: every independent state, 2019.

Reads only the committed CSV files in data/world/ (written by
tools/world/extract_data.py from the shared reference data) and writes a
geosim scenario (SCENARIO-FORMAT.md, version 1) with one agent per
independent state that has World Bank GDP and population for 2019 and one
relation per pair of states that trade, share a land border, are allied or
are strategic rivals. docs/world-data.md explains every rule; the header of
the generated file repeats them with the numbers of this run.

Only the Python 3 standard library is used, and the output is byte-for-byte
reproducible: every loop runs over sorted keys, sums use math.fsum (exactly
rounded, so independent of order), numbers are printed by fmt_sig (fixed
significant digits from Python's correctly rounded '%e' formatting), and no
time stamp or environment value is written.

Usage (from the repository root):
    python3 tools/world/make_world.py [--data data/world] [--out scenarios/world_2019.yaml]
"""

import argparse
import csv
import hashlib
import json
import math
import os
import sys
import tempfile

GENERATOR = "tools/world/make_world.py"
GENERATOR_VERSION = "1.0"

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# --- fixed choices (each documented in docs/world-data.md) -----------------
REACH_TOP = 0.8             # reach of the largest military spender (USA 0.8 in mongolia_2019.yaml)
BASE_YEAR = 2019            # the scenario's year: GDP, population, milex, cinc, UN votes
TRADE_YEAR = 2009           # latest year of COW dyadic trade v3.0
TRADE_FALLBACK_YEAR = 2005  # pairs without a positive 2009 flow (Germany's series ends 2006)
TOTALS_YEAR = 2014          # latest year of COW national trade totals
ATOP_YEAR = 2018            # latest year of ATOP in the data
GROWTH_FIRST_YEAR = 2009    # growth = log-linear trend of current-US$ GDP over 2009-2019
GROWTH_MIN, GROWTH_MAX = -0.02, 0.08
GROWTH_MIN_YEARS = 6        # fewer GDP years in the window: impute the median growth
TRADE_THRESHOLD_BN = 0.001  # gravity-only pairs become relations above 1 million US$/yr
EARTH_RADIUS_KM = 6371.0
SIG = 4                     # significant digits of every printed number except distance
CV_FOLDS = 5

# Security from the ATOP pact types in force in 2018 (largest applies).
SECURITY_BY_PACT = (("defense", 0.6), ("offense", 0.4), ("neutral", 0.1),
                    ("consul", 0.1), ("nonagg", 0.0))
# Alignment map, as in scenarios/mongolia_2019.yaml.
ALIGN_SCALE = 2.0
RIVAL_PENALTY = 0.5

TIME_STEPS = 100
SEED = 2019

INPUT_FILES = (
    "states.csv", "wb_gdp.csv", "wb_population.csv", "cow_nmc.csv", "vdem_polyarchy.csv",
    "cow_contiguity_land.csv", "atop_2018.csv", "tss_rivalries.csv",
    "cow_trade_national.csv", "cow_trade_dyadic.csv", "unga_agreement_2019.csv",
)


# --- formatting -------------------------------------------------------------

def fmt_sig(x, sig=SIG):
    """`x` rounded to `sig` significant digits, printed without an exponent.

    Built from '%.{sig-1}e' (correctly rounded by Python on every platform)
    by moving the decimal point in the digit string, so no binary float is
    printed directly. Trailing zeros after the point are dropped.
    """
    if not math.isfinite(x):
        raise ValueError("non-finite number %r" % (x,))
    if x == 0:
        return "0"
    text = format(x, ".%de" % (sig - 1))
    mant, exp = text.split("e")
    exp = int(exp)
    neg = mant.startswith("-")
    digits = mant.lstrip("-").replace(".", "")
    if exp >= 0:
        if len(digits) <= exp + 1:
            out = digits + "0" * (exp + 1 - len(digits))
        else:
            out = digits[:exp + 1] + "." + digits[exp + 1:]
    else:
        out = "0." + "0" * (-exp - 1) + digits
    if "." in out:
        out = out.rstrip("0").rstrip(".")
    return ("-" if neg else "") + out


def fmt_pct(x):
    return fmt_sig(100.0 * x, 3) + "%"


def fmt_int(x):
    return str(int(math.floor(x + 0.5)))


def yaml_str(s):
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(s, ensure_ascii=False)


# --- input --------------------------------------------------------------------

def read_csv(data_dir, name):
    with open(os.path.join(data_dir, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        raise ValueError("median of nothing")
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def num(text):
    text = text.strip()
    return float(text) if text else None


class Data:
    """Everything read from data/world/, keyed by ISO3 or COW code."""

    def __init__(self, data_dir):
        self.dir = data_dir
        self.states = {r["iso3"]: r for r in read_csv(data_dir, "states.csv")}
        self.iso_of_ccode = {}
        for iso in sorted(self.states):
            cc = int(self.states[iso]["cow_ccode"])
            if cc in self.iso_of_ccode:
                raise ValueError("COW code %d used twice in states.csv" % cc)
            self.iso_of_ccode[cc] = iso

        self.gdp = {}           # (iso3, year) -> US$
        for r in read_csv(data_dir, "wb_gdp.csv"):
            self.gdp[(r["iso3"], int(r["year"]))] = float(r["gdp_usd"])
        self.pop = {}
        for r in read_csv(data_dir, "wb_population.csv"):
            self.pop[(r["iso3"], int(r["year"]))] = float(r["population"])
        self.milex, self.cinc = {}, {}   # (ccode, year) -> thousands US$ / share
        for r in read_csv(data_dir, "cow_nmc.csv"):
            key = (int(r["ccode"]), int(r["year"]))
            if num(r["milex"]) is not None:
                self.milex[key] = num(r["milex"])
            if num(r["cinc"]) is not None:
                self.cinc[key] = num(r["cinc"])
        self.polyarchy = {}
        for r in read_csv(data_dir, "vdem_polyarchy.csv"):
            self.polyarchy[(int(r["ccode"]), int(r["year"]))] = float(r["v2x_polyarchy"])
        self.contiguity = read_csv(data_dir, "cow_contiguity_land.csv")
        self.atop = read_csv(data_dir, "atop_2018.csv")
        self.rivalries = read_csv(data_dir, "tss_rivalries.csv")
        self.totals = {}        # (ccode, year) -> (imports, exports), US$ millions
        for r in read_csv(data_dir, "cow_trade_national.csv"):
            self.totals[(int(r["ccode"]), int(r["year"]))] = (num(r["imports"]), num(r["exports"]))
        self.trade = {}         # (year, lo, hi) ccode -> {exporter ccode: flow, US$ millions}
        self.trade_duplicates = set()   # dyads listed twice (China-Taiwan); checked later
        for r in read_csv(data_dir, "cow_trade_dyadic.csv"):
            y, c1, c2 = int(r["year"]), int(r["ccode1"]), int(r["ccode2"])
            key = (y, min(c1, c2), max(c1, c2))
            if key in self.trade:
                self.trade_duplicates.add(key)
            # flow1 = imports of ccode1 from ccode2 = exports of ccode2 to ccode1
            self.trade[key] = {c2: float(r["flow1"]), c1: float(r["flow2"])}
        self.unga = {}          # (iso_a, iso_b) sorted -> (joint_votes, agree)
        for r in read_csv(data_dir, "unga_agreement_2019.csv"):
            a, b = sorted((r["iso3_a"], r["iso3_b"]))
            self.unga[(a, b)] = (int(r["joint_votes"]), float(r["agree"]))


# --- small numerics ------------------------------------------------------------

def solve(a, b):
    """Solve a x = b (a: list of rows) by Gaussian elimination, partial pivoting."""
    n = len(b)
    m = [list(a[i]) + [b[i]] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: (abs(m[r][col]), -r))
        if m[piv][col] == 0.0:
            raise ValueError("singular normal equations")
        m[col], m[piv] = m[piv], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f != 0.0:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - math.fsum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def ols(rows, ys):
    """Least squares by the normal equations X'X b = X'y (sums with fsum)."""
    k = len(rows[0])
    xtx = [[math.fsum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    xty = [math.fsum(r[i] * y for r, y in zip(rows, ys)) for i in range(k)]
    return solve(xtx, xty)


def predict(beta, row):
    return math.fsum(b * x for b, x in zip(beta, row))


def haversine_km(lat1, lng1, lat2, lng2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


# --- the world ------------------------------------------------------------------

class Agent:
    def __init__(self, iso, state):
        self.iso = iso
        self.name = state["name"]
        self.ccode = int(state["cow_ccode"])
        self.region = state["region"]
        self.subregion = state["subregion"]
        self.imputed = []     # notes for the trailing comment


def build_agents(d, notes):
    agents = []
    skipped = []
    for iso in sorted(d.states):
        if (iso, BASE_YEAR) in d.gdp and (iso, BASE_YEAR) in d.pop:
            agents.append(Agent(iso, d.states[iso]))
        else:
            skipped.append(iso)
    notes["skipped"] = skipped

    for a in agents:
        a.gdp = d.gdp[(a.iso, BASE_YEAR)] / 1e9
        a.population = d.pop[(a.iso, BASE_YEAR)] / 1e6

    # military: COW NMC milex 2019 (thousands of US$) -> bn US$.
    shares = [d.milex[(a.ccode, BASE_YEAR)] * 1e3 / (a.gdp * 1e9)
              for a in agents if d.milex.get((a.ccode, BASE_YEAR), 0) > 0]
    med_share = median(shares)
    notes["milex_median_share"] = med_share
    notes["milex_share_n"] = len(shares)
    notes["military_own_share"] = notes["military_median"] = 0
    for a in agents:
        m = d.milex.get((a.ccode, BASE_YEAR))
        if m is not None:
            a.military = m / 1e6
            a.military_src = "cow"
            continue
        own = None
        for y in range(BASE_YEAR - 1, GROWTH_FIRST_YEAR - 1, -1):
            m = d.milex.get((a.ccode, y))
            g = d.gdp.get((a.iso, y))
            if m is not None and m > 0 and g:
                own = (y, m * 1e3 / g)
                break
        if own:
            a.military = own[1] * a.gdp
            a.imputed.append("military = own %d milex/GDP share %s x GDP 2019" % (own[0], fmt_pct(own[1])))
            notes["military_own_share"] += 1
        else:
            a.military = med_share * a.gdp
            a.imputed.append("military = median 2019 milex/GDP share %s x GDP 2019" % fmt_pct(med_share))
            notes["military_median"] += 1

    # growth: log-linear trend of current-US$ GDP 2009-2019, clamped.
    raw = {}
    for a in agents:
        pts = [(y, math.log(d.gdp[(a.iso, y)])) for y in range(GROWTH_FIRST_YEAR, BASE_YEAR + 1)
               if (a.iso, y) in d.gdp and d.gdp[(a.iso, y)] > 0]
        if len(pts) >= GROWTH_MIN_YEARS:
            my = math.fsum(p[0] for p in pts) / len(pts)
            ml = math.fsum(p[1] for p in pts) / len(pts)
            slope = (math.fsum((p[0] - my) * (p[1] - ml) for p in pts)
                     / math.fsum((p[0] - my) ** 2 for p in pts))
            raw[a.iso] = math.exp(slope) - 1.0
    med_growth = median(raw.values())
    notes["growth_median"] = med_growth
    notes["growth_imputed"] = notes["growth_clamped_lo"] = notes["growth_clamped_hi"] = 0
    for a in agents:
        g = raw.get(a.iso)
        if g is None:
            g = med_growth
            a.imputed.append("growth = median trend %s" % fmt_pct(med_growth))
            notes["growth_imputed"] += 1
        if g < GROWTH_MIN:
            notes["growth_clamped_lo"] += 1
        if g > GROWTH_MAX:
            notes["growth_clamped_hi"] += 1
        a.growth = clamp(g, GROWTH_MIN, GROWTH_MAX)

    # regime: V-Dem polyarchy, latest year <= 2019 (from 2009); else the
    # median of the agents with data in the same subregion, else region.
    for a in agents:
        a.regime = None
        for y in range(BASE_YEAR, GROWTH_FIRST_YEAR - 1, -1):
            if (a.ccode, y) in d.polyarchy:
                a.regime = d.polyarchy[(a.ccode, y)]
                a.regime_year = y
                break
    observed = [a for a in agents if a.regime is not None]
    notes["regime_subregion"] = notes["regime_region"] = 0
    notes["regime_not_2019"] = sum(1 for a in observed if a.regime_year != BASE_YEAR)
    for a in agents:
        if a.regime is not None:
            if a.regime_year != BASE_YEAR:
                a.imputed.append("regime = V-Dem %d (latest)" % a.regime_year)
            continue
        peers = sorted(b.regime for b in observed if b.subregion == a.subregion)
        if peers:
            a.regime_imp = median(peers)
            a.imputed.append("regime = median of %d %s states" % (len(peers), a.subregion))
            notes["regime_subregion"] += 1
        else:
            peers = sorted(b.regime for b in observed if b.region == a.region)
            a.regime_imp = median(peers)
            a.imputed.append("regime = median of %d %s states (none in %s)"
                             % (len(peers), a.region, a.subregion))
            notes["regime_region"] += 1
    for a in agents:
        if a.regime is None:
            a.regime = a.regime_imp

    # reach: 0.8 x sqrt(military / largest military), from the military
    # spending above (COW NMC milex, the capability most tied to projecting
    # force abroad). 0.8 is the USA's reach in mongolia_2019.yaml; the square
    # root compresses the range (Russia, with 6% of US spending, gets 0.20).
    mmax = max(a.military for a in agents)
    leader = [a.iso for a in agents if a.military == mmax][0]
    notes["milex_max"], notes["milex_leader"] = mmax, leader
    for a in agents:
        a.reach = clamp(REACH_TOP * math.sqrt(a.military / mmax), 0.0, 1.0)
    return agents


def trade_scale_factors(d, agents, year, notes):
    """Growth factors `year` -> 2019 of each state's exports and imports.

    A 2019 total is estimated as the 2014 total's share of 2014 GDP times the
    2019 GDP; the factor is that over the total of `year`. Without both COW
    totals the factor is GDP 2019 / GDP `year`.
    """
    fexp, fimp = {}, {}
    fallback_states = []
    for a in agents:
        t0 = d.totals.get((a.ccode, year), (None, None))
        t14 = d.totals.get((a.ccode, TOTALS_YEAR), (None, None))
        g0 = d.gdp.get((a.iso, year))
        g14 = d.gdp.get((a.iso, TOTALS_YEAR))
        g19 = d.gdp[(a.iso, BASE_YEAR)]
        if not g0:
            raise ValueError("no World Bank GDP %d for %s" % (year, a.iso))
        fallback = g19 / g0
        used_fallback = False
        out = []
        for k in (1, 0):          # exports, imports
            if t0[k] and t14[k] and g14:
                out.append((t14[k] / g14) * g19 / t0[k])
            else:
                out.append(fallback)
                used_fallback = True
        fexp[a.iso], fimp[a.iso] = out
        if used_fallback:
            fallback_states.append(a.iso)
    notes["scale_fallback_%d" % year] = fallback_states
    return fexp, fimp


def build_relations(d, agents, notes):
    by_iso = {a.iso: a for a in agents}
    by_cc = {a.ccode: a for a in agents}
    isos = [a.iso for a in agents]

    # Land borders in force at the end of the contiguity data (2016-12-01),
    # taken to hold in 2019.
    data_end = max(r["enddate"] for r in d.contiguity)
    notes["contiguity_end"] = data_end
    border = set()
    for r in d.contiguity:
        if r["enddate"] == data_end and r["stdate"] <= "%d-12-31" % BASE_YEAR:
            c1, c2 = int(r["ccode1"]), int(r["ccode2"])
            if c1 in by_cc and c2 in by_cc:
                border.add(tuple(sorted((by_cc[c1].iso, by_cc[c2].iso))))

    # ATOP 2018: pact types per unordered pair (union of both directions).
    pacts = {}
    for r in d.atop:
        c1, c2 = int(r["ccode1"]), int(r["ccode2"])
        if c1 in by_cc and c2 in by_cc and c1 != c2:
            key = tuple(sorted((by_cc[c1].iso, by_cc[c2].iso)))
            s = pacts.setdefault(key, set())
            for name, _ in SECURITY_BY_PACT:
                if r[name].strip() == "1":
                    s.add(name)
    pacts = {k: v for k, v in pacts.items() if v}

    # Strategic rivalries active in 2019.
    rival = {}
    for r in d.rivalries:
        if int(r["start"]) <= BASE_YEAR <= int(r["end"]):
            c1, c2 = int(r["ccode1"]), int(r["ccode2"])
            if c1 in by_cc and c2 in by_cc:
                rival[tuple(sorted((by_cc[c1].iso, by_cc[c2].iso)))] = r["rivalry"]
    notes["rivals"] = sorted(rival)

    # Distances between capitals.
    coords = {}
    notes["distance_centroid"] = []
    for a in agents:
        s = d.states[a.iso]
        if s["capital_lat"] and s["capital_lng"]:
            coords[a.iso] = (float(s["capital_lat"]), float(s["capital_lng"]))
        else:
            coords[a.iso] = (float(s["centroid_lat"]), float(s["centroid_lng"]))
            notes["distance_centroid"].append(a.iso)

    def dist(i, j):
        return haversine_km(coords[i][0], coords[i][1], coords[j][0], coords[j][1])

    # COW flows among agents per year and unordered ISO pair; a pair counts
    # as recorded in a year when either direction is positive.
    cow = {TRADE_YEAR: {}, TRADE_FALLBACK_YEAR: {}}
    for (yr, c1, c2), flows in sorted(d.trade.items()):
        if yr in cow and c1 in by_cc and c2 in by_cc:
            if (yr, c1, c2) in d.trade_duplicates:
                raise ValueError("dyad %d-%d listed twice for %d in cow_trade_dyadic.csv"
                                 % (c1, c2, yr))
            i, j = sorted((by_cc[c1].iso, by_cc[c2].iso))
            if flows[by_iso[i].ccode] > 0 or flows[by_iso[j].ccode] > 0:
                cow[yr][(i, j)] = {i: flows[by_iso[i].ccode], j: flows[by_iso[j].ccode]}
    cow_positive = cow[TRADE_YEAR]

    # Gravity model on the positive directed flows of 2009.
    def features(exp_iso, imp_iso):
        e, m = by_iso[exp_iso], by_iso[imp_iso]
        key = tuple(sorted((exp_iso, imp_iso)))
        return [1.0,
                math.log(d.gdp[(e.iso, TRADE_YEAR)] / 1e9),
                math.log(d.gdp[(m.iso, TRADE_YEAR)] / 1e9),
                math.log(dist(exp_iso, imp_iso)),
                1.0 if key in border else 0.0]

    obs = []   # (exporter, importer, features, log flow)
    for key in sorted(cow_positive):
        for exp_iso, imp_iso in (key, key[::-1]):
            f = cow_positive[key][exp_iso]
            if f > 0:
                obs.append((exp_iso, imp_iso, features(exp_iso, imp_iso), math.log(f)))
    rows = [o[2] for o in obs]
    ys = [o[3] for o in obs]
    beta = ols(rows, ys)
    ybar = math.fsum(ys) / len(ys)
    ss_tot = math.fsum((y - ybar) ** 2 for y in ys)
    resid = [y - predict(beta, r) for r, y in zip(rows, ys)]
    ss_res = math.fsum(e * e for e in resid)
    fit = {"n": len(obs), "beta": beta, "r2": 1.0 - ss_res / ss_tot,
           "rmse": math.sqrt(ss_res / len(obs)),
           "mae_in": median([abs(e) for e in resid])}
    # Deterministic k-fold cross-validation: fold from the SHA-256 of "EXP>IMP".
    folds = [int(hashlib.sha256(("%s>%s" % (o[0], o[1])).encode()).hexdigest()[:8], 16) % CV_FOLDS
             for o in obs]
    cv_err = []
    for k in range(CV_FOLDS):
        train = [n for n in range(len(obs)) if folds[n] != k]
        b = ols([rows[n] for n in train], [ys[n] for n in train])
        cv_err.extend(ys[n] - predict(b, rows[n]) for n in range(len(obs)) if folds[n] == k)
    fit["cv_mae"] = median([abs(e) for e in cv_err])
    fit["cv_rmse"] = math.sqrt(math.fsum(e * e for e in cv_err) / len(cv_err))
    fit["cv_r2"] = 1.0 - math.fsum(e * e for e in cv_err) / ss_tot
    notes["gravity"] = fit

    factors = {yr: trade_scale_factors(d, agents, yr, notes) for yr in sorted(cow)}

    def scaled(yr, exp_iso, imp_iso, flow_musd):
        # US$ millions in year yr -> bn US$ 2019
        fexp, fimp = factors[yr]
        return flow_musd * math.sqrt(fexp[exp_iso] * fimp[imp_iso]) / 1e3

    relations = []
    counts = {"cow": 0, "cow2005": 0, "gravity": 0, "border": 0,
              "pact": 0, "rival": 0, "no_votes": 0}
    reasons = {"trade_cow": 0, "trade_cow2005": 0, "trade_gravity": 0, "border_only": 0,
               "pact_only": 0, "rival_only": 0}
    for x in range(len(isos)):
        for y in range(x + 1, len(isos)):
            i, j = isos[x], isos[y]
            key = (i, j)
            if key in cow[TRADE_YEAR]:
                src, yr = "cow", TRADE_YEAR
            elif key in cow[TRADE_FALLBACK_YEAR]:
                src, yr = "cow2005", TRADE_FALLBACK_YEAR
            else:
                src, yr = "gravity", TRADE_YEAR
            if src == "gravity":
                ex = {i: scaled(yr, i, j, math.exp(predict(beta, features(i, j)))),
                      j: scaled(yr, j, i, math.exp(predict(beta, features(j, i))))}
            else:
                flows = cow[yr][key]
                ex = {i: scaled(yr, i, j, flows[i]), j: scaled(yr, j, i, flows[j])}
            trades = src != "gravity" or max(ex[i], ex[j]) >= TRADE_THRESHOLD_BN
            is_border, pact, is_rival = key in border, pacts.get(key), key in rival
            if not (trades or is_border or pact or is_rival):
                continue
            if trades:
                reasons["trade_" + src] += 1
            elif is_border:
                reasons["border_only"] += 1
            elif pact:
                reasons["pact_only"] += 1
            else:
                reasons["rival_only"] += 1
            counts[src] += 1
            security = 0.0
            for name, value in SECURITY_BY_PACT:
                if pact and name in pact:
                    security = max(security, value)
            relations.append({"key": key, "border": is_border, "distance": dist(i, j),
                              "exports": ex, "src": src, "security": security,
                              "pact": pact, "rival": is_rival})
            counts["border"] += is_border
            counts["pact"] += bool(pact)
            counts["rival"] += is_rival

    # Alignment from UN votes 2019, double centred over all 2019 voting pairs.
    mean_of = {}
    for (a, b), (_, agree) in sorted(d.unga.items()):
        mean_of.setdefault(a, []).append(agree)
        mean_of.setdefault(b, []).append(agree)
    m = {k: math.fsum(v) / len(v) for k, v in mean_of.items()}
    grand = math.fsum(v[1] for _, v in sorted(d.unga.items())) / len(d.unga)
    notes["unga_states"], notes["unga_pairs"], notes["unga_M"] = len(m), len(d.unga), grand
    notes["no_un_states"] = sorted(a.iso for a in agents if a.iso not in m)
    residuals = []
    for r in relations:
        i, j = r["key"]
        v = d.unga.get((i, j))
        if v is None:
            resid = 0.0
            r["votes"] = False
            counts["no_votes"] += 1
        else:
            resid = v[1] - m[i] - m[j] + grand
            r["votes"] = True
            residuals.append(resid)
        r["alignment"] = clamp(ALIGN_SCALE * resid - RIVAL_PENALTY * (1.0 if r["rival"] else 0.0),
                               -1.0, 1.0)
    notes["resid_range"] = (min(residuals), max(residuals))
    notes["relation_counts"] = counts
    notes["relation_reasons"] = reasons
    fexp, fimp = factors[TRADE_YEAR]
    ratios = sorted(math.sqrt(fexp[a.iso] * fimp[a.iso]) for a in agents)
    notes["scale_range"] = (ratios[0], median(ratios), ratios[-1])
    notes["scale_extremes"] = sorted(((math.sqrt(fexp[a.iso] * fimp[a.iso]), a.iso) for a in agents))
    return relations


# --- output ---------------------------------------------------------------------

def header_lines(d, agents, relations, notes, data_dir):
    fit = notes["gravity"]
    b = fit["beta"]
    c = notes["relation_counts"]
    rs = notes["relation_reasons"]
    n_imp_reg = notes["regime_subregion"] + notes["regime_region"]
    total_x = math.fsum(v for r in relations for v in r["exports"].values())
    src_x = {k: math.fsum(v for r in relations if r["src"] == k for v in r["exports"].values())
             for k in ("cow", "cow2005", "gravity")}
    rel = os.path.relpath(os.path.abspath(data_dir), REPO_ROOT).replace(os.sep, "/")
    L = []
    L.append("# World 2019: every independent state with World Bank GDP and population for 2019.")
    L.append("#")
    L.append("# GENERATED FILE, do not edit by hand. Generator: %s, version %s." % (GENERATOR, GENERATOR_VERSION))
    L.append("# Regenerate from the repository root:")
    L.append("#   python3 tools/world/extract_data.py   # only when ../shared/data changed")
    L.append("#   python3 tools/world/make_world.py")
    L.append("# tests/world_generator_test.sh checks that this file is exactly what the")
    L.append("# generator writes. Method and limits in full: docs/world-data.md.")
    L.append("#")
    L.append("# INPUTS (%s/, SHA-256; origins and licences in %s/SOURCES.md):" % (rel, rel))
    for name in INPUT_FILES:
        L.append("#   %s  %s" % (sha256_of(os.path.join(data_dir, name)), name))
    L.append("# Upstream: World Bank WDI (CC BY 4.0) via datasets/gdp and datasets/population;")
    L.append("# COW National Material Capabilities 7.0, COW Direct Contiguity 3.2, COW Trade")
    L.append("# v3.0 (dyadic) and v4.0 (national totals), ATOP 5.1, Thompson-Sakuwa-Suhas")
    L.append("# rivalries, V-Dem v10 (CC BY-SA 4.0), all via the peacesciencer R package and")
    L.append("# dyadr; Voeten UN General Assembly votes (CC0) via unvotes; states, capitals")
    L.append("# from mledoze/countries (ODbL 1.0) and peacesciencer cow_capitals. Share-alike:")
    L.append("# this file is a derived database under ODbL 1.0 / CC BY-SA 4.0.")
    L.append("#")
    L.append("# AGENTS (%d, ordered by ISO3 code; id = ISO3). Left out for lack of World Bank" % len(agents))
    L.append("# GDP or population 2019: %s." % ", ".join(notes["skipped"]))
    L.append("# - gdp: World Bank GDP 2019, bn current US$. population: World Bank 2019, millions.")
    L.append("# - military: COW NMC milex 2019 (thousand current US$) / 1e6 = bn US$; 0 where")
    L.append("#   COW records 0 (states without armed forces). Missing 2019 (%d states):"
             % (notes["military_own_share"] + notes["military_median"]))
    L.append("#   the state's own milex/GDP share in its latest COW year 2009-2018 x GDP 2019")
    L.append("#   (%d states), else the median 2019 share of the %d states with positive milex,"
             % (notes["military_own_share"], notes["milex_share_n"]))
    L.append("#   %s, x GDP 2019 (%d states). Marked '# imputed:'."
             % (fmt_pct(notes["milex_median_share"]), notes["military_median"]))
    L.append("# - growth: trend of current-US$ GDP 2009-2019, exp(slope of ln GDP on year) - 1")
    L.append("#   (least squares over the 11 years), clamped to [%s, %s] (%d raised, %d lowered;"
             % (fmt_sig(GROWTH_MIN), fmt_sig(GROWTH_MAX), notes["growth_clamped_lo"], notes["growth_clamped_hi"]))
    L.append("#   %d imputed). NOMINAL US$ growth (includes inflation and exchange-rate"
             % notes["growth_imputed"])
    L.append("#   moves), a proxy for the model's real potential growth; median %s."
             % fmt_pct(notes["growth_median"]))
    L.append("# - regime: V-Dem electoral democracy v2x_polyarchy 2019 (%d states have an"
             % (len(agents) - n_imp_reg))
    L.append("#   observed value; %d of them from an earlier year). Missing (%d states): the"
             % (notes["regime_not_2019"], n_imp_reg))
    L.append("#   median of the observed agents of the same subregion (%d), else of the same"
             % notes["regime_subregion"])
    L.append("#   region (%d). Marked '# imputed:'." % notes["regime_region"])
    L.append("# - reach: %s x sqrt(military / largest military (%s, %s bn)), in [0, 1]: military"
             % (fmt_sig(REACH_TOP), notes["milex_leader"], fmt_sig(notes["milex_max"])))
    L.append("#   spending is the capability most tied to power projection; the square root")
    L.append("#   compresses the range; %s is the USA's reach in mongolia_2019.yaml. CINC is not" % fmt_sig(REACH_TOP))
    L.append("#   used: it ranks China first (population, industry). No basing data are used.")
    L.append("# - Behaviour keys (weights, strategy, coercion, outward_investment, ...) are")
    L.append("#   left at the MODEL.md defaults: the data say nothing about them.")
    L.append("#")
    L.append("# RELATIONS (%d of %d pairs), one per unordered pair [A, B] with A < B, declared"
             % (len(relations), len(agents) * (len(agents) - 1) // 2))
    L.append("# when the pair trades: a positive COW flow either way in 2009 (%d pairs) or,"
             % rs["trade_cow"])
    L.append("# failing that, in 2005 (%d), or else a gravity estimate >= %s bn US$/yr either"
             % (rs["trade_cow2005"], fmt_sig(TRADE_THRESHOLD_BN)))
    L.append("# way (%d); or else when it shares a land border (%d), an ATOP 2018 pact (%d)"
             % (rs["trade_gravity"], rs["border_only"], rs["pact_only"]))
    L.append("# or a strategic rivalry active in 2019 (%d)." % rs["rival_only"])
    L.append("# - border: COW direct contiguity, land (conttype 1), spell open at the data's")
    L.append("#   end (%s, assumed unchanged to 2019); %d pairs. Sea contiguity is not a border."
             % (notes["contiguity_end"], c["border"]))
    L.append("# - distance: great circle (haversine, R = 6371 km) between capitals")
    L.append("#   (states.csv capital_lat/lng), whole km%s."
             % ("" if not notes["distance_centroid"] else
                "; country centroid for " + ", ".join(notes["distance_centroid"])))
    L.append("# - alignment (both directions) from UN General Assembly votes 2019, as in")
    L.append("#   mongolia_2019.yaml: resid_ij = agree_ij - m_i - m_j + M, m_i = mean agreement")
    L.append("#   of i with all %d states voting in 2019, M = %s the mean over all %d pairs;"
             % (notes["unga_states"], fmt_sig(notes["unga_M"]), notes["unga_pairs"]))
    L.append("#   a_ij = clamp(%s * resid_ij - %s * rival_ij, -1, 1), rival_ij = 1 for the"
             % (fmt_sig(ALIGN_SCALE), fmt_sig(RIVAL_PENALTY)))
    L.append("#   %d Thompson-Sakuwa-Suhas rivalries active in 2019 among the agents."
             % len(notes["rivals"]))
    L.append("#   resid ranges %s .. %s. No joint votes: resid = 0 (%d pairs, marked 'no UN votes')."
             % (fmt_sig(notes["resid_range"][0], 3), fmt_sig(notes["resid_range"][1], 3), c["no_votes"]))
    L.append("# - security from ATOP 2018 pacts (both directions pooled; the largest applies):")
    L.append("#   defense 0.6, offense 0.4, neutrality 0.1, consultation 0.1, non-aggression 0;")
    L.append("#   %d pairs have a pact. No judgement additions (e.g. for stationed forces)."
             % c["pact"])
    L.append("# - exports (bn US$/yr, exported BY the key agent; %s bn in all). The trailing"
             % fmt_sig(total_x))
    L.append("#   comment names the source of the pair's two values:")
    L.append("#   cow: COW Trade v3.0, 2009 (exports of A to B = imports of B from A, US$ m),")
    L.append("#     both directions when either is positive, a 0 stays 0 (%d pairs, %s bn)."
             % (c["cow"], fmt_sig(src_x["cow"])))
    L.append("#   cow2005: no positive 2009 flow but a positive 2005 one, used the same way")
    L.append("#     (%d pairs, %s bn; mostly Germany, whose COW v3 series ends in 2006)."
             % (c["cow2005"], fmt_sig(src_x["cow2005"])))
    L.append("#   gravity: neither (%d pairs, %s bn): exp(fitted ln flow) of the model below,"
             % (c["gravity"], fmt_sig(src_x["gravity"])))
    L.append("#     a median (not mean) estimate with 2009 GDPs, in both directions.")
    L.append("#   All are scaled to 2019 by sqrt(fx_A * fm_B): fx (fm) = estimated 2019 exports")
    L.append("#   (imports) of the state / its total in the flow's year (2009 or 2005), the")
    L.append("#   2019 total being the COW v4 2014 total / GDP 2014 x GDP 2019; without both")
    fb = notes["scale_fallback_2009"]
    L.append("#   COW totals fx = fm = GDP 2019 / GDP of that year (%d states:" % len(fb))
    for k in range(0, len(fb), 16):
        L.append("#     %s%s" % (" ".join(fb[k:k + 16]), ")." if k + 16 >= len(fb) else ""))
    L.append("#   Per-state factor sqrt(fx fm) for 2009: %s (%s) .. %s (%s), median %s."
             % (fmt_sig(notes["scale_extremes"][0][0], 3), notes["scale_extremes"][0][1],
                fmt_sig(notes["scale_extremes"][-1][0], 3), notes["scale_extremes"][-1][1],
                fmt_sig(notes["scale_range"][1], 3)))
    L.append("#   Gravity: ln flow_ij (US$ m, 2009) = b0 + b1 ln GDP_i + b2 ln GDP_j + b3 ln dist_ij")
    L.append("#     + b4 border_ij (GDP 2009 in bn US$, i exporter), OLS by the normal equations")
    L.append("#     on the %d positive directed COW 2009 flows among the agents:" % fit["n"])
    L.append("#     b0 = %s, b1 = %s, b2 = %s, b3 = %s, b4 = %s"
             % tuple(fmt_sig(v) for v in b))
    L.append("#     R2 = %s, RMSE = %s, median |error| = %s (ln units, in sample);"
             % (fmt_sig(fit["r2"], 3), fmt_sig(fit["rmse"], 3), fmt_sig(fit["mae_in"], 3)))
    L.append("#     %d-fold cross-validation (fold = SHA-256 of 'EXP>IMP' mod %d): median |error|"
             % (CV_FOLDS, CV_FOLDS))
    L.append("#     = %s (a factor of %s), RMSE = %s, R2 = %s."
             % (fmt_sig(fit["cv_mae"], 3), fmt_sig(math.exp(fit["cv_mae"]), 3),
                fmt_sig(fit["cv_rmse"], 3), fmt_sig(fit["cv_r2"], 3)))
    L.append("# - investment, aid, affinity: not set (0), no data.")
    L.append("# Numbers have %d significant digits (distance: whole km)." % SIG)
    return L


def render(d, agents, relations, notes, data_dir):
    out = header_lines(d, agents, relations, notes, data_dir)
    out += [
        "geosim: 1",
        "name: World 2019",
        "description: >-",
        "  Every independent state with World Bank GDP and population for 2019",
        "  (%d agents) and every pair that trades, shares a land border, an ATOP" % len(agents),
        "  pact or a rivalry (%d relations), from public data by %s %s." % (
            len(relations), GENERATOR, GENERATOR_VERSION),
        "  Behaviour parameters are the MODEL.md defaults. See docs/world-data.md.",
        "time: {start: %d, steps: %d, dt: 1.0}" % (BASE_YEAR, TIME_STEPS),
        "seed: %d" % SEED,
        "",
        "agents:",
    ]
    for a in agents:
        line = ("  - {id: %s, name: %s, gdp: %s, military: %s, population: %s, growth: %s, "
                "regime: %s, reach: %s}" % (
                    a.iso, yaml_str(a.name), fmt_sig(a.gdp), fmt_sig(a.military),
                    fmt_sig(a.population), fmt_sig(a.growth), fmt_sig(a.regime), fmt_sig(a.reach)))
        if a.imputed:
            line += "  # imputed: " + "; ".join(a.imputed)
        out.append(line)
    out.append("")
    out.append("relations:")
    for r in relations:
        i, j = r["key"]
        parts = ["between: [%s, %s]" % (i, j)]
        if r["border"]:
            parts.append("border: true")
        parts.append("distance: %s" % fmt_int(r["distance"]))
        parts.append("alignment: %s" % fmt_sig(r["alignment"]))
        if r["security"] > 0:
            parts.append("security: %s" % fmt_sig(r["security"]))
        parts.append("exports: {%s: %s, %s: %s}" % (i, fmt_sig(r["exports"][i]),
                                                    j, fmt_sig(r["exports"][j])))
        tags = [r["src"]]
        if not r["votes"]:
            tags.append("no UN votes")
        if r["rival"]:
            tags.append("rival")
        out.append("  - {%s}  # %s" % (", ".join(parts), ", ".join(tags)))
    return "\n".join(out) + "\n"


def write_atomic(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".world_2019.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", newline="\n", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)     # mkstemp makes the file 0600; give it the usual mode
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def generate(data_dir):
    d = Data(data_dir)
    notes = {}
    agents = build_agents(d, notes)
    relations = build_relations(d, agents, notes)
    return render(d, agents, relations, notes, data_dir), agents, relations, notes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(REPO_ROOT, "data", "world"),
                    help="input folder (default: data/world)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "scenarios", "world_2019.yaml"),
                    help="output file (default: scenarios/world_2019.yaml)")
    args = ap.parse_args(argv)
    for name in INPUT_FILES:
        if not os.path.isfile(os.path.join(args.data, name)):
            sys.exit("make_world.py: missing input %s (run tools/world/extract_data.py)"
                     % os.path.join(args.data, name))
    text, agents, relations, _ = generate(args.data)
    write_atomic(args.out, text)
    print("%s: %d agents, %d relations, %d bytes" % (args.out, len(agents), len(relations),
                                                     len(text.encode("utf-8"))))


if __name__ == "__main__":
    main()
