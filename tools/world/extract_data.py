#!/usr/bin/env python3
"""Extract the small, committed inputs of the world scenario generator.

Reads the project's shared reference data (``--shared DIR``, by default
``../shared/data`` relative to the repository root) and writes the subsets
that ``tools/world/make_world.py`` needs under ``data/world/`` (``--out``),
plus ``data/world/SOURCES.md`` describing each file's origin, licence and
filter.

Only the Python 3 standard library is used. The output is deterministic:
rows are sorted, numbers are re-printed with fixed rules (``fmt_num``), files
are written with "\n" line ends, and nothing depends on the time or the
platform. Run it again after the shared data change, then run make_world.py.

Usage (from the repository root):
    python3 tools/world/extract_data.py [--shared ../shared/data] [--out data/world]
"""

import argparse
import csv
import io
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Years kept. The generator uses 2019 as the base year, 2009-2019 for growth,
# military and regime fallbacks, 2009 (latest) and 2005 (fallback: Germany's
# COW v3 dyadic series ends in 2006) for dyadic trade, and 2005/2009/2014 for
# the national trade totals and GDP that scale trade to 2019.
FIRST_YEAR = 2009
GDP_FIRST_YEAR = 2005
BASE_YEAR = 2019
COW_TRADE_YEARS = (2005, 2009)    # 2009 is the latest year of COW dyadic trade v3.0
COW_TOTALS_YEARS = (2005, 2009, 2014)   # 2014 is the latest year of cow_trade_sy
ATOP_YEAR = 2018             # latest year of ATOP 5.1 in peacesciencer


