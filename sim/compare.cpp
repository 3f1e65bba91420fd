#include "geosim/compare.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <tuple>
#include <nlohmann/json.hpp>

#include "geosim/cluster.hpp"
#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/output.hpp"
#include "geosim/store.hpp"
#include "manifest.hpp"
#include "sha256.hpp"
#include "wire.hpp"

namespace geosim {
namespace fs = std::filesystem;

// --- policies and runs --------------------------------------------------------

std::vector<std::string> resolve_policies(const Scenario& scenario, const std::vector<std::string>& requested) {
  std::vector<std::string> out = {"baseline"};
  const auto add = [&](const std::string& name) {
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  std::string known = "baseline";
  for (const Policy& p : scenario.policies) known += ", " + p.name;
  if (requested.empty()) {
    for (const Policy& p : scenario.policies) add(p.name);
    if (out.size() == 1) {
      throw UsageError(fmt::format("{} declares no policies: nothing to compare with the baseline",
                                   scenario.source_file.empty() ? scenario.name : scenario.source_file));
    }
    return out;
  }
  const std::string file = scenario.source_file.empty() ? scenario.name : scenario.source_file;
  for (const std::string& name : requested) {
    if (name.empty()) throw UsageError(fmt::format("empty policy name in --policies; known policies: {}", known));
    if (name != "baseline" && scenario.find_policy(name) == nullptr) {
      throw UsageError(fmt::format("unknown policy '{}' in {}; known policies: {}", name, file, known));
    }
    add(name);
  }
  if (out.size() == 1) {
    throw UsageError(fmt::format("no policy to compare with the baseline; known policies: {}", known));
  }
  return out;
}

CompareRuns run_policies(const Scenario& scenario, const std::vector<std::string>& policies, std::uint64_t seed,
                         std::uint64_t runs, const std::function<void(std::size_t)>& progress, Cluster& cluster) {
  GEOSIM_ASSERT(!policies.empty() && policies.front() == "baseline", "the baseline comes first");
  CompareRuns out;
  out.policies = policies;
  out.seed = seed;
  out.runs = runs;
  std::vector<std::unique_ptr<Model>> models;
  for (const std::string& name : policies) {
    Scenario s = with_policy(scenario, name);
    s.seed = seed;
    if (models.empty()) out.outcomes = s.outcomes;
    models.push_back(std::make_unique<Model>(compile(s)));
  }
  const std::size_t num_policies = policies.size();
  const auto n = static_cast<std::size_t>(runs);
  out.values.assign(num_policies, std::vector<std::vector<std::optional<double>>>(n));
  out.wall_s.assign(num_policies, std::vector<double>(n, 0.0));

  // Job j is run j % n of policy j / n. Chunks run in parallel, each split
  // over the ranks; each job writes only its own slot, so the values do not
  // depend on the threads or the ranks. The root chooses the chunk size.
  const std::size_t total = num_policies * n;
  std::string chunk_bytes;
  if (cluster.is_root()) {
    detail::WireWriter w;
    w.u64(std::max<std::size_t>(1, 4 * concurrency()) * static_cast<std::size_t>(cluster.size()));
    chunk_bytes = w.take();
  }
  cluster.broadcast(chunk_bytes);
  const auto chunk = static_cast<std::size_t>(detail::WireReader(chunk_bytes).u64());
  for (std::size_t begin = 0; begin < total; begin += chunk) {
    if (cluster.any(interrupted())) throw Interrupted();
    const std::size_t count = std::min(chunk, total - begin);
    const Share mine = share_of(count, cluster.rank(), cluster.size());
    auto run_job = [&](std::size_t job, Simulator& sim) -> std::pair<std::vector<std::optional<double>>, double> {
      const std::size_t p = job / n;
      const std::size_t r = job % n;
      const Model& model = *models[p];
      const auto start = std::chrono::steady_clock::now();
      RunRecorder rec(model, r, /*keep_rows=*/false);
      sim.run(model, RunKey{seed, r}, [&](const StepView& v) { rec.record(v); });
      return {rec.outcomes(), std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    };
    if (cluster.size() == 1) {
      for_each_run(count, [&](std::size_t k, Simulator& sim) {
        const std::size_t job = begin + k;
        std::tie(out.values[job / n][job % n], out.wall_s[job / n][job % n]) = run_job(job, sim);
      });
    } else {
      std::vector<RunResult> results(mine.end - mine.begin);
      for_each_run(results.size(), [&](std::size_t k, Simulator& sim) {
        const std::size_t job = begin + mine.begin + k;
        results[k].key.run_id = job;
        std::tie(results[k].outcomes, results[k].wall_s) = run_job(job, sim);
      });
      const std::vector<std::string> parts = cluster.gather(detail::encode_results(results));
      results.clear();
      for (const std::string& part : parts) detail::decode_results(part, results);
      for (RunResult& result : results) {
        const auto job = static_cast<std::size_t>(result.key.run_id);
        out.values[job / n][job % n] = std::move(result.outcomes);
        out.wall_s[job / n][job % n] = result.wall_s;
      }
    }
    if (progress) progress(begin + count);
  }
  return out;
}

// --- statistics -----------------------------------------------------------------

Comparison summarize(CompareRuns runs, std::uint64_t bootstrap, double level) {
  Comparison c;
  c.bootstrap = bootstrap;
  c.level = level;
  const std::size_t num_policies = runs.policies.size();
  const auto n = static_cast<std::size_t>(runs.runs);

  c.identical_runs = n >= 2;
  for (std::size_t p = 0; p < num_policies && c.identical_runs; ++p) {
    for (std::size_t r = 1; r < n && c.identical_runs; ++r) c.identical_runs = runs.values[p][r] == runs.values[p][0];
  }

  // Rows are independent (each bootstrap draws its own numbers from the
  // counter-based generator), so they are computed in parallel.
  const std::size_t num_outcomes = runs.outcomes.size();
  c.rows.resize(num_outcomes * num_policies);
  for_each_index(c.rows.size(), [&](std::size_t k) {
    const std::size_t o = k / num_policies;
    const std::size_t p = k % num_policies;
    const stats::Better better = runs.outcomes[o].higher_is_better ? stats::Better::kHigher : stats::Better::kLower;
    CompareRow& row = c.rows[k];
    row.outcome = o;
    row.policy = p;
    std::vector<double> own;
    std::vector<double> policy_side;
    std::vector<double> baseline_side;
    for (std::size_t r = 0; r < n; ++r) {
      const std::optional<double>& v = runs.values[p][r][o];
      const std::optional<double>& b = runs.values[0][r][o];
      if (v) own.push_back(*v);
      if (v && b) {
        policy_side.push_back(*v);
        baseline_side.push_back(*b);
      }
    }
    row.n = own.size();
    row.mean = stats::mean(own);
    row.sd = stats::sample_sd(own);
    if (p > 0) {
      row.paired = stats::compare_paired(policy_side, baseline_side, better, static_cast<std::size_t>(bootstrap),
                                         stats::BootstrapKey{runs.seed}, level);
    }
  });
  c.runs = std::move(runs);
  return c;
}

// --- files ------------------------------------------------------------------------

namespace {

std::string cell(double x) { return std::isnan(x) ? std::string() : format_number(x); }
std::string cell(const std::optional<double>& x) { return x ? cell(*x) : std::string(); }

std::string describe_outcome(const OutcomeSpec& o) {
  return fmt::format("{} {} of {}", to_string(o.aggregate), o.metric, o.is_edge ? o.source + "->" + o.target : o.agent);
}

}  // namespace

std::string compare_csv(const Comparison& c) {
  std::string out =
      "outcome,policy,better,n,mean,sd,pairs,diff,sd_diff,ci_low,ci_high,boot_low,boot_high,effect_dz,effect_d,"
      "share_better\n";
  for (const CompareRow& row : c.rows) {
    const OutcomeSpec& o = c.runs.outcomes[row.outcome];
    out += fmt::format("{},{},{},{},{},{}", o.name, c.runs.policies[row.policy],
                       o.higher_is_better ? "higher" : "lower", row.n, cell(row.mean), cell(row.sd));
    if (const auto& s = row.paired) {
      out += fmt::format(",{},{},{},{},{},{},{},{},{},{}\n", s->n, cell(s->diff), cell(s->sd_diff),
                         s->t ? cell(s->t->low) : "", s->t ? cell(s->t->high) : "",
                         s->bootstrap ? cell(s->bootstrap->low) : "", s->bootstrap ? cell(s->bootstrap->high) : "",
                         cell(s->d_z), cell(s->d_pooled), cell(s->share_better));
    } else {
      out += ",,,,,,,,,,\n";
    }
  }
  return out;
}

std::string runs_csv(const CompareRuns& r) {
  std::string out = "run,policy,seed";
  for (const OutcomeSpec& o : r.outcomes) out += "," + o.name;
  out += '\n';
  for (std::size_t p = 0; p < r.policies.size(); ++p) {
    for (std::size_t k = 0; k < r.values[p].size(); ++k) {
      out += fmt::format("{},{},{}", k, r.policies[p], r.seed);
      for (const auto& v : r.values[p][k]) {
        out += ',';  // (not "," + cell(v): GCC 12 warns about that, wrongly, with -Wrestrict)
        out += cell(v);
      }
      out += '\n';
    }
  }
  return out;
}

// --- the terminal table -------------------------------------------------------------

namespace {

// About `digits` significant digits, in fixed notation from 0.001 to 1e6 (so
// that 14000 reads 14000, not 1.4e+04), else in exponent notation.
std::string num(double x, int digits = 4, bool sign = false) {
  if (std::isnan(x)) return "";
  std::string s;
  const double a = std::fabs(x);
  if (a == 0) {
    s = "0";
  } else if (a >= 1e-3 && a < 1e6) {
    const int magnitude = static_cast<int>(std::floor(std::log10(a)));
    s = fmt::format("{:.{}f}", x, std::max(0, digits - 1 - magnitude));
  } else {
    s = fmt::format("{:.{}e}", x, digits - 1);
  }
  if (sign && x > 0) s = "+" + s;
  return s;
}

std::string interval_text(const std::optional<stats::Interval>& ci) {
  return ci ? fmt::format("[{}, {}]", num(ci->low, 3, true), num(ci->high, 3, true)) : std::string();
}

std::string excludes_zero(const std::optional<stats::Interval>& ci) {
  return ci && (ci->low > 0 || ci->high < 0) ? "*" : "";
}

// Rows of cells, column 0 left-aligned and the others right-aligned, two
// spaces apart, each line indented by two spaces.
std::string align(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (row.size() > width.size()) width.resize(row.size(), 0);
    for (std::size_t k = 0; k < row.size(); ++k) width[k] = std::max(width[k], row[k].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (width[k] == 0) continue;
      line += k == 0 ? fmt::format(" {:<{}}", row[k], width[k]) : fmt::format("  {:>{}}", row[k], width[k]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

}  // namespace

std::string format_comparison(const Comparison& c) {
  const CompareRuns& r = c.runs;
  const int percent = static_cast<int>(std::lround(100 * c.level));
  std::string out;
  out += fmt::format("baseline and {} polic{}, {} run{} each (run indices 0..{}, seed {}; common random numbers)\n",
                     r.policies.size() - 1, r.policies.size() == 2 ? "y" : "ies", r.runs, r.runs == 1 ? "" : "s",
                     r.runs - 1, r.seed);
  if (c.identical_runs) {
    out +=
        "Every run is identical under every policy: the scenario has no randomness that reaches the outcomes.\n"
        "The single difference from the baseline is shown; there is no spread and no interval.\n";
  } else if (r.runs == 1) {
    out += "One run per policy: no spread and no intervals (use --runs 2 or more).\n";
  }
  const bool spread = !c.identical_runs && r.runs >= 2;
  for (std::size_t o = 0; o < r.outcomes.size(); ++o) {
    const OutcomeSpec& spec = r.outcomes[o];
    out += fmt::format("\n{}: {} ({} is better)\n", spec.name, describe_outcome(spec),
                       spec.higher_is_better ? "higher" : "lower");
    std::vector<std::vector<std::string>> rows;
    if (spread) {
      std::vector<std::string> header = {"policy", "mean", "sd", "diff", fmt::format("{}% CI (t)", percent), ""};
      if (c.bootstrap > 0) {
        header.push_back(fmt::format("{}% CI (bootstrap)", percent));
        header.push_back("");
      }
      header.push_back("d_z");
      header.push_back("d");
      header.push_back("better");
      rows.push_back(header);
    } else {
      rows.push_back({"policy", r.runs == 1 ? "value" : "every run", "diff", "better"});
    }
    for (const CompareRow& row : c.rows) {
      if (row.outcome != o) continue;
      std::vector<std::string> line = {r.policies[row.policy], num(row.mean)};
      if (spread) line.push_back(num(row.sd));
      if (const auto& s = row.paired) {
        line.push_back(num(s->diff, 3, true));
        if (spread) {
          line.push_back(interval_text(s->t));
          line.push_back(excludes_zero(s->t));
          if (c.bootstrap > 0) {
            line.push_back(interval_text(s->bootstrap));
            line.push_back(excludes_zero(s->bootstrap));
          }
          line.push_back(s->d_z ? num(*s->d_z, 3) : "");
          line.push_back(s->d_pooled ? num(*s->d_pooled, 3) : "");
        }
        line.push_back(std::isnan(s->share_better) ? "" : fmt::format("{:.0f}%", 100 * s->share_better));
      }
      if (row.n < r.runs && row.n > 0) line[0] += fmt::format(" ({} of {} runs)", row.n, r.runs);
      rows.push_back(std::move(line));
    }
    out += align(rows);
  }
  out += "\n";
  if (spread) {
    out += fmt::format(
        "diff: policy minus baseline, the mean over runs paired by run index; {}% CI (t): Student t interval\n"
        "of that mean{}; * the interval excludes 0. Effect sizes: d_z = diff / sd of the paired differences\n"
        "(Cohen's d_z); d = diff / sqrt((sd² + sd_baseline²)/2), in units of the run-to-run spread (Cohen's d).\n",
        percent, c.bootstrap > 0 ? fmt::format(", bootstrap: percentile interval of {} resamples", c.bootstrap) : "");
  } else {
    out += "diff: policy minus baseline.\n";
  }
  out += "better: share of runs in which the policy beats the baseline (ties count half).\n";
  return out;
}

// --- the job ----------------------------------------------------------------------

fs::path default_compare_dir(const Scenario& scenario) {
  const std::string stem =
      scenario.source_file.empty() ? std::string("geosim") : fs::path(scenario.source_file).stem().string();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  const fs::path base = fmt::format("{}_compare_{:%Y%m%d-%H%M%S}", stem, tm);
  fs::path candidate = base;
  for (int k = 2; fs::exists(candidate); ++k) candidate = fmt::format("{}-{}", base.string(), k);
  return candidate;
}

namespace {

// A results database that is removed again unless keep() is called.
class DatabaseGuard {
 public:
  explicit DatabaseGuard(fs::path path) : path_(std::move(path)) {}
  DatabaseGuard(const DatabaseGuard&) = delete;
  DatabaseGuard& operator=(const DatabaseGuard&) = delete;
  ~DatabaseGuard() {
    if (path_.empty()) return;
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(fs::path(path_.string() + suffix), ec);
  }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

}  // namespace

CompareReport compare_job(const Scenario& scenario, std::string_view scenario_text, const CompareOptions& options,
                          Cluster& cluster) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = utc_timestamp();
  if (options.runs == 0) throw UsageError("--runs must be at least 1");
  const std::vector<std::string> policies = resolve_policies(scenario, options.policies);
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const Scenario baseline = [&] {
    Scenario s = scenario;
    s.seed = seed;
    return s;
  }();

  // Only the root touches files. The folder and the database are created
  // first, so that a file in the way is reported before any run; both are
  // removed again if anything below fails.
  std::optional<AtomicDir> dir;
  std::optional<DatabaseGuard> store_guard;  // declared first: removes the file after the store closes
  std::optional<ResultStore> store;
  on_root(cluster, [&] {
    dir.emplace(options.out.empty() ? default_compare_dir(scenario) : options.out, options.force);
    if (options.db.empty()) return;
    ExperimentInfo info;
    info.kind = "compare";
    info.scenario_name = scenario.name;
    info.scenario_file = scenario.source_file;
    info.scenario_sha256 = detail::sha256_hex(scenario_text);
    info.scenario_text = std::string(scenario_text);
    info.samples = 1;
    info.replicates = options.runs;
    info.seed = seed;
    info.parameters_json = "[]";
    info.policies_json = nlohmann::json(policies).dump();
    info.geosim_version = GEOSIM_VERSION;
    info.command_line = options.command_line;
    for (const OutcomeSpec& o : baseline.outcomes) info.outcome_names.push_back(o.name);
    store.emplace(ResultStore::create(options.db, info));
    store_guard.emplace(options.db);
  });

  Progress progress("compare", static_cast<std::size_t>(policies.size() * options.runs),
                    options.quiet || !cluster.is_root(), ProgressStyle{"runs", true});
  CompareRuns runs = run_policies(
      scenario, policies, seed, options.runs, [&](std::size_t done) { progress.advance(done); }, cluster);
  progress.finish();
  // The statistics and the files: the root's work.
  CompareReport report;
  on_root(cluster, [&] {
    Comparison comparison = summarize(std::move(runs), options.bootstrap);
    const CompareRuns& r = comparison.runs;

    dir->write("compare.csv", compare_csv(comparison));
    dir->write("runs.csv", runs_csv(r));

    if (store) {
      try {
        // Run id p·N + r: point 0, replicate r, the policy's name.
        store->write_points({{}});
        std::vector<RunResult> batch;
        for (std::size_t p = 0; p < r.policies.size(); ++p) {
          for (std::size_t k = 0; k < r.values[p].size(); ++k) {
            RunResult result;
            result.key = RunKeyRow{p * options.runs + k, 0, k, r.policies[p], seed};
            result.wall_s = r.wall_s[p][k];
            result.outcomes = r.values[p][k];
            batch.push_back(std::move(result));
            if (batch.size() == 4096) {
              store->write_batch(batch);
              batch.clear();
            }
          }
        }
        store->write_batch(batch);
        store->close();
      } catch (const UsageError&) {
        throw;
      } catch (const Interrupted&) {
        throw;
      } catch (const std::runtime_error& e) {
        // A full disk, say: nothing of the comparison is kept (the database
        // is removed, the folder never appears); say so and what to do.
        throw std::runtime_error(fmt::format(
            "{}; the comparison was not saved: the database '{}' was removed and the folder '{}' was not written; "
            "free space (or choose another --db) and run again",
            e.what(), options.db.string(), dir->final_path().string()));
      }
    }

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::ordered_json manifest;
    manifest["geosim_version"] = GEOSIM_VERSION;
    manifest["rule_set"] = "standard v1 (MODEL.md)";
    manifest["kind"] = "compare";
    manifest["scenario"] = {
        {"name", scenario.name}, {"file", scenario.source_file}, {"sha256", detail::sha256_hex(scenario_text)}};
    manifest["baseline"] = "baseline";
    manifest["policies"] = std::vector<std::string>(r.policies.begin() + 1, r.policies.end());
    manifest["seed"] = seed;
    manifest["runs"] = options.runs;
    manifest["confidence_level"] = comparison.level;
    manifest["bootstrap_resamples"] = options.bootstrap;
    manifest["identical_runs"] = comparison.identical_runs;
    manifest["steps"] = baseline.time.steps;
    manifest["dt"] = baseline.time.dt;
    manifest["start_year"] = baseline.time.start;
    manifest["threads"] = concurrency();
    manifest["ranks"] = cluster.size();
    manifest["parameters"] = detail::parameters_json(baseline.parameters);
    manifest["outcomes"] = detail::outcomes_json(r.outcomes);
    manifest["database"] =
        options.db.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(options.db.string());
    manifest["command"] = options.command_line;
    manifest["started_utc"] = started;
    manifest["duration_s"] = seconds;
    dir->write("manifest.json", manifest.dump(2) + "\n");

    if (interrupted()) throw Interrupted();
    dir->commit();
    if (store_guard) store_guard->keep();
    report = CompareReport{dir->final_path(), options.db, std::move(comparison), seconds};
  });
  return report;
}

}  // namespace geosim
