// `geosim compare`: the baseline and policies on common random numbers, with
// paired differences, intervals, effect sizes and the share of runs won.
#include <fmt/format.h>

#include "cli.hpp"
#include "geosim/compare.hpp"
#include "geosim/engine.hpp"
#include "geosim/output.hpp"

namespace geosim::cli {

struct CompareCommand {
  std::string scenario;
  std::string policies;
  CompareOptions options;
  std::uint64_t seed = 0;
  std::string out;
  std::string db;
  CLI::Option* seed_opt = nullptr;
};

CompareCommand& setup_compare(CLI::App& app) {
  static CompareCommand cmd;
  cmd = CompareCommand{};  // make_command_line() may build the command line again (the fuzzer does)
  CLI::App* sub = app.add_subcommand("compare", "Compare policies with the baseline on common random numbers");
  sub->footer(R"(Runs the baseline and each policy on run indices 0..N-1 (the same random
numbers for all), prints a table per outcome and writes DIR/compare.csv,
DIR/runs.csv and DIR/manifest.json. The folder appears only when everything
is written. How to read the table: docs/compare.md.

Examples:
  geosim compare scenarios/mongolia_2019.yaml --policies third_neighbor_trade_act,steppe_bloc --runs 30
  geosim compare scenarios/triad.yaml --runs 100 --bootstrap 2000 --out results/triad_compare
  geosim compare scenarios/mongolia_2019.yaml --runs 50 --db mongolia_compare.db --quiet
)");
  sub->add_option("scenario", cmd.scenario, "Scenario file (YAML)")->required();
  sub->add_option("--policies", cmd.policies, "Comma-separated policies to compare (default: all declared)");
  sub->add_option("--runs", cmd.options.runs,
                  "Runs per policy: indices 0..N-1 (default 30; at most the runs limit, 1000000 unless raised)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  cmd.seed_opt = sub->add_option("--seed", cmd.seed, "Random seed (default: the scenario's `seed`)");
  sub->add_option("--bootstrap", cmd.options.bootstrap,
                  "Also a percentile bootstrap interval with B resamples (default 0: t interval only)")
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{10'000'000}));
  sub->add_option("--threads", cmd.options.threads, "Worker threads (default 0: all cores)")
      ->check(CLI::Range(0, 4096));
  sub->add_option("--out", cmd.out, "Output folder (default: <scenario>_compare_<date-time>)");
  sub->add_option("--db", cmd.db, "Also store every run in a new results database (SQLite; see geosim export)");
  sub->add_flag("--force", cmd.options.force, "Replace the output folder if it exists");
  sub->add_flag("-q,--quiet", cmd.options.quiet, "Nothing but errors (no table, no progress)");
  add_limit_option(*sub);
  return cmd;
}

int run_compare(const CompareCommand& cmd, const std::string& command_line, Cluster& cluster) {
  CompareOptions options = cmd.options;
  check_limit("runs", options.runs, fmt::format("--runs {}", options.runs));
  if (*cmd.seed_opt) options.seed = cmd.seed;
  options.out = cmd.out;
  options.db = cmd.db;
  options.command_line = command_line;
  if (!cmd.policies.empty()) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = cmd.policies.find(',', start);
      options.policies.push_back(cmd.policies.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  const LoadedScenario loaded = read_scenario(cmd.scenario, cluster);
  resolve_policies(loaded.scenario, options.policies);  // unknown names: exit 2 before anything runs
  const ThreadLimit limit(static_cast<std::size_t>(options.threads));
  const CompareReport report = compare_job(loaded.scenario, loaded.text, options, cluster);
  if (!options.quiet && cluster.is_root()) {
    fmt::print("{}\n{}", loaded.scenario.name, format_comparison(report.comparison));
    std::fflush(stdout);
    const std::size_t policies = report.comparison.runs.policies.size() - 1;
    fmt::print(stderr, "geosim: baseline and {} polic{} x {} run{} of {} compared in {:.3f} s; written to {}{}\n",
               policies, policies == 1 ? "y" : "ies", options.runs, options.runs == 1 ? "" : "s", loaded.scenario.name,
               report.seconds, report.out.string(), report.db.empty() ? "" : " and " + report.db.string());
  }
  return kOk;
}

}  // namespace geosim::cli
