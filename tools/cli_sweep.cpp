// `geosim sweep`: many runs over an experimental design, into a database.
#include <fmt/format.h>

#include <limits>

#include "cli.hpp"
#include "geosim/engine.hpp"
#include "geosim/output.hpp"
#include "geosim/sweep.hpp"

namespace geosim::cli {

struct SweepCommand {
  std::string scenario;
  std::string design;
  std::uint64_t samples = 0, replicates = 0, seed = 0;
  std::vector<std::string> params;
  int threads = 0;
  std::string db, series = "none", policy = "baseline";
  bool resume = false, fail_fast = false, quiet = false;
  CLI::Option *samples_opt = nullptr, *replicates_opt = nullptr, *seed_opt = nullptr;
};

SweepCommand& setup_sweep(CLI::App& app) {
  static SweepCommand cmd;
  cmd = SweepCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("sweep", "Run a scenario over an experimental design, into a results database");
  sub->footer(R"(The experiment comes from the scenario's `sweep:` section; options override it.
Run (point p, replicate r) uses the random numbers of run index r, so every
point sees the same draws. Results stream into a SQLite file in batches; a
sweep stopped at any moment (Ctrl-C, kill -9, power loss) continues with
--resume and ends with exactly the results of an uninterrupted one.

Examples:
  geosim sweep scenarios/mongolia_2019.yaml --db mongolia.db
  geosim sweep scenarios/mongolia_2019.yaml --design grid --replicates 20 \
      --param parameters.commitment=0.25,0.5,0.75 --param agents.MNG.weights.autonomy=0.5,1,1.5 --db grid.db
  geosim sweep scenarios/mongolia_2019.yaml --db mongolia.db --resume
  geosim export mongolia.db --to csv mongolia_csv
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML)")->required();
  sub->add_option("--design", cmd.design, "grid, random, lhs or sobol (default: the scenario's)")
      ->check(CLI::IsMember({"grid", "random", "lhs", "sobol"}));
  cmd.samples_opt = sub->add_option("--samples", cmd.samples, "Number of points (not for grid)")
                        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{std::numeric_limits<int>::max()}));
  cmd.replicates_opt = sub->add_option("--replicates", cmd.replicates, "Runs per point")
                           ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{std::numeric_limits<int>::max()}));
  sub->add_option("--param", cmd.params,
                  "A dimension PATH=MIN:MAX or PATH=V1,V2,...; repeat it; replaces the scenario's dimensions");
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Seed of the design and of the runs (default: the scenario's)");
  sub->add_option("--policy", cmd.policy, "Policy overlaid at every point (default: baseline)");
  sub->add_option("--threads", cmd.threads, "Worker threads (default 0: all cores)")->check(CLI::Range(0, 4096));
  sub->add_option("--db", cmd.db, "Results database (default: <scenario>_sweep.db)");
  sub->add_flag("--resume", cmd.resume, "Continue the sweep stored in --db, running only what is missing");
  sub->add_option("--series", cmd.series, "Per-step series to store: none, agents or all (default none)")
      ->check(CLI::IsMember({"none", "agents", "all"}));
  sub->add_flag("--fail-fast", cmd.fail_fast, "Stop at the first run that fails (default: record it and go on)");
  sub->add_flag("-q,--quiet", cmd.quiet, "Nothing but errors");
  add_limit_option(*sub);
  return cmd;
}

namespace {

/// The runs and steps limits (docs/cli.md, "Limits") against the sweep as it
/// would run: points x replicates runs, and the time.steps it may set.
void check_sweep_limits(const SweepSpec& spec) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t points = 1;
  if (spec.design == Design::kGrid) {
    for (const SweepDimension& d : spec.parameters) {
      const std::uint64_t levels = std::max<std::uint64_t>(d.values.size(), 1);
      points = points > kMax / levels ? kMax : points * levels;
    }
  } else {
    points = static_cast<std::uint64_t>(std::max(spec.samples, 1));
  }
  const auto replicates = static_cast<std::uint64_t>(std::max(spec.replicates, 1));
  const std::uint64_t runs = points > kMax / replicates ? kMax : points * replicates;
  check_limit("runs", runs,
              fmt::format("the sweep's {} point{} x {} replicate{} = {} runs", points, points == 1 ? "" : "s",
                          replicates, replicates == 1 ? "" : "s", runs));
  for (const SweepDimension& d : spec.parameters) {
    if (d.path != "time.steps") continue;
    double most = d.max.value_or(0);
    for (double v : d.values) most = std::max(most, v);
    if (most >= 1 && most <= 1e18) {
      check_limit("steps", static_cast<std::uint64_t>(most), fmt::format("sweep parameter time.steps = {}", most));
    }
  }
}

}  // namespace

int run_sweep_command(const SweepCommand& cmd, const std::string& command_line, Cluster& cluster) {
  SweepOptions o;
  if (!cmd.design.empty()) o.design = design_from_string(cmd.design);
  if (*cmd.samples_opt) o.samples = cmd.samples;
  if (*cmd.replicates_opt) o.replicates = cmd.replicates;
  if (*cmd.seed_opt) o.seed = cmd.seed;
  for (const std::string& p : cmd.params) o.params.push_back(parse_sweep_param(p));
  o.policy = cmd.policy;
  o.db = cmd.db;
  o.resume = cmd.resume;
  o.fail_fast = cmd.fail_fast;
  o.quiet = cmd.quiet;
  o.series = *series_selection_from_string(cmd.series);
  o.command_line = command_line;
  const LoadedScenario loaded = read_scenario(cmd.scenario, cluster);
  // (An unknown policy is reported first, by run_sweep(), as before.)
  if (o.policy == "baseline" || loaded.scenario.find_policy(o.policy)) {
    check_sweep_limits(effective_sweep(loaded.scenario, o));
  }
  const ThreadLimit limit(static_cast<std::size_t>(cmd.threads));
  const SweepReport r = run_sweep(loaded.scenario, loaded.text, o, cluster);
  if (!cmd.quiet && cluster.is_root()) {
    const std::uint64_t now = r.ok + r.failed;
    fmt::print(stderr,
               "geosim: sweep of {} points x {} replicates = {} runs: {} run now ({} failed), {} already stored; "
               "{:.2f} s ({:.0f} runs/s{}); results in {}\n",
               r.points, r.replicates, r.total, now, r.failed, r.skipped, r.seconds,
               r.seconds > 0 ? static_cast<double>(now) / r.seconds : 0.0,
               cluster.size() > 1 ? fmt::format(" on {} ranks", cluster.size()) : std::string(), r.db.string());
  }
  return r.failed > 0 ? kFailure : kOk;
}

}  // namespace geosim::cli
