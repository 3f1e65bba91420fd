#include "geosim/check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/output.hpp"
#include "geosim/stats.hpp"
#include "sha256.hpp"

namespace geosim {

namespace {

std::string subject(const Observation& o) {
  return o.is_edge ? fmt::format("{}-{}", o.source, o.target) : o.agent;
}

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A year as people write it: 1995, not 1995.0 (fractional years, with dt < 1, as numbers).
std::string year_text(double year) {
  return year == std::floor(year) && std::abs(year) < 1e9 ? fmt::format("{:.0f}", year) : format_number(year);
}

std::string optional_number(const std::optional<double>& v) { return v ? format_number(*v) : std::string(); }

}  // namespace

CheckReport run_check(const Scenario& scenario, std::string_view scenario_text, const CheckOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string file = scenario.source_file.empty() ? scenario.name : scenario.source_file;
  if (scenario.observed.empty()) {
    throw UsageError(fmt::format("{} has no `observed:` section: there is nothing to check the runs against "
                                 "(docs/backtest.md shows how to add observations)",
                                 file));
  }
  if (options.runs == 0) throw UsageError("--runs must be at least 1");
  if (options.policy != "baseline" && scenario.find_policy(options.policy) == nullptr) {
    throw UsageError(fmt::format("unknown policy '{}' in {}", options.policy, file));
  }
  // Claim the output folder first: an existing one is refused before any run.
  std::optional<AtomicDir> dir;
  if (!options.out.empty()) dir.emplace(options.out, options.force);
  Scenario s = with_policy(scenario, options.policy);
  s.seed = options.seed.value_or(scenario.seed);
  const Model model = compile(s);

  // Where each observation is read: its step and its agent or edge index.
  struct Probe {
    int step = 0;
    bool is_edge = false;
    std::uint32_t index = 0;
  };
  std::vector<Probe> probes;
  for (const Observation& o : s.observed) {
    Probe p;
    p.step = static_cast<int>(std::lround((o.year - s.time.start) / s.time.dt));
    GEOSIM_ASSERT(p.step >= 0 && p.step < s.time.steps, "observation years were validated at load");
    p.is_edge = o.is_edge;
    if (o.is_edge) {
      const auto a = s.agent_index(o.source), b = s.agent_index(o.target);
      GEOSIM_ASSERT(a && b, "observation agents were validated at load");
      const auto e = model.graph.find_edge(static_cast<AgentId>(*a), static_cast<AgentId>(*b));
      GEOSIM_ASSERT(e.has_value(), "observation edges were validated at load");
      p.index = *e;
    } else {
      const auto i = s.agent_index(o.agent);
      GEOSIM_ASSERT(i.has_value(), "observation agents were validated at load");
      p.index = static_cast<std::uint32_t>(*i);
    }
    probes.push_back(p);
  }

  // values[r][k]: observation k in run r.
  const auto runs = static_cast<std::size_t>(options.runs);
  std::vector<std::vector<std::optional<double>>> values(runs);
  Progress progress("check", runs, options.quiet, ProgressStyle{"runs", false});
  const std::size_t chunk = std::max<std::size_t>(1, 4 * concurrency());
  for (std::size_t begin = 0; begin < runs; begin += chunk) {
    if (interrupted()) throw Interrupted();
    const std::size_t count = std::min(chunk, runs - begin);
    for_each_run(count, [&](std::size_t k, Simulator& sim) {
      const std::size_t r = begin + k;
      std::vector<std::optional<double>>& out = values[r];
      out.assign(probes.size(), std::nullopt);
      sim.run(model, RunKey{s.seed, r}, [&](const StepView& v) {
        for (std::size_t p = 0; p < probes.size(); ++p) {
          if (probes[p].step != v.step) continue;
          const Observation& o = s.observed[p];
          out[p] = probes[p].is_edge ? edge_metric(v, probes[p].index, o.metric)
                                     : agent_metric(v, probes[p].index, o.metric);
        }
      });
    });
    progress.advance(begin + count);
  }
  progress.finish();

  CheckReport report;
  report.scenario = s.name;
  report.policy = options.policy;
  report.seed = s.seed;
  report.runs = options.runs;
  double sum_sq = 0, sum_abs = 0, sum_rel = 0;
  std::size_t rel_count = 0;
  for (std::size_t p = 0; p < probes.size(); ++p) {
    CheckRow row;
    row.observed = s.observed[p];
    row.step = probes[p].step;
    std::vector<double> xs;
    for (std::size_t r = 0; r < runs; ++r) {
      if (values[r][p]) xs.push_back(*values[r][p]);
    }
    row.n = xs.size();
    if (!xs.empty()) {
      row.mean = stats::mean(xs);
      row.sd = xs.size() > 1 ? stats::sample_sd(xs) : 0.0;
      row.min = *std::min_element(xs.begin(), xs.end());
      row.max = *std::max_element(xs.begin(), xs.end());
      row.error = row.mean - row.observed.value;
      if (row.observed.value != 0) row.relative_error = row.error / std::abs(row.observed.value);
      ++report.scored;
      sum_sq += row.error * row.error;
      sum_abs += std::abs(row.error);
      if (row.relative_error) {
        sum_rel += std::abs(*row.relative_error);
        ++rel_count;
      }
    }
    report.rows.push_back(std::move(row));
  }
  if (report.scored > 0) {
    report.rmse = std::sqrt(sum_sq / static_cast<double>(report.scored));
    report.mae = sum_abs / static_cast<double>(report.scored);
  }
  if (rel_count > 0) report.mean_relative_error = sum_rel / static_cast<double>(rel_count);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (dir) {
    dir->write("check.csv", check_csv(report));
    nlohmann::ordered_json manifest;
    manifest["geosim_version"] = GEOSIM_VERSION;
    manifest["rule_set"] = "standard v1 (MODEL.md)";
    manifest["kind"] = "check";
    manifest["scenario"] = {
        {"name", s.name}, {"file", scenario.source_file}, {"sha256", detail::sha256_hex(scenario_text)}};
    manifest["policy"] = options.policy;
    manifest["seed"] = s.seed;
    manifest["runs"] = options.runs;
    manifest["observations"] = report.rows.size();
    manifest["scored"] = report.scored;
    manifest["rmse"] = report.rmse;
    manifest["mae"] = report.mae;
    manifest["mean_relative_error"] = report.mean_relative_error ? nlohmann::ordered_json(*report.mean_relative_error)
                                                                  : nlohmann::ordered_json(nullptr);
    manifest["command"] = options.command_line;
    manifest["duration_s"] = report.seconds;
    dir->write("manifest.json", manifest.dump(2) + "\n");
    if (interrupted()) throw Interrupted();
    dir->commit();
    report.out = dir->final_path();
  }
  return report;
}

std::string check_csv(const CheckReport& report) {
  std::string out = "year,step,subject,metric,observed,n,mean,sd,min,max,error,relative_error,source\n";
  for (const CheckRow& r : report.rows) {
    const bool has = r.n > 0;
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", year_text(r.observed.year), r.step,
                       subject(r.observed), r.observed.metric, format_number(r.observed.value), r.n,
                       has ? format_number(r.mean) : "", has ? format_number(r.sd) : "",
                       has ? format_number(r.min) : "", has ? format_number(r.max) : "",
                       has ? format_number(r.error) : "", has ? optional_number(r.relative_error) : "",
                       csv_field(r.observed.citation));
  }
  return out;
}