def fmt_num(text, sig=10):
    """Re-print a number read as text with `sig` significant digits.

    Empty text stays empty. Integers keep their integer form. The result of
    Python's '%g' formatting is correctly rounded and therefore the same on
    every IEEE-754 platform.
    """
    text = text.strip()
    if text == "" or text.upper() == "NA":
        return ""
    value = float(text)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".%dg" % sig)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    """Write rows (lists of strings) sorted as given, with '\n' line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(row)
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        f.write(buf.getvalue())
    os.replace(tmp, path)
    return len(rows)


def extract(shared, out):
    os.makedirs(out, exist_ok=True)
    counts = {}

    # --- states: derived/states_independent.csv --------------------------
    states = read_csv(os.path.join(shared, "derived", "states_independent.csv"))
    rows = []
    for s in states:
        rows.append([s["iso3"], s["cow_ccode"], s["name"], s["region"], s["subregion"],
                     s["capital"], fmt_num(s["capital_lat"]), fmt_num(s["capital_lng"]),
                     fmt_num(s["centroid_lat"]), fmt_num(s["centroid_lng"])])
    rows.sort(key=lambda r: r[0])
    counts["states.csv"] = write_csv(
        os.path.join(out, "states.csv"),
        ["iso3", "cow_ccode", "name", "region", "subregion", "capital",
         "capital_lat", "capital_lng", "centroid_lat", "centroid_lng"], rows)
    iso_set = {s["iso3"] for s in states}

    # --- World Bank GDP (current US$) 2005-2019, states only ---------------
    rows = []
    for r in read_csv(os.path.join(shared, "datasets-gdp", "gdp.csv")):
        y = int(r["Year"])
        if r["Country Code"] in iso_set and GDP_FIRST_YEAR <= y <= BASE_YEAR and r["Value"].strip():
            rows.append([r["Country Code"], str(y), "%.0f" % float(r["Value"])])
    rows.sort(key=lambda r: (r[0], int(r[1])))
    counts["wb_gdp.csv"] = write_csv(os.path.join(out, "wb_gdp.csv"),
                                     ["iso3", "year", "gdp_usd"], rows)

    # --- World Bank population 2019, states only ---------------------------
    rows = []
    for r in read_csv(os.path.join(shared, "datasets-population", "population.csv")):
        y = int(r["Year"])
        if r["Country Code"] in iso_set and y == BASE_YEAR and r["Value"].strip():
            rows.append([r["Country Code"], str(y), "%.0f" % float(r["Value"])])
    rows.sort(key=lambda r: (r[0], int(r[1])))
    counts["wb_population.csv"] = write_csv(os.path.join(out, "wb_population.csv"),
                                            ["iso3", "year", "population"], rows)

    ps = os.path.join(shared, "peacesciencer")

    # --- COW NMC: milex and cinc 2009-2019 ---------------------------------
    rows = []
    for r in read_csv(os.path.join(ps, "cow_nmc.csv")):
        y = int(r["year"])
        if FIRST_YEAR <= y <= BASE_YEAR:
            milex, cinc = fmt_num(r["milex"]), fmt_num(r["cinc"])
            if milex or cinc:
                rows.append([r["ccode"], str(y), milex, cinc])
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    counts["cow_nmc.csv"] = write_csv(os.path.join(out, "cow_nmc.csv"),
                                      ["ccode", "year", "milex", "cinc"], rows)

    # --- V-Dem polyarchy 2009-2019 (from ccode_democracy) -------------------
    rows = []
    for r in read_csv(os.path.join(ps, "ccode_democracy.csv")):
        y = int(r["year"])
        if FIRST_YEAR <= y <= BASE_YEAR and r["v2x_polyarchy"].strip():
            rows.append([r["ccode"], str(y), fmt_num(r["v2x_polyarchy"])])
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    counts["vdem_polyarchy.csv"] = write_csv(os.path.join(out, "vdem_polyarchy.csv"),
                                             ["ccode", "year", "v2x_polyarchy"], rows)

    # --- COW direct contiguity: land (conttype 1) spells ---------------------
    rows = []
    for r in read_csv(os.path.join(ps, "cow_contdir.csv")):
        if r["conttype"].strip() == "1":
            rows.append([r["ccode1"], r["ccode2"], "1", r["stdate"], r["enddate"]])
    rows.sort(key=lambda r: (int(r[0]), int(r[1]), r[3]))
    counts["cow_contiguity_land.csv"] = write_csv(
        os.path.join(out, "cow_contiguity_land.csv"),
        ["ccode1", "ccode2", "conttype", "stdate", "enddate"], rows)

    # --- ATOP 5.1 directed dyads, 2018 ------------------------------------
    rows = []
    for r in read_csv(os.path.join(ps, "atop_alliance.csv")):
        if int(r["year"]) == ATOP_YEAR:
            rows.append([r["ccode1"], r["ccode2"], r["year"], r["atop_defense"], r["atop_offense"],
                         r["atop_neutral"], r["atop_nonagg"], r["atop_consul"]])
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    counts["atop_2018.csv"] = write_csv(
        os.path.join(out, "atop_2018.csv"),
        ["ccode1", "ccode2", "year", "defense", "offense", "neutral", "nonagg", "consul"], rows)

    # --- Thompson, Sakuwa & Suhas rivalries ending 2009 or later -----------
    rows = []
    for r in read_csv(os.path.join(ps, "tss_rivalries.csv")):
        end = r["end"].strip()
        if end and int(end) >= FIRST_YEAR:
            rows.append([r["tssr_id"], r["rivalry"], r["ccode1"], r["ccode2"], r["start"], end])
    rows.sort(key=lambda r: int(r[0]))
    counts["tss_rivalries.csv"] = write_csv(
        os.path.join(out, "tss_rivalries.csv"),
        ["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end"], rows)

    # --- COW national trade totals (v4), 2005, 2009 and 2014 ---------------
    rows = []
    for r in read_csv(os.path.join(ps, "cow_trade_sy.csv")):
        y = int(r["year"])
        if y in COW_TOTALS_YEARS:
            imp, exp = fmt_num(r["imports"]), fmt_num(r["exports"])
            if imp or exp:
                rows.append([r["ccode"], str(y), imp, exp])
    rows.sort(key=lambda r: (int(r[0]), int(r[1])))
    counts["cow_trade_national.csv"] = write_csv(
        os.path.join(out, "cow_trade_national.csv"),
        ["ccode", "year", "imports", "exports"], rows)

    # --- COW dyadic trade v3.0, 2005 and 2009 -------------------------------
    rows = []
    path = os.path.join(shared, "cow-trade-dyadic-v3", "cow_trade_dyadic_v3_selected_years.csv")
    for r in read_csv(path):
        if int(r["year"]) in COW_TRADE_YEARS:
            rows.append([r["year"], r["ccode1"], r["ccode2"], fmt_num(r["flow1"]), fmt_num(r["flow2"])])
    rows.sort(key=lambda r: (int(r[0]), int(r[1]), int(r[2])))
    counts["cow_trade_dyadic.csv"] = write_csv(
        os.path.join(out, "cow_trade_dyadic.csv"),
        ["year", "ccode1", "ccode2", "flow1", "flow2"], rows)

    # --- UN General Assembly voting agreement, 2019 ----------------------
    rows = []
    path = os.path.join(shared, "unvotes-agreement", "unga_agreement_dyadic_selected_years.csv")
    for r in read_csv(path):
        if int(r["year"]) == BASE_YEAR:
            rows.append([r["iso3_a"], r["iso3_b"], r["joint_votes"], fmt_num(r["agree"])])
    rows.sort(key=lambda r: (r[0], r[1]))
    counts["unga_agreement_2019.csv"] = write_csv(
        os.path.join(out, "unga_agreement_2019.csv"),
        ["iso3_a", "iso3_b", "joint_votes", "agree"], rows)

    write_sources(os.path.join(out, "SOURCES.md"), counts)
    return counts


SOURCES_TEXT = """\
# data/world: inputs of the world scenario generator

