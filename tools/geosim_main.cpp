// geosim: the command-line program. Parses the command line (CLI11), hands
// off to a subcommand, and maps failures to exit statuses:
// 0 ok, 1 run failure or bug, 2 invalid input or usage, 130 interrupted.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "geosim/cluster.hpp"
#ifdef GEOSIM_WITH_MPI
#include "geosim/cluster_mpi.hpp"
#endif
#include "geosim/error.hpp"
#include "geosim/output.hpp"

namespace {

// Levenshtein distance, for "did you mean" on a mistyped command.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// CLI11 reports a mistyped command as "a subcommand is required"; name it
// instead. Returns an empty string when the first word is a known command.
std::string unknown_command_message(int argc, char** argv, const std::vector<std::string_view>& commands) {
  if (argc < 2 || argv[1][0] == '-') return {};
  const std::string_view word = argv[1];
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view c : commands) {
    if (c == word) return {};
    if (const std::size_t d = edit_distance(word, c); d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  std::string message = fmt::format("geosim: error: unknown command '{}'", word);
  if (!best.empty()) message += fmt::format("; did you mean '{}'?", best);
  return message + fmt::format(" (commands: {}; see geosim --help)", fmt::join(commands, ", "));
}

constexpr const char* kVersion = "geosim " GEOSIM_VERSION " (standard rule set v1, scenario format v1)";

// Prints a failure the way each kind of error is reported (the root only,
// with several ranks) and returns its exit status. With several ranks, a
// failure that the other ranks do not share (not an input error, not an
// interruption they all saw, not a failure of the root's work that on_root()
// sent them) cannot be waited out: it ends the whole job.
int report_failure(const std::exception_ptr& error, geosim::Cluster& cluster) {
  using namespace geosim;
  const int status = exit_status(error);
  std::exception_ptr shown = error;
  bool shared = false;
  try {
    std::rethrow_exception(error);
  } catch (const SharedFailure& f) {
    shared = true;
    shown = f.original();
  } catch (const ScenarioError&) {
    shared = true;
  } catch (const UsageError&) {
    shared = true;
  } catch (const Interrupted&) {
    shared = true;
  } catch (...) {
  }
  const bool several = cluster.size() > 1;
  if (!shown || (several && shared && !cluster.is_root())) return status;
  const std::string where = several && !shared ? fmt::format(" (rank {} of {})", cluster.rank(), cluster.size()) : "";
  try {
    std::rethrow_exception(shown);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "{}\n", e.what());
  } catch (const UsageError& e) {
    fmt::print(stderr, "geosim: error: {}\n", e.what());
  } catch (const Interrupted& e) {
    fmt::print(stderr, "geosim: interrupted; {}\n", e.what());
  } catch (const InternalError& e) {
    fmt::print(stderr, "geosim{}: {}\n", where, e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "geosim{}: error: {}\n", where, e.what());
  } catch (...) {
    fmt::print(stderr, "geosim{}: error: unknown failure\n", where);
  }
  if (several && !shared) cluster.abort(status);
  return status;
}

// Parses the command line and runs the command; returns the exit status.
int run_command(int argc, char** argv, geosim::Cluster& cluster) {
  using namespace geosim;
  CLI::App app{"geosim: agent-based simulation of states between great powers", "geosim"};
  app.set_version_flag("-V,--version", kVersion);
  app.require_subcommand(1);
  app.footer(R"(Examples:
  geosim validate scenarios/mongolia_2019.yaml
  geosim run scenarios/mongolia_2019.yaml --out results/baseline
  geosim run scenarios/mongolia_2019.yaml --policy steppe_bloc --runs 50 --out results/steppe
  mpirun -np 4 geosim sweep scenarios/mongolia_2019.yaml --db mongolia.db
  geosim check scenarios/mongolia_1990.yaml --runs 100

Run `geosim COMMAND --help` for the options of a command. Documentation: docs/cli.md.
)");
  auto& run_cmd = cli::setup_run(app);
  auto& validate_cmd = cli::setup_validate(app);
  auto& describe_cmd = cli::setup_describe(app);
  auto& compare_cmd = cli::setup_compare(app);
  auto& export_cmd = cli::setup_export(app);
  auto& sweep_cmd = cli::setup_sweep(app);
  auto& check_cmd = cli::setup_check(app);
  auto& explain_cmd = cli::setup_explain(app);
  auto& graph_cmd = cli::setup_graph(app);
  auto& report_cmd = cli::setup_report(app);

  if (const std::string message = unknown_command_message(argc, argv, {"run", "validate", "describe", "export", "sweep", "compare", "check", "explain", "graph", "report"});
      !message.empty()) {
    if (cluster.is_root()) fmt::print(stderr, "{}\n", message);
    return cli::kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (cluster.is_root()) app.exit(e);  // prints the message and a hint to stderr
    return cli::kBadInput;
  }

  install_interrupt_handlers();
  try {
    if (app.got_subcommand("compare")) return cli::run_compare(compare_cmd, cli::command_line(argc, argv), cluster);
    if (app.got_subcommand("sweep")) {
      return cli::run_sweep_command(sweep_cmd, cli::command_line(argc, argv), cluster);
    }
    if (cluster.size() > 1) {
      throw UsageError(fmt::format("`geosim {}` runs in one process; start it without mpirun "
                                   "(only sweep and compare spread their runs over MPI ranks)",
                                   app.get_subcommands().front()->get_name()));
    }
    if (app.got_subcommand("run")) return cli::run_run(run_cmd, cli::command_line(argc, argv));
    if (app.got_subcommand("validate")) return cli::run_validate(validate_cmd);
    if (app.got_subcommand("describe")) return cli::run_describe(describe_cmd);
    if (app.got_subcommand("export")) return cli::run_export(export_cmd);
    if (app.got_subcommand("check")) return cli::run_check(check_cmd, cli::command_line(argc, argv));
    if (app.got_subcommand("explain")) return cli::run_explain(explain_cmd);
    if (app.got_subcommand("graph")) return cli::run_graph(graph_cmd);
    if (app.got_subcommand("report")) return cli::run_report(report_cmd, cli::command_line(argc, argv));
  } catch (...) {
    return report_failure(std::current_exception(), cluster);
  }
  return cli::kFailure;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace geosim;
#ifdef GEOSIM_WITH_MPI
  // Under mpirun/srun: one process per rank (cluster_mpi.hpp). Started by
  // hand: no MPI at all.
  std::unique_ptr<Cluster> mpi;
  try {
    mpi = start_mpi(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "geosim: error: {}\n", e.what());
    return cli::kFailure;
  }
  Cluster& cluster = mpi ? *mpi : single_process();
#else
  Cluster& cluster = single_process();
#endif
  // Only the root talks to the user: other ranks' standard output (help,
  // tables) goes nowhere; their standard error stays for failures only
  // they see.
  if (!cluster.is_root() && std::freopen("/dev/null", "w", stdout) == nullptr) return cli::kFailure;
  int status = run_command(argc, argv, cluster);
  if (cluster.size() > 1) {
    // Every rank ends with the root's status (it alone knows, say, that some
    // runs failed).
    std::string shared = std::to_string(status);
    try {
      cluster.broadcast(shared);
      status = std::stoi(shared);
    } catch (const std::exception& e) {
      fmt::print(stderr, "geosim (rank {}): error: {}\n", cluster.rank(), e.what());
      cluster.abort(cli::kFailure);
    }
  }
  return status;
}
