// Subcommands of the `geosim` program: each has an options struct, a
// setup_<cmd>() that declares its CLI11 options and a run_<cmd>() that does
// the work and returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "geosim/cluster.hpp"
#include "geosim/load.hpp"
#include "geosim/scenario.hpp"

namespace geosim::cli {

/// Exit statuses (docs/cli.md).
enum ExitCode : int { kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = 130 };

// --- Limits (docs/cli.md, "Limits") -----------------------------------------

/// The limits in force: the defaults of Limits, then the GEOSIM_MAX_*
/// environment variables, then the --limit options (see apply_limits()).
const Limits& limits();

/// Declares `--limit NAME=N` (repeatable) on a subcommand that reads a
/// scenario or runs a model.
void add_limit_option(CLI::App& sub);

/// Sets limits() from the environment and the --limit options of the parsed
/// command line. Throws UsageError for a GEOSIM_MAX_* variable that is not a
/// valid value (the options are checked when parsed).
void apply_limits();

/// Throws UsageError "WHAT is more than the limit of L (limit NAME; raise it
/// with ...)" when `value` exceeds the limit called `name`; `what` names the
/// value as the user gave it ("--runs 2000000").
void check_limit(std::string_view name, std::uint64_t value, std::string_view what);

// --- The command line --------------------------------------------------------

struct RunCommand;
struct ValidateCommand;
struct DescribeCommand;
struct ExportCommand;
struct SweepCommand;
struct CheckCommand;
struct CompareCommand;
struct ExplainCommand;
struct GraphCommand;
struct ReportCommand;

/// The `geosim` command line: the CLI11 app with every subcommand and
/// option, and where each subcommand's options land.
struct CommandLine {
  CLI::App app{"geosim: agent-based simulation of states between great powers", "geosim"};
  RunCommand* run = nullptr;
  ValidateCommand* validate = nullptr;
  DescribeCommand* describe = nullptr;
  CompareCommand* compare = nullptr;
  ExportCommand* export_ = nullptr;
  SweepCommand* sweep = nullptr;
  CheckCommand* check = nullptr;
  ExplainCommand* explain = nullptr;
  GraphCommand* graph = nullptr;
  ReportCommand* report = nullptr;
};

/// Builds the whole command line. The options of each subcommand live in
/// one object per process, which this resets: build one at a time.
std::unique_ptr<CommandLine> make_command_line();

/// Parses argv into `cli` without running anything. Returns -1 when a
/// command is to run (then cli.app.got_subcommand() says which), else the
/// exit status: 0 after --help or --version (printed on `out`), kBadInput
/// after a usage error (a mistyped command, an unknown option, a bad value),
/// whose message goes to `err` when `show_errors` is set.
int parse_command_line(CommandLine& cli, int argc, const char* const* argv, std::ostream& out, std::ostream& err,
                       bool show_errors);

/// Reads a scenario file; returns its text (for the fingerprint) and the
/// parsed scenario. Throws ScenarioError. With several ranks the root reads
/// the file and every rank parses its text (collective).
struct LoadedScenario {
  std::string text;
  Scenario scenario;
};
LoadedScenario read_scenario(const std::filesystem::path& path, Cluster& cluster = single_process());

/// The whole command line, quoted where needed, for manifests.
std::string command_line(int argc, char** argv);

RunCommand& setup_run(CLI::App& app);
int run_run(const RunCommand& cmd, const std::string& command_line);

ValidateCommand& setup_validate(CLI::App& app);
int run_validate(const ValidateCommand& cmd);

DescribeCommand& setup_describe(CLI::App& app);
int run_describe(const DescribeCommand& cmd);

ExportCommand& setup_export(CLI::App& app);
int run_export(const ExportCommand& cmd);

SweepCommand& setup_sweep(CLI::App& app);
int run_sweep_command(const SweepCommand& cmd, const std::string& command_line, Cluster& cluster);

CheckCommand& setup_check(CLI::App& app);
int run_check(const CheckCommand& cmd, const std::string& command_line);

CompareCommand& setup_compare(CLI::App& app);
int run_compare(const CompareCommand& cmd, const std::string& command_line, Cluster& cluster);

ExplainCommand& setup_explain(CLI::App& app);
int run_explain(const ExplainCommand& cmd);

GraphCommand& setup_graph(CLI::App& app);
int run_graph(const GraphCommand& cmd);

ReportCommand& setup_report(CLI::App& app);
int run_report(const ReportCommand& cmd, const std::string& command_line);

}  // namespace geosim::cli
