// Subcommands of the `geosim` program: each has an options struct, a
// setup_<cmd>() that declares its CLI11 options and a run_<cmd>() that does
// the work and returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "geosim/cluster.hpp"
#include "geosim/scenario.hpp"

namespace geosim::cli {

/// Exit statuses (docs/cli.md).
enum ExitCode : int { kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = 130 };

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

struct RunCommand;
RunCommand& setup_run(CLI::App& app);
int run_run(const RunCommand& cmd, const std::string& command_line);

struct ValidateCommand;
ValidateCommand& setup_validate(CLI::App& app);
int run_validate(const ValidateCommand& cmd);

struct DescribeCommand;
DescribeCommand& setup_describe(CLI::App& app);
int run_describe(const DescribeCommand& cmd);

struct ExportCommand;
ExportCommand& setup_export(CLI::App& app);
int run_export(const ExportCommand& cmd);

struct SweepCommand;
SweepCommand& setup_sweep(CLI::App& app);
int run_sweep_command(const SweepCommand& cmd, const std::string& command_line, Cluster& cluster);

struct CheckCommand;
CheckCommand& setup_check(CLI::App& app);
int run_check(const CheckCommand& cmd, const std::string& command_line);

struct CompareCommand;
CompareCommand& setup_compare(CLI::App& app);
int run_compare(const CompareCommand& cmd, const std::string& command_line, Cluster& cluster);

struct ExplainCommand;
ExplainCommand& setup_explain(CLI::App& app);
int run_explain(const ExplainCommand& cmd);

struct GraphCommand;
GraphCommand& setup_graph(CLI::App& app);
int run_graph(const GraphCommand& cmd);

struct ReportCommand;
ReportCommand& setup_report(CLI::App& app);
int run_report(const ReportCommand& cmd, const std::string& command_line);

}  // namespace geosim::cli
