// `geosim export`: a results database (sweep, compare) as tidy CSV files.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli.hpp"
#include "geosim/store.hpp"

namespace geosim::cli {

struct ExportCommand {
  std::string db;
  std::string to = "csv";
  std::string dir;
  bool force = false;
  bool quiet = false;
};

ExportCommand& setup_export(CLI::App& app) {
  static ExportCommand cmd;
  CLI::App* sub = app.add_subcommand("export", "Write a results database (sweep, compare) as CSV files");
  sub->footer(R"(Writes DIR/experiment.csv, scenario.yaml, sessions.csv, points.csv, runs.csv,
outcomes.csv (long: one row per run and outcome), outcomes_wide.csv (one row
per run, point values and outcomes as columns), and agents.csv and edges.csv
when the sweep stored series. The folder appears only when everything is
written; an existing one is kept unless --force is given. A database that a
sweep is still writing exports as a consistent snapshot.
Exit status 0 on success, 2 when DB is not a geosim results database or DIR
exists, 1 on a write error. Schema: docs/results-database.md.

Examples:
  geosim export sweep.db --to csv results/sweep_csv
  geosim export sweep.db --to csv results/sweep_csv --force
)");
  sub->add_option("db", cmd.db, "Results database (SQLite) written by geosim sweep or compare")->required();
  sub->add_option("dir", cmd.dir, "Output folder")->required();
  sub->add_option("--to", cmd.to, "Output format (default csv; the only one so far)")->check(CLI::IsMember({"csv"}));
  sub->add_flag("--force", cmd.force, "Replace the output folder if it exists");
  sub->add_flag("-q,--quiet", cmd.quiet, "No summary on standard error");
  return cmd;
}

int run_export(const ExportCommand& cmd) {
  const ExportReport report = export_csv(cmd.db, cmd.dir, cmd.force);
  if (!cmd.quiet) {
    fmt::print(stderr, "geosim: {} run(s) of {} exported to {} ({})\n", report.runs, cmd.db, report.dir.string(),
               fmt::join(report.files, ", "));
  }
  return kOk;
}

}  // namespace geosim::cli
