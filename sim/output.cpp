#include "geosim/output.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "manifest.hpp"
#include "sha256.hpp"

namespace geosim {
namespace fs = std::filesystem;

// --- Output paths -------------------------------------------------------------

fs::path prepare_parent(const fs::path& path) {
  fs::path parent = path.parent_path();
  if (parent.empty()) parent = ".";
  std::error_code ec;
  if (!fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec || !fs::is_directory(parent)) {
      throw UsageError(fmt::format("cannot create folder '{}': {}", parent.string(),
                                   ec ? ec.message() : std::string("not a folder")));
    }
  }
  return parent;
}

// --- AtomicDir ----------------------------------------------------------------

AtomicDir::AtomicDir(fs::path final_dir, bool force) : final_(std::move(final_dir)), force_(force) {
  if (final_.empty()) throw UsageError("output folder name is empty");
  if (!final_.has_filename()) final_ = final_.parent_path();  // "out/" -> "out"
  std::error_code ec;
  if (fs::exists(final_, ec) && !force_) {
    throw UsageError(fmt::format("output folder '{}' already exists; choose another --out or add --force to replace it",
                                 final_.string()));
  }
  const fs::path parent = prepare_parent(final_);
  temp_ = parent / fmt::format(".{}.tmp-{}", final_.filename().string(), ::getpid());
  fs::remove_all(temp_, ec);
  if (!fs::create_directory(temp_, ec)) {
    throw UsageError(fmt::format("cannot create folder '{}': {}", temp_.string(), ec.message()));
  }
}

AtomicDir::~AtomicDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
  }
}

void AtomicDir::write(std::string_view name, std::string_view content) const {
  std::ofstream out(file(name), std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.flush();
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", file(name).string()));
}

void AtomicDir::commit() {
  std::error_code ec;
  fs::path old;
  if (fs::exists(final_, ec)) {
    GEOSIM_ASSERT(force_, "existing output was checked in the constructor");
    // Move the old folder aside first, so a failure leaves one of the two whole.
    old = final_;
    old += fmt::format(".old-{}", ::getpid());
    fs::rename(final_, old);
  }
  fs::rename(temp_, final_);
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

// --- Progress -----------------------------------------------------------------

Progress::Progress(std::string label, std::size_t total, bool quiet, ProgressStyle style)
    : label_(std::move(label)),
      total_(total),
      enabled_(!quiet && total > 1 && ::isatty(STDERR_FILENO) && std::getenv("CI") == nullptr),
      style_(std::move(style)),
      lines_(!quiet && !enabled_ && total > 1 && style_.lines_when_piped),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::resume_from(std::size_t done) { base_ = std::min(done, total_); }

void Progress::advance(std::size_t done) {
  if (!(enabled_ || lines_) || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (lines_ && (done >= total_ || now - last_draw_ < std::chrono::seconds(5))) return;
  if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double new_done = static_cast<double>(done > base_ ? done - base_ : 0);
  const double rate = elapsed > 0 ? new_done / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0.0;
  if (lines_) {
    std::fprintf(stderr, "%s: %zu/%zu %s (%.0f%%), %.1f %s/s, ETA %.0fs\n", label_.c_str(), done, total_,
                 style_.unit.c_str(), 100 * fraction, rate, style_.unit.c_str(), eta);
    std::fflush(stderr);
    return;
  }
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '-');
  std::fprintf(stderr, "\r%s [%s] %zu/%zu  %3.0f%%  elapsed %.1fs  ETA %.1fs ", label_.c_str(), bar.c_str(), done,
               total_, 100 * fraction, elapsed, eta);
  if (!style_.unit.empty()) std::fprintf(stderr, " %.1f %s/s ", rate, style_.unit.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;  // line mode leaves no line open
  finished_ = true;
  std::fprintf(stderr, "\n");
}

// --- interruption -------------------------------------------------------------

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) { g_interrupted.store(true); }
}  // namespace

bool interrupted() noexcept { return g_interrupted.load(); }

void install_interrupt_handlers() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

// --- the run job ----------------------------------------------------------------

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", tm);
}

fs::path default_output_dir(const Scenario& scenario) {
  std::string stem = scenario.source_file.empty() ? std::string("geosim") : fs::path(scenario.source_file).stem().string();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  fs::path base = fmt::format("{}_{:%Y%m%d-%H%M%S}", stem, tm);
  fs::path candidate = base;
  for (int k = 2; fs::exists(candidate); ++k) candidate = fmt::format("{}-{}", base.string(), k);
  return candidate;
}

