#!/usr/bin/env python3
"""Prints the 1990 figures behind scenarios/mongolia_1990.yaml and the
observed trade shares of its `observed:` section, from ../shared/data.

Run from the repository root:  python3 tools/backtest/mongolia_1990_inputs.py [--shared DIR]

Everything printed is copied into the scenario with a comment naming this
script; nothing here is needed to run the scenario.
"""
import argparse
import collections
import csv
import os

CODES = {"MNG": 712, "RUS": 365, "CHN": 710, "USA": 2, "JPN": 740, "KOR": 732}
# estimate: Soviet-South Korean trade opened with recognition in 1990 (COW records none): (RUS->KOR, KOR->RUS)
RUS_KOR_1990 = (0.4, 0.5)
SOVIET_SHARE_1990 = 0.72  # seeds/001: Russia's share of Mongolia's trade "fell from 72 percent" (Azizian 2005)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join("..", "shared", "data"))
    data = parser.parse_args().shared

    gdp = {(r["Country Code"], int(r["Year"])): float(r["Value"]) for r in read(f"{data}/datasets-gdp/gdp.csv")}
    pop = {(r["Country Code"], int(r["Year"])): float(r["Value"])
           for r in read(f"{data}/datasets-population/population.csv")}
    nmc = {(int(r["ccode"]), int(r["year"])): r for r in read(f"{data}/peacesciencer/cow_nmc.csv")}
    dem = {(int(r["ccode"]), int(r["year"])): r for r in read(f"{data}/peacesciencer/ccode_democracy.csv")}
    totals = {(int(r["ccode"]), int(r["year"])): r for r in read(f"{data}/peacesciencer/cow_trade_sy.csv")}

    print("# Agents, 1990 (gdp bn current US$, World Bank; military bn US$, COW NMC milex/1e6;"
          " population millions; regime V-Dem polyarchy; growth = GDP CAGR by decade)")
    world_milex = sum(float(r["milex"]) for (c, y), r in nmc.items() if y == 1990 and r["milex"])
    six_gdp = six_mil = six_pop = 0.0
    for iso, c in CODES.items():
        g, p = gdp[(iso, 1990)] / 1e9, pop[(iso, 1990)] / 1e6
        m = float(nmc[(c, 1990)]["milex"]) / 1e6
        six_gdp, six_mil, six_pop = six_gdp + g, six_mil + m, six_pop + p
        cagr = [(gdp[(iso, b)] / gdp[(iso, a)]) ** (1 / (b - a)) - 1 for a, b in [(1990, 2000), (2000, 2009), (2009, 2019)]]
        print(f"{iso}: gdp {g:.4g} military {m:.4g} population {p:.4g} regime {dem[(c, 1990)]['v2x_polyarchy']}"
              f" (1992: {dem[(c, 1992)]['v2x_polyarchy']}) cinc {float(nmc[(c, 1990)]['cinc']):.4g}"
              f" growth {cagr[0]:.3f} / {cagr[1]:.3f} / {cagr[2]:.3f}")
    wg, wp = gdp[("WLD", 1990)] / 1e9, pop[("WLD", 1990)] / 1e6
    wc = [(gdp[("WLD", b)] / gdp[("WLD", a)]) ** (1 / (b - a)) - 1 for a, b in [(1990, 2000), (2000, 2009), (2009, 2019)]]
    print(f"ROW (world minus the six): gdp {wg - six_gdp:.4g} military {world_milex / 1e6 - six_mil:.4g}"
          f" population {wp - six_pop:.4g} growth {wc[0]:.3f} / {wc[1]:.3f} / {wc[2]:.3f} (world)")

    # Mongolia's trade by partner and year (COW Trade v3; flows in US$ million).
    flows = collections.defaultdict(lambda: collections.defaultdict(lambda: [0.0, 0.0]))  # year -> partner -> [exp, imp]
    for r in read(f"{data}/cow-trade-dyadic-v3/cow_trade_dyadic_v3_mongolia_and_scenario_states.csv"):
        a, b, y = int(r["ccode1"]), int(r["ccode2"]), int(r["year"])
        f1, f2 = float(r["flow1"] or 0), float(r["flow2"] or 0)  # f1: imports of 1 from 2
        if a == 712:
            flows[y][b][0] += f2
            flows[y][b][1] += f1
        elif b == 712:
            flows[y][a][0] += f1
            flows[y][a][1] += f2
    f90 = flows[1990]
    recorded = sum(e + i for e, i in f90.values())
    soviet = recorded * SOVIET_SHARE_1990 / (1 - SOVIET_SHARE_1990)
    r92 = flows[1992][365]
    soviet_exp = soviet * r92[0] / (r92[0] + r92[1])
    print("\n# Mongolia's trade, 1990 (bn US$). COW records no Soviet flows in 1990 (zeros = missing); the Soviet"
          f" trade is set so that it is {SOVIET_SHARE_1990:.0%} of the total, split like Russia's 1992 flows.")
    print(f"recorded (non-Soviet) trade {recorded / 1e3:.4g}; Soviet {soviet / 1e3:.4g}: MNG->RUS {soviet_exp / 1e3:.4g},"
          f" RUS->MNG {(soviet - soviet_exp) / 1e3:.4g}")
    named = {712, 365, 710, 2, 740, 732}
    rest = [0.0, 0.0]
    for partner, (e, i) in sorted(f90.items()):
        if partner in named:
            iso = next(k for k, v in CODES.items() if v == partner)
            print(f"MNG-{iso}: MNG exports {e / 1e3:.4g}, {iso} exports {i / 1e3:.4g}")
        else:
            rest[0] += e
            rest[1] += i
    print(f"MNG-ROW: MNG exports {rest[0] / 1e3:.4g}, ROW exports {rest[1] / 1e3:.4g}")

    print("\n# Observed shares of Mongolia's trade (COW Trade v3; years with recorded Russian flows)")
    for y in (1995, 2000, 2005, 2009):
        tot_e = sum(e for e, _ in flows[y].values())
        tot = sum(e + i for e, i in flows[y].values())
        for iso in ("CHN", "RUS"):
            e, i = flows[y][CODES[iso]]
            print(f"{y} MNG-{iso}: trade_share {(e + i) / tot:.3f} export_share {e / tot_e:.3f}")

    print("\n# Trade among the other five, 1990 (COW Trade v3, bn US$; 'exports A' = exported by A)")
    iso_of = {v: k for k, v in CODES.items()}
    for r in read(f"{data}/cow-trade-dyadic-v3/cow_trade_dyadic_v3_selected_years.csv"):
        a, b = int(r["ccode1"]), int(r["ccode2"])
        if r["year"] == "1990" and a in iso_of and b in iso_of and 712 not in (a, b):
            f1, f2 = float(r["flow1"] or 0), float(r["flow2"] or 0)
            print(f"{iso_of[a]}-{iso_of[b]}: exports {iso_of[a]} {f2 / 1e3:.4g}, exports {iso_of[b]} {f1 / 1e3:.4g}")

    # Flows among the six, by (exporter, importer), bn US$; Mongolia's as above.
    bilateral = collections.defaultdict(float)
    for r in read(f"{data}/cow-trade-dyadic-v3/cow_trade_dyadic_v3_selected_years.csv"):
        a, b = int(r["ccode1"]), int(r["ccode2"])
        if r["year"] == "1990" and a in iso_of and b in iso_of and 712 not in (a, b):
            bilateral[(iso_of[b], iso_of[a])] += float(r["flow1"] or 0) / 1e3
            bilateral[(iso_of[a], iso_of[b])] += float(r["flow2"] or 0) / 1e3
    for iso in ("CHN", "JPN", "USA", "KOR"):
        e, i = f90[CODES[iso]]
        bilateral[("MNG", iso)], bilateral[(iso, "MNG")] = e / 1e3, i / 1e3
    bilateral[("MNG", "RUS")], bilateral[("RUS", "MNG")] = soviet_exp / 1e3, (soviet - soviet_exp) / 1e3
    bilateral[("RUS", "KOR")], bilateral[("KOR", "RUS")] = RUS_KOR_1990
    print("\n# Rest of the world (ROW), 1990: each agent's COW national total minus its flows with the other"
          " five (RUS-KOR: the estimate RUS_KOR_1990), bn US$; Mongolia's from the recorded non-Soviet flows")
    for iso, c in CODES.items():
        if iso == "MNG":
            print(f"MNG: exports to ROW {rest[0] / 1e3:.4g}, imports from ROW {rest[1] / 1e3:.4g}")
            continue
        r = totals[(c, 1990)]
        ex, im = float(r["exports"]) / 1e3, float(r["imports"]) / 1e3
        ex_row = ex - sum(v for (a, b), v in bilateral.items() if a == iso)
        im_row = im - sum(v for (a, b), v in bilateral.items() if b == iso)
        print(f"{iso}: national exports {ex:.4g} imports {im:.4g}; exports to ROW {ex_row:.4g}, imports from ROW {im_row:.4g}")
    relations(data, gdp)