Small subsets of the project's shared reference data (`shared/data`, see its
`SOURCES.md`), written by `tools/world/extract_data.py` and read by
`tools/world/make_world.py`, which writes `scenarios/world_2019.yaml`. The
generator reads nothing else, so CI can rebuild the scenario without the
shared folder. Country keys are ISO3 (`iso3`) or Correlates of War state codes
(`ccode`); `states.csv` joins the two. Missing values are empty cells.
Rows are sorted; numbers are re-printed with at most 10 significant digits
(GDP and population as whole numbers); values are otherwise unchanged.

Regenerate (from the repository root, with the shared folder beside it):

    python3 tools/world/extract_data.py      # --shared DIR if it is elsewhere
    python3 tools/world/make_world.py

| file | rows | origin (upstream dataset) | licence | what was kept |
|---|---|---|---|---|
| `states.csv` | {states.csv} | shared `derived/states_independent.csv`: the 194 states marked independent in mledoze/countries (commit 5e9f3700), with capital coordinates from peacesciencer `cow_capitals` (current spell) | ODbL 1.0 (share-alike, from mledoze/countries); capitals from peacesciencer (GPL-2 package) | all 194 rows; columns iso3, cow_ccode, name, region, subregion, capital, capital_lat/lng, centroid_lat/lng (mledoze centroid) |
| `wb_gdp.csv` | {wb_gdp.csv} | World Bank WDI NY.GDP.MKTP.CD via github.com/datasets/gdp (commit 822019c8) | data CC BY 4.0 (World Bank); packaging ODC-PDDL-1.0 | GDP, current US$, rounded to whole dollars; years 2005-2019; the 194 states only (no aggregates) |
| `wb_population.csv` | {wb_population.csv} | World Bank WDI SP.POP.TOTL via github.com/datasets/population (commit 425fc447) | data CC BY 4.0 (World Bank); packaging ODC-PDDL-1.0 | population (persons), year 2019, the 194 states only |
| `cow_nmc.csv` | {cow_nmc.csv} | Correlates of War National Material Capabilities 7.0 (Singer, Bremer & Stuckey 1972; Greig & Enterline), as shipped by the peacesciencer R package (commit fe150a26) | COW data: free for academic use, cite the source; peacesciencer GPL-2 | columns ccode, year, milex (military expenditure, thousands of current US$), cinc (share of system capabilities); years 2009-2019; rows with neither value dropped |
| `vdem_polyarchy.csv` | {vdem_polyarchy.csv} | V-Dem v10 electoral democracy index v2x_polyarchy (Coppedge et al.), from peacesciencer `ccode_democracy` (parent commit 4b2a02d2) | V-Dem CC BY-SA 4.0 (share-alike) | ccode, year, v2x_polyarchy; years 2009-2019; empty values dropped |
| `cow_contiguity_land.csv` | {cow_contiguity_land.csv} | COW Direct Contiguity v3.2 (Stinnett et al. 2002), from peacesciencer `cow_contdir` | COW data: free for academic use, cite the source | land contiguity (conttype 1) spells only, both orderings of each pair, all years (the file ends 2016-12-01) |
| `atop_2018.csv` | {atop_2018.csv} | ATOP 5.1 alliance dyad-years (Leeds et al. 2002), from peacesciencer `atop_alliance` | ATOP: free for academic use, cite the source | directed dyads with any alliance in 2018 (the latest year); flags defense, offense, neutral, nonagg, consul (0/1) |
| `tss_rivalries.csv` | {tss_rivalries.csv} | Thompson, Sakuwa & Suhas strategic rivalries (updated to 2020), from peacesciencer `tss_rivalries` | academic data set, cite Thompson, Sakuwa & Suhas | rivalries whose end year is 2009 or later; columns tssr_id, rivalry, ccode1, ccode2, start, end |
| `cow_trade_national.csv` | {cow_trade_national.csv} | COW Trade v4.0 national totals (Barbieri & Keshk), from peacesciencer `cow_trade_sy` | COW data: free for academic use, cite the source | imports, exports (current US$ millions) for 2005, 2009 and 2014 (2014 is the latest year); rows with neither value dropped |
| `cow_trade_dyadic.csv` | {cow_trade_dyadic.csv} | COW Trade v3.0 dyadic (Barbieri, Keshk & Pollins 2009), from the dyadr R package (commit 5d317dce) via shared `cow_trade_dyadic_v3_selected_years.csv` | declared CC0 by dyadr; cite Barbieri, Keshk & Pollins | years 2009 (the latest) and 2005 (the fallback for dyads without a positive 2009 flow: Germany's series ends in 2006), all dyads; flow1 = imports of ccode1 from ccode2, flow2 = imports of ccode2 from ccode1, current US$ millions. Zeros may mean missing |
| `unga_agreement_2019.csv` | {unga_agreement_2019.csv} | UN General Assembly roll-call votes (Voeten, Harvard Dataverse hdl:1902.1/12379) via the unvotes R package (commit 7eb70343); agreement computed in shared `unga_agreement_dyadic_selected_years.csv` | vote data CC0; unvotes package MIT | year 2019 only; iso3_a < iso3_b, joint_votes, agree (share of identical yes/abstain/no votes); the S-score column dropped |

Share-alike: `states.csv` (ODbL) and `vdem_polyarchy.csv` (CC BY-SA) and
anything derived from them, including `scenarios/world_2019.yaml`, must be
shared under the same terms, with attribution to mledoze/countries and V-Dem.
The World Bank figures need attribution (CC BY 4.0). Cite COW (NMC, trade,
contiguity), ATOP and the rivalry data set when publishing results.
"""


def write_sources(path, counts):
    text = SOURCES_TEXT
    for name, n in counts.items():
        text = text.replace("{" + name + "}", str(n))
    tmp = path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=os.path.join(REPO_ROOT, "..", "shared", "data"),
                    help="the shared data folder (default: ../shared/data from the repository root)")
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "data", "world"),
                    help="output folder (default: data/world)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.shared):
        sys.exit("extract_data.py: shared data folder not found: %s (use --shared DIR)" % args.shared)
    counts = extract(args.shared, args.out)
    for name in sorted(counts):
        print("%-28s %6d rows" % (name, counts[name]))


if __name__ == "__main__":
    main()
