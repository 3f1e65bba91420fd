#include "geosim/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <future>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "geosim/cluster.hpp"
#include "geosim/design.hpp"
#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/output.hpp"
#include "sha256.hpp"
#include "wire.hpp"

namespace geosim {
namespace fs = std::filesystem;

namespace {

double parse_number(std::string_view text, std::string_view whole) {
  double v = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end || !std::isfinite(v)) {
    throw UsageError(fmt::format("--param '{}': '{}' is not a finite number (example: "
                                 "--param agents.MNG.weights.autonomy=0.5:2 or --param parameters.commitment=0.25,0.5)",
                                 whole, text));
  }
  return v;
}

nlohmann::ordered_json dimensions_json(const SweepSpec& spec) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const SweepDimension& d : spec.parameters) {
    nlohmann::ordered_json e;
    e["path"] = d.path;
    if (!d.values.empty()) {
      e["values"] = d.values;
    } else {
      e["min"] = d.min.value_or(0);
      e["max"] = d.max.value_or(0);
    }
    j.push_back(e);
  }
  return j;
}

std::string default_db(const Scenario& s) {
  const std::string stem = s.source_file.empty() ? std::string("geosim") : fs::path(s.source_file).stem().string();
  return stem + "_sweep.db";
}

}  // namespace