def relations(data, gdp):
    """Alignment (UN votes 1991, double-centred as in mongolia_2019.yaml),
    rivalries, alliances, distances and regime paths."""
    import math
    agree = {}
    by_state = collections.defaultdict(list)
    for r in read(f"{data}/unvotes-agreement/unga_agreement_dyadic_selected_years.csv"):
        if r["year"] != "1991":
            continue
        a, b, x = r["iso3_a"], r["iso3_b"], float(r["agree"])
        agree[(a, b)] = agree[(b, a)] = x
        by_state[a].append(x)
        by_state[b].append(x)
    m = {k: sum(v) / len(v) for k, v in by_state.items()}
    total = sum(agree.values()) / len(agree)
    isos = list(CODES)
    rival = set()
    for r in read(f"{data}/peacesciencer/tss_rivalries.csv"):
        a, b = int(r["ccode1"]), int(r["ccode2"])
        if int(r["start"]) <= 1990 <= int(r["end"] or 9999) and a in CODES.values() and b in CODES.values():
            rival.add(frozenset((a, b)))
    print("\n# Alignment from UN General Assembly votes, 1991 (the first year in the data): agree, resid, a = clamp(2 resid - 0.5 rival)")
    print(f"M = {total:.4f}; m: " + ", ".join(f"{k} {m[k]:.4f}" for k in isos))
    for i, a in enumerate(isos):
        for b in isos[i + 1:]:
            x = agree[(a, b)]
            resid = x - m[a] - m[b] + total
            rv = frozenset((CODES[a], CODES[b])) in rival
            al = max(-1.0, min(1.0, 2 * resid - 0.5 * rv))
            print(f"{a}-{b}: agree {x:.4f} resid {resid:+.4f}{' rival' if rv else ''} alignment {al:+.2f}")
    print("\n# Alliances (ATOP 5.1), 1990 and 1992")
    for r in read(f"{data}/peacesciencer/atop_alliance.csv"):
        a, b = int(r["ccode1"]), int(r["ccode2"])
        if r["year"] in ("1990", "1992") and a < b and a in CODES.values() and b in CODES.values():
            iso_of = {v: k for k, v in CODES.items()}
            kinds = [k[5:] for k in ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul") if r[k] == "1"]
            print(f"{r['year']} {iso_of[a]}-{iso_of[b]}: {', '.join(kinds)}")
    caps = {}
    for r in read(f"{data}/peacesciencer/cow_capitals.csv"):
        c = int(r["ccode"])
        if c in CODES.values() and int(r["stdate"][:4]) <= 1990 <= int((r["enddate"] or "9999")[:4]):
            caps[c] = (float(r["lat"]), float(r["lng"]), r["capital"])
    print("\n# Distances between capitals in 1990 (haversine, R = 6371 km)")
    for i, a in enumerate(isos):
        for b in isos[i + 1:]:
            (la1, lo1, n1), (la2, lo2, n2) = caps[CODES[a]], caps[CODES[b]]
            p1, p2, dl = math.radians(la1), math.radians(la2), math.radians(lo2 - lo1)
            h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
            print(f"{a}-{b}: {n1}-{n2} {2 * 6371 * math.asin(math.sqrt(h)):.0f} km")
    print("\n# Regime (V-Dem polyarchy) along the way")
    dem = {(int(r["ccode"]), int(r["year"])): r["v2x_polyarchy"] for r in read(f"{data}/peacesciencer/ccode_democracy.csv")}
    for a in isos:
        print(f"{a}: " + " ".join(f"{y} {dem.get((CODES[a], y), '')}" for y in (1990, 1992, 1996, 2000, 2005, 2009, 2012, 2016, 2019)))


if __name__ == "__main__":
    main()