namespace {

void append_outcome_row(std::string& out, std::uint64_t run, std::string_view policy, std::uint64_t seed,
                        const std::vector<std::optional<double>>& values) {
  out += fmt::format("{},{},{}", run, policy, seed);
  for (const auto& v : values) {
    out += ',';
    if (v) out += format_number(*v);
  }
  out += '\n';
}

}  // namespace

RunReport run_job(const Scenario& scenario, std::string_view scenario_text, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = utc_timestamp();

  Scenario effective = with_policy(scenario, options.policy);
  if (options.steps) effective.time.steps = *options.steps;
  if (options.seed) effective.seed = *options.seed;
  const Model model = compile(effective);
  const std::uint64_t seed = effective.seed;

  AtomicDir dir(options.out.empty() ? default_output_dir(scenario) : options.out, options.force);

  std::ofstream agents(dir.file("agents.csv"), std::ios::binary);
  std::ofstream edges(dir.file("edges.csv"), std::ios::binary);
  agents << agents_csv_header();
  edges << edges_csv_header();
  std::string outcomes = "run,policy,seed";
  for (const OutcomeSpec& o : effective.outcomes) outcomes += "," + o.name;
  outcomes += '\n';

  // Runs go in chunks: each chunk runs in parallel, then is written in run
  // order, so files are identical for any thread count and memory stays bounded.
  // A run's rows are held in memory until written (about 110 bytes per agent
  // or edge row), so the chunk is also capped at roughly 512 MB of rows.
  const double bytes_per_run = 110.0 * static_cast<double>(model.steps) *
                               static_cast<double>(model.num_agents() + model.num_edges());
  const auto by_memory = static_cast<std::size_t>(std::max(1.0, 512e6 / std::max(bytes_per_run, 1.0)));
  const std::size_t chunk = std::max<std::size_t>(1, std::min(4 * concurrency(), by_memory));
  Progress progress(fmt::format("run {}", options.policy), options.runs, options.quiet);
  for (std::uint64_t begin = 0; begin < options.runs; begin += chunk) {
    if (interrupted()) throw Interrupted();
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, options.runs - begin));
    std::vector<std::unique_ptr<RunRecorder>> recorders(count);
    for_each_run(count, [&](std::size_t k, Simulator& sim) {
      const std::uint64_t run = begin + k;
      auto rec = std::make_unique<RunRecorder>(model, run);
      sim.run(model, RunKey{seed, run}, [&](const StepView& v) { rec->record(v); });
      recorders[k] = std::move(rec);
    });
    for (std::size_t k = 0; k < count; ++k) {
      agents << recorders[k]->agent_rows();
      edges << recorders[k]->edge_rows();
      append_outcome_row(outcomes, begin + k, options.policy, seed, recorders[k]->outcomes());
    }
    progress.advance(static_cast<std::size_t>(begin + count));
  }
  progress.finish();
  agents.close();
  edges.close();
  if (!agents || !edges) throw std::runtime_error("cannot write the result files (disk full?)");
  dir.write("outcomes.csv", outcomes);

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  nlohmann::ordered_json manifest;
  manifest["geosim_version"] = GEOSIM_VERSION;
  manifest["rule_set"] = "standard v1 (MODEL.md)";
  manifest["scenario"] = {{"name", effective.name},
                          {"file", scenario.source_file},
                          {"sha256", detail::sha256_hex(scenario_text)}};
  manifest["policy"] = options.policy;
  manifest["seed"] = seed;
  manifest["runs"] = options.runs;
  manifest["steps"] = effective.time.steps;
  manifest["dt"] = effective.time.dt;
  manifest["start_year"] = effective.time.start;
  manifest["threads"] = concurrency();  // the effective number, also when --threads is 0
  manifest["agents"] = model.num_agents();
  manifest["directed_edges"] = model.num_edges();
  manifest["parameters"] = detail::parameters_json(effective.parameters);
  manifest["outcomes"] = detail::outcomes_json(effective.outcomes);
  manifest["command"] = options.command_line;
  manifest["started_utc"] = started;
  manifest["duration_s"] = seconds;
  dir.write("manifest.json", manifest.dump(2) + "\n");

  if (interrupted()) throw Interrupted();
  dir.commit();
  return RunReport{dir.final_path(), options.runs, seconds};
}

}  // namespace geosim