SweepDimension parse_sweep_param(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    throw UsageError(fmt::format("--param '{}' needs the form PATH=MIN:MAX or PATH=V1,V2,... "
                                 "(example: --param parameters.commitment=0.25,0.5,0.75)",
                                 text));
  }
  SweepDimension d;
  d.path = std::string(text.substr(0, eq));
  const std::string_view rhs = text.substr(eq + 1);
  if (const auto colon = rhs.find(':'); colon != std::string_view::npos) {
    d.min = parse_number(rhs.substr(0, colon), text);
    d.max = parse_number(rhs.substr(colon + 1), text);
    if (*d.min > *d.max) throw UsageError(fmt::format("--param '{}': min is larger than max", text));
  } else {
    std::size_t start = 0;
    while (start <= rhs.size()) {
      const auto comma = rhs.find(',', start);
      const std::string_view item = rhs.substr(start, comma == std::string_view::npos ? rhs.npos : comma - start);
      d.values.push_back(parse_number(item, text));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return d;
}

SweepSpec effective_sweep(const Scenario& scenario, const SweepOptions& options) {
  SweepSpec spec = scenario.sweep.value_or(SweepSpec{});
  if (!scenario.sweep && options.params.empty()) {
    throw UsageError(fmt::format("{} has no `sweep:` section; give the dimensions with --param "
                                 "(example: --param parameters.commitment=0.25,0.5,0.75)",
                                 scenario.source_file.empty() ? scenario.name : scenario.source_file));
  }
  if (options.design) spec.design = *options.design;
  if (options.samples) spec.samples = static_cast<int>(*options.samples);
  if (options.replicates) spec.replicates = static_cast<int>(*options.replicates);
  if (!options.params.empty()) spec.parameters = options.params;
  if (spec.samples < 1 || spec.replicates < 1) throw UsageError("--samples and --replicates must be at least 1");
  for (const SweepDimension& d : spec.parameters) {
    if (const std::string problem = check_patch_path(scenario, d.path); !problem.empty()) {
      throw UsageError(fmt::format("sweep parameter: {}", problem));
    }
  }
  return spec;
}

SweepReport run_sweep(const Scenario& scenario, std::string_view scenario_text, const SweepOptions& options,
                      Cluster& cluster) {
  const auto t0 = std::chrono::steady_clock::now();
  const Scenario base = with_policy(scenario, options.policy);
  const SweepSpec spec = effective_sweep(scenario, options);
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const std::vector<DesignPoint> points = design_points(spec, seed);
  const auto replicates = static_cast<std::uint64_t>(spec.replicates);

  // Every point must be a valid scenario before anything runs.
  auto point_scenario = [&](std::size_t p) {
    Scenario s = base;
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const std::string error = apply_patch(s, spec.parameters[k].path, points[p].values[k]);
      if (!error.empty()) throw UsageError(fmt::format("sweep point {}: {}", p, error));
    }
    return s;
  };
  for (std::size_t p = 0; p < points.size(); ++p) {
    const std::vector<std::string> problems = check_values(point_scenario(p));
    if (!problems.empty()) {
      throw UsageError(fmt::format("sweep point {} is not a valid scenario: {}", p, problems.front()));
    }
  }

  ExperimentInfo info;
  info.kind = "sweep";
  info.scenario_name = scenario.name;
  info.scenario_file = scenario.source_file;
  info.scenario_text = std::string(scenario_text);
  info.scenario_sha256 = detail::sha256_hex(scenario_text);
  info.design = std::string(to_string(spec.design));
  info.samples = static_cast<std::uint64_t>(spec.samples);
  info.replicates = replicates;
  info.seed = seed;
  for (const SweepDimension& d : spec.parameters) info.dimensions.push_back(d.path);
  info.parameters_json = dimensions_json(spec).dump();
  info.policies_json = nlohmann::json::array({options.policy}).dump();
  info.series = options.series;
  info.geosim_version = GEOSIM_VERSION;
  info.command_line = options.command_line;
  for (const OutcomeSpec& o : base.outcomes) info.outcome_names.push_back(o.name);

  const fs::path db = options.db.empty() ? fs::path(default_db(scenario)) : options.db;
  SweepReport report;
  report.db = db;
  report.points = points.size();
  report.replicates = replicates;
  report.total = points.size() * replicates;

  // The root opens the database and sends every rank the plan: the batch
  // size and the runs still to do, in run-id order.
  std::optional<ResultStore> store;
  std::string plan;
  on_root(cluster, [&] {
    store.emplace(options.resume ? ResultStore::open_for_resume(db, info) : ResultStore::create(db, info));
    std::vector<std::vector<double>> values;
    values.reserve(points.size());
    for (const DesignPoint& p : points) values.push_back(p.values);
    store->write_points(values);
    const std::vector<std::uint64_t> done_ids = store->done_run_ids();
    const std::unordered_set<std::uint64_t> done(done_ids.begin(), done_ids.end());
    detail::WireWriter w;
    const std::size_t per_rank = options.batch ? options.batch : std::max<std::size_t>(256, 64 * concurrency());
    w.u64(per_rank * static_cast<std::size_t>(cluster.size()));
    w.u64(done.size());
    w.u64(report.total - done.size());
    for (std::uint64_t id = 0; id < report.total; ++id) {
      if (!done.count(id)) w.u64(id);
    }
    plan = w.take();
  });
  cluster.broadcast(plan);
  detail::WireReader reader(plan);
  const auto batch_size = static_cast<std::size_t>(reader.u64());
  report.skipped = reader.u64();
  std::vector<std::uint64_t> todo(static_cast<std::size_t>(reader.u64()));
  for (std::uint64_t& id : todo) id = reader.u64();

  const bool keep_rows = options.series != SeriesSelection::kNone;
  Progress progress("sweep", report.total, options.quiet || !cluster.is_root(), ProgressStyle{"runs", true});
  progress.resume_from(static_cast<std::size_t>(report.skipped));
  std::uint64_t completed = report.skipped;
  std::string first_error;
  bool stopped = false;
  // The root writes each batch while the next one is computed: one write in
  // flight at a time, on a thread of its own (SQLite blocks on the disk, which
  // must not hold up a TBB worker). Declared after `store`, so that leaving
  // early waits for the write before the database closes.
  std::future<void> writing;
  std::size_t writing_count = 0;
  // A batch that cannot be stored (a full disk, an I/O error) stops the
  // sweep; the message says what is kept and how to go on.
  const auto stored_note = [&](const std::exception& e) {
    std::error_code ec;
    if (!fs::exists(db, ec)) return std::runtime_error(e.what());  // the file is gone: nothing to resume
    return std::runtime_error(fmt::format(
        "{}; the batch being written was not stored, and the {} runs stored before are intact in {}: continue with "
        "the same command and --resume",
        e.what(), completed, db.string()));
  };
  const auto finish_write = [&] {
    if (!writing.valid()) return;
    try {
      writing.get();  // a failed write throws here
    } catch (const UsageError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw stored_note(e);
    }
    completed += writing_count;
    progress.advance(static_cast<std::size_t>(completed));
  };
  for (std::size_t begin = 0; begin < todo.size(); begin += batch_size) {
    if (cluster.any(interrupted())) {
      stopped = true;
      break;
    }
    // This rank's share of the batch, and the models of the points it touches.
    const std::size_t batch_end = std::min(todo.size(), begin + batch_size);
    const Share mine = share_of(batch_end - begin, cluster.rank(), cluster.size());
    const std::span<const std::uint64_t> ids(todo.data() + begin + mine.begin, mine.end - mine.begin);
    std::vector<std::uint64_t> point_ids;
    for (std::uint64_t id : ids) {
      if (point_ids.empty() || point_ids.back() != id / replicates) point_ids.push_back(id / replicates);
    }
    std::vector<std::unique_ptr<Model>> models(point_ids.size());
    for_each_index(point_ids.size(), [&](std::size_t k) {
      models[k] = std::make_unique<Model>(compile(point_scenario(point_ids[k])));
    });
    std::vector<RunResult> results(ids.size());
    for_each_run(ids.size(), [&](std::size_t k, Simulator& sim) {
      const std::uint64_t id = ids[k];
      const std::uint64_t point = id / replicates, replicate = id % replicates;
      const Model& model = *models[static_cast<std::size_t>(
          std::lower_bound(point_ids.begin(), point_ids.end(), point) - point_ids.begin())];
      RunResult& r = results[k];
      r.key = RunKeyRow{id, point, replicate, options.policy, seed};
      const auto start = std::chrono::steady_clock::now();
      try {
        RunRecorder rec(model, id, keep_rows);
        sim.run(model, RunKey{seed, replicate}, [&](const StepView& v) { rec.record(v); });
        r.outcomes = rec.outcomes();
        if (keep_rows) r.agent_rows = rec.agent_rows();
        if (options.series == SeriesSelection::kAll) r.edge_rows = rec.edge_rows();
      } catch (const std::exception& e) {
        r.ok = false;
        r.error = *e.what() ? e.what() : "unknown error (an exception without a message)";
        r.outcomes.clear();
      }
      r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
    if (cluster.size() > 1) {
      // Shares joined in rank order are the batch in run-id order.
      std::vector<std::string> parts = cluster.gather(detail::encode_results(results));
      results.clear();
      for (const std::string& part : parts) detail::decode_results(part, results);
    }
    on_root(cluster, [&] {
      finish_write();
      for (const RunResult& r : results) {
        if (r.ok) {
          ++report.ok;
        } else {
          ++report.failed;
          if (first_error.empty()) first_error = fmt::format("run {} (point {}, replicate {}): {}", r.key.run_id,
                                                             r.key.point, r.key.replicate, r.error);
        }
      }
      if (options.fail_fast && !first_error.empty()) {
        try {
          store->write_batch(results);
        } catch (const UsageError&) {
          throw;
        } catch (const std::runtime_error& e) {
          throw stored_note(e);
        }
        store->close();
        throw std::runtime_error(fmt::format("sweep stopped (--fail-fast) at the first failed run: {}", first_error));
      }
      writing_count = results.size();
      // One transaction: the whole batch or nothing.
      writing = std::async(std::launch::async, [&store, batch = std::move(results)] { store->write_batch(batch); });
    });
  }
  on_root(cluster, [&] {
    finish_write();
    store->close();
  });
  progress.finish();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (stopped) {
    throw Interrupted(fmt::format("the {} runs finished are stored in {}; continue with the same command and --resume",
                                  completed, db.string()));
  }
  return report;
}

}  // namespace geosim