std::string format_check(const CheckReport& report) {
  std::string out = fmt::format("{}: {} observation{}, {} run{} (policy {}, seed {})\n\n", report.scenario,
                                report.rows.size(), report.rows.size() == 1 ? "" : "s", report.runs,
                                report.runs == 1 ? "" : "s", report.policy, report.seed);
  std::size_t width = 7;
  for (const CheckRow& r : report.rows) width = std::max(width, subject(r.observed).size() + 1 + r.observed.metric.size());
  out += fmt::format("{:>6}  {:<{}}  {:>10}  {:>10}  {:>23}  {:>10}  {:>7}\n", "year", "what", width, "observed",
                     "simulated", "range over runs", "error", "rel.");
  for (const CheckRow& r : report.rows) {
    const std::string what = subject(r.observed) + " " + r.observed.metric;
    if (r.n == 0) {
      out += fmt::format("{:>6}  {:<{}}  {:>10.4g}  {:>10}  {:>23}  {:>10}  {:>7}\n", year_text(r.observed.year),
                         what, width, r.observed.value, "no value", "", "", "");
      continue;
    }
    const std::string range = fmt::format("[{:.4g}, {:.4g}]", r.min, r.max);
    const std::string rel = r.relative_error ? fmt::format("{:+.0f}%", 100 * *r.relative_error) : std::string("");
    out += fmt::format("{:>6}  {:<{}}  {:>10.4g}  {:>10.4g}  {:>23}  {:>+10.4g}  {:>7}\n",
                       year_text(r.observed.year), what, width, r.observed.value, r.mean, range, r.error, rel);
  }
  out += fmt::format("\nScore over {} observation{} with a value: RMSE {:.4g}, mean absolute error {:.4g}", report.scored,
                     report.scored == 1 ? "" : "s", report.rmse, report.mae);
  if (report.mean_relative_error) {
    out += fmt::format(", mean absolute relative error {:.1f}%", 100 * *report.mean_relative_error);
  }
  out += ".\nerror = simulated mean - observed. RMSE and MAE are in the metrics' own units: read them when the\n"
         "observations share a unit (shares, for instance); the relative error compares across units.\n";
  return out;
}

}  // namespace geosim
