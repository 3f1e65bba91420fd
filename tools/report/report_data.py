"""Reading geosim's outputs for the report: a `geosim run` folder (agents.csv,
edges.csv, outcomes.csv, manifest.json; docs/model.md section 6) and a
results database of `geosim sweep` or `geosim compare --db`
(docs/results-database.md). Standard library and numpy only.
"""
import csv
import hashlib
import json
import math
import os
import sqlite3

import numpy as np

STRATEGIES = ("balance", "bandwagon", "hedge")
APPLICATION_ID = 0x47454F53  # "GEOS": PRAGMA application_id of a geosim database
SCHEMA_VERSION = 1


class InputError(Exception):
    """The user's input is wrong (exit status 2)."""


def _num(text):
    if text == "" or text is None:
        return math.nan
    return float(text)


# --------------------------------------------------------------------------
# run folders


class RunFolder:
    """A `geosim run` folder, read into arrays indexed [run, step, agent]."""

    AGENT_METRICS = ("threat", "security", "gdp", "military", "power", "autonomy", "hhi")

    def __init__(self, folder):
        self.folder = folder
        missing = [f for f in ("manifest.json", "agents.csv", "edges.csv", "outcomes.csv")
                   if not os.path.isfile(os.path.join(folder, f))]
        if missing:
            raise InputError(f"{folder} is not a `geosim run` folder: {', '.join(missing)} missing")
        try:
            with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
                self.manifest = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{folder}/manifest.json cannot be read: {e}") from e
        self._read_agents()
        self._read_outcomes()
        self.edges_read = False

    # agents.csv -----------------------------------------------------------
    def _read_agents(self):
        path = os.path.join(self.folder, "agents.csv")
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header or header[:4] != ["run", "step", "year", "agent"]:
                raise InputError(f"{path}: not an agents.csv of geosim (header {header})")
            col = {name: i for i, name in enumerate(header)}
            rows = list(reader)
        if not rows:
            raise InputError(f"{path} has no rows")
        runs, steps, agents, years = {}, {}, {}, {}
        for r in rows:
            runs.setdefault(r[0], len(runs))
            if r[1] not in steps:
                steps[r[1]] = len(steps)
                years[r[1]] = float(r[2])
            agents.setdefault(r[3], len(agents))
        self.runs = [int(k) for k in runs]
        self.steps = np.array([int(k) for k in steps])
        self.years = np.array([years[k] for k in steps])
        self.agents = list(agents)
        self.agent_index = dict(agents)
        R, T, A = len(runs), len(steps), len(agents)
        self.metrics = {m: np.full((R, T, A), np.nan) for m in self.AGENT_METRICS if m in col}
        self.strategy = np.full((R, T, A), -1, dtype=np.int8)
        self.top_partner = np.full((R, T, A), "", dtype=object)
        code = {s: i for i, s in enumerate(STRATEGIES)}
        ic = {m: col[m] for m in self.metrics}
        i_strat, i_top = col.get("strategy"), col.get("top_dependence")
        for r in rows:
            ri, ti, ai = runs[r[0]], steps[r[1]], agents[r[3]]
            for m, i in ic.items():
                self.metrics[m][ri, ti, ai] = _num(r[i])
            if i_strat is not None:
                self.strategy[ri, ti, ai] = code.get(r[i_strat], -1)
            if i_top is not None:
                self.top_partner[ri, ti, ai] = r[i_top]
        self._run_pos = runs
        self._step_pos = steps

    def _read_outcomes(self):
        path = os.path.join(self.folder, "outcomes.csv")
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None) or []
            self.outcome_names = header[3:]
            self.outcome_values = {name: [] for name in self.outcome_names}
            for r in reader:
                for i, name in enumerate(self.outcome_names):
                    self.outcome_values[name].append(_num(r[3 + i]) if 3 + i < len(r) else math.nan)

    # edges.csv ------------------------------------------------------------
    def read_edges(self, sources, targets):
        """Reads, for every agent in `sources`: its alignment toward each agent
        in `targets` (alignment[(s, t)] -> array [run, step]) and its largest
        dependence over all partners (top_dependence[s] -> [run, step])."""
        path = os.path.join(self.folder, "edges.csv")
        sources, targets = set(sources), set(targets)
        R, T = len(self.runs), len(self.steps)
        self.alignment = {}
        self.top_dependence = {s: np.full((R, T), np.nan) for s in sources}
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header or header[:5] != ["run", "step", "year", "source", "target"]:
                raise InputError(f"{path}: not an edges.csv of geosim (header {header})")
            col = {name: i for i, name in enumerate(header)}
            i_al, i_dep = col["alignment"], col["dependence"]
            runs, steps = self._run_pos, self._step_pos
            for r in reader:
                s = r[3]
                if s not in sources:
                    continue
                ri, ti = runs.get(r[0]), steps.get(r[1])
                if ri is None or ti is None:
                    continue
                t = r[4]
                d = _num(r[i_dep])
                top = self.top_dependence[s]
                if not math.isnan(d) and d > 0 and not (top[ri, ti] >= d):
                    top[ri, ti] = d
                if t in targets:
                    key = (s, t)
                    a = self.alignment.get(key)
                    if a is None:
                        a = self.alignment[key] = np.full((R, T), np.nan)
                    a[ri, ti] = _num(r[i_al])
        self.edges_read = True

    def series(self, metric, agent):
        return self.metrics[metric][:, :, self.agent_index[agent]]

    def great_powers(self, k):
        """The k agents with the largest power share at step 0 of the first run."""
        power = self.metrics["power"][0, 0, :]
        order = sorted(range(len(self.agents)), key=lambda i: (-power[i] if math.isfinite(power[i]) else 0.0, i))
        return [(self.agents[i], float(power[i])) for i in order[:k]]


