// geosim: the command-line program. Parses the command line (CLI11; built
// and parsed by cli::parse_command_line(), which the fuzzer in fuzz/ calls
// too), hands off to a subcommand, and maps failures to exit statuses:
// 0 ok, 1 run failure or bug, 2 invalid input or usage, 130 interrupted.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "geosim/cluster.hpp"
#ifdef GEOSIM_WITH_MPI
#include "geosim/cluster_mpi.hpp"
#endif
#include "geosim/error.hpp"
#include "geosim/output.hpp"

namespace {

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
  // Messages may quote a file name, a command-line value or text read from
  // a file: printable() shows any control character in them as an escape.
  const auto text = [](const std::exception& e) { return printable(e.what(), true); };
  try {
    std::rethrow_exception(shown);
  } catch (const ScenarioError& e) {
    fmt::print(stderr, "{}\n", text(e));
  } catch (const UsageError& e) {
    fmt::print(stderr, "geosim: error: {}\n", text(e));
  } catch (const Interrupted& e) {
    fmt::print(stderr, "geosim: interrupted; {}\n", text(e));
  } catch (const InternalError& e) {
    fmt::print(stderr, "geosim{}: {}\n", where, text(e));
  } catch (const std::exception& e) {
    fmt::print(stderr, "geosim{}: error: {}\n", where, text(e));
  } catch (...) {
    fmt::print(stderr, "geosim{}: error: unknown failure\n", where);
  }
  if (several && !shared) cluster.abort(status);
  return status;
}

// Parses the command line and runs the command; returns the exit status.
int run_command(int argc, char** argv, geosim::Cluster& cluster) {
  using namespace geosim;
  const std::unique_ptr<cli::CommandLine> parsed = cli::make_command_line();
  if (const int status = cli::parse_command_line(*parsed, argc, argv, std::cout, std::cerr, cluster.is_root());
      status >= 0) {
    return status;
  }
  const CLI::App& app = parsed->app;

  install_interrupt_handlers();
  try {
    cli::apply_limits();
    if (app.got_subcommand("compare")) return cli::run_compare(*parsed->compare, cli::command_line(argc, argv), cluster);
    if (app.got_subcommand("sweep")) {
      return cli::run_sweep_command(*parsed->sweep, cli::command_line(argc, argv), cluster);
    }
    if (cluster.size() > 1) {
      throw UsageError(fmt::format("`geosim {}` runs in one process; start it without mpirun "
                                   "(only sweep and compare spread their runs over MPI ranks)",
                                   app.get_subcommands().front()->get_name()));
    }
    if (app.got_subcommand("run")) return cli::run_run(*parsed->run, cli::command_line(argc, argv));
    if (app.got_subcommand("validate")) return cli::run_validate(*parsed->validate);
    if (app.got_subcommand("describe")) return cli::run_describe(*parsed->describe);
    if (app.got_subcommand("export")) return cli::run_export(*parsed->export_);
    if (app.got_subcommand("check")) return cli::run_check(*parsed->check, cli::command_line(argc, argv));
    if (app.got_subcommand("explain")) return cli::run_explain(*parsed->explain);
    if (app.got_subcommand("graph")) return cli::run_graph(*parsed->graph);
    if (app.got_subcommand("report")) return cli::run_report(*parsed->report, cli::command_line(argc, argv));
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