def find_scenario_file(folder, manifest):
    """The scenario file a run folder was made from, if it is still there and
    unchanged (same SHA-256 as in the manifest): (path, None) or (None, why)."""
    sc = manifest.get("scenario") or {}
    name = sc.get("file") or ""
    want = (sc.get("sha256") or "").lower()
    if not name:
        return None, "the manifest names no scenario file"
    candidates = [name]
    if not os.path.isabs(name):
        candidates += [os.path.join(folder, name), os.path.join(os.path.dirname(os.path.abspath(folder)), name)]
    seen_changed = None
    for c in candidates:
        if os.path.isfile(c):
            with open(c, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            if not want or digest == want:
                return c, None
            seen_changed = c
    if seen_changed:
        return None, f"the scenario file {seen_changed} has changed since the run (its SHA-256 differs)"
    return None, f"the scenario file {name} is not found"


# --------------------------------------------------------------------------
# results databases


def check_database(path):
    """Raises InputError unless `path` is a geosim results database of this version."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}") from e
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        raise InputError(f"{path} is not a SQLite database")
    app = int.from_bytes(head[68:72], "big")
    version = int.from_bytes(head[60:64], "big")
    if app != APPLICATION_ID:
        raise InputError(f"{path} is a SQLite database but not a geosim results database")
    if version != SCHEMA_VERSION:
        raise InputError(f"{path} is a geosim results database of layout version {version}; "
                         f"this report reads version {SCHEMA_VERSION}")


def _connect(path):
    # A report only reads (a sweep may be writing the database at the same
    # time). It opens the file read-write where it may, all the same: a
    # read-only connection to a database in WAL mode cannot remove the -wal
    # and -shm files it creates, and would leave them beside the user's file.
    full = os.path.abspath(path)
    writable = os.access(full, os.W_OK) and os.access(os.path.dirname(full), os.W_OK)
    uri = "file:" + full.replace("?", "%3f").replace("#", "%23") + ("?mode=rw" if writable else "?mode=ro")
    return sqlite3.connect(uri, uri=True)


def extract_scenario_text(path):
    check_database(path)
    con = _connect(path)
    try:
        row = con.execute("select scenario_text from experiment").fetchone()
    finally:
        con.close()
    if not row or row[0] is None:
        raise InputError(f"{path} holds no experiment")
    return row[0]


class ResultsDatabase:
    """The tables of a results database that the report draws."""

    def __init__(self, path):
        check_database(path)
        self.path = path
        con = _connect(path)
        try:
            con.row_factory = sqlite3.Row
            row = con.execute("select * from experiment").fetchone()
            if row is None:
                raise InputError(f"{path} holds no experiment")
            self.experiment = {k: row[k] for k in row.keys() if k != "scenario_text"}
            self.kind = self.experiment.get("kind")
            self.dimensions = [r[0] for r in con.execute("select path from dimensions order by dimension")]
            self.outcome_names = [r[0] for r in con.execute("select name from outcome_names order by outcome")]
            self.points = {}
            for r in con.execute("select point, path, value from points"):
                self.points.setdefault(r[0], {})[r[1]] = r[2]
            self.runs = [dict(r) for r in con.execute(
                "select run_id, point, replicate, policy, status, error from runs order by run_id")]
            self.values = {}
            for r in con.execute("select run_id, name, value from outcomes"):
                self.values.setdefault(r[0], {})[r[1]] = r[2]
            self.sessions = [dict(r) for r in con.execute("select * from sessions order by session")]
            self.agent_series_rows = con.execute("select count(*) from agent_series").fetchone()[0]
            self.edge_series_rows = con.execute("select count(*) from edge_series").fetchone()[0]
        except sqlite3.Error as e:
            raise InputError(f"{path}: cannot read the results database: {e}") from e
        finally:
            con.close()
        try:
            self.policies = json.loads(self.experiment.get("policies_json") or "[]")
        except ValueError:
            self.policies = sorted({r["policy"] for r in self.runs})
        try:
            self.parameters = json.loads(self.experiment.get("parameters_json") or "[]")
        except ValueError:
            self.parameters = []
        self.ok_runs = [r for r in self.runs if r["status"] == "ok"]
        self.failed_runs = [r for r in self.runs if r["status"] != "ok"]

    def outcome_by_policy(self, name):
        """policy -> {replicate: value} (point 0: a comparison)."""
        out = {}
        for r in self.ok_runs:
            v = self.values.get(r["run_id"], {}).get(name)
            out.setdefault(r["policy"], {})[r["replicate"]] = None if v is None else float(v)
        return out

    def sweep_table(self):
        """(x: {path: array}, y: {outcome: array}, point: array) over the ok runs."""
        n = len(self.ok_runs)
        x = {p: np.full(n, np.nan) for p in self.dimensions}
        y = {o: np.full(n, np.nan) for o in self.outcome_names}
        point = np.zeros(n, dtype=int)
        for i, r in enumerate(self.ok_runs):
            point[i] = r["point"]
            pv = self.points.get(r["point"], {})
            for p in self.dimensions:
                v = pv.get(p)
                x[p][i] = np.nan if v is None else v
            vals = self.values.get(r["run_id"], {})
            for o in self.outcome_names:
                v = vals.get(o)
                y[o][i] = np.nan if v is None else v
        return x, y, point
