// Engine benchmarks (docs/performance.md):
//  * one run of scenarios/mongolia_2019.yaml (30 steps), scenario loaded once,
//    compute only and with CSV recording;
//  * scenarios/world_2019.yaml (every state with data, generated from the
//    shared data by tools/world/make_world.py) over 100 steps on 1, 2, 4, 8
//    and 16 threads;
//  * a synthetic world of 200 states and 10,000 relations over 100 steps, on
//    1 and 2 threads (agent-steps/s, edge-updates/s).
#include <benchmark/benchmark.h>

#include <memory>

#include "geosim/engine.hpp"
#include "geosim/load.hpp"
#include "geosim/observe.hpp"
#include "geosim/synthetic.hpp"

namespace {

const geosim::Model& mongolia() {
  static const geosim::Model model =
      geosim::compile(geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/mongolia_2019.yaml"));
  return model;
}

const geosim::Model& world(std::size_t agents, std::size_t relations) {
  static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<geosim::Model>> cache;
  auto& slot = cache[{agents, relations}];
  if (!slot) slot = std::make_unique<geosim::Model>(geosim::compile(geosim::make_synthetic_world(agents, relations, 100)));
  return *slot;
}

void set_counters(benchmark::State& state, const geosim::Model& m) {
  const double steps = static_cast<double>(m.steps) * static_cast<double>(state.iterations());
  state.counters["agent_steps/s"] =
      benchmark::Counter(steps * static_cast<double>(m.num_agents()), benchmark::Counter::kIsRate);
  state.counters["edge_updates/s"] =
      benchmark::Counter(steps * static_cast<double>(m.num_edges()), benchmark::Counter::kIsRate);
}

void BM_MongoliaRun(benchmark::State& state) {
  const geosim::ThreadLimit limit(1);
  const geosim::Model& m = mongolia();
  std::uint64_t run = 0;
  for (auto _ : state) {
    std::size_t steps = 0;
    geosim::simulate(m, {m.scenario.seed, run++}, [&](const geosim::StepView&) { ++steps; });
    benchmark::DoNotOptimize(steps);
  }
  set_counters(state, m);
}
BENCHMARK(BM_MongoliaRun)->Unit(benchmark::kMicrosecond);

void BM_MongoliaRunRecorded(benchmark::State& state) {
  const geosim::ThreadLimit limit(1);
  const geosim::Model& m = mongolia();
  std::uint64_t run = 0;
  for (auto _ : state) {
    geosim::RunRecorder rec(m, run);
    geosim::simulate(m, {m.scenario.seed, run++}, [&](const geosim::StepView& v) { rec.record(v); });
    benchmark::DoNotOptimize(rec.edge_rows().size());
  }
  set_counters(state, m);
}
BENCHMARK(BM_MongoliaRunRecorded)->Unit(benchmark::kMicrosecond);

const geosim::Model& world_2019() {
  static const geosim::Model model =
      geosim::compile(geosim::load_scenario(std::string(GEOSIM_SOURCE_DIR) + "/scenarios/world_2019.yaml"));
  return model;
}

// Argument: threads. The scenario's 100 steps, no output.
void BM_World2019(benchmark::State& state) {
  const geosim::ThreadLimit limit(static_cast<std::size_t>(state.range(0)));
  const geosim::Model& m = world_2019();
  std::uint64_t run = 0;
  for (auto _ : state) {
    std::size_t steps = 0;
    geosim::simulate(m, {m.scenario.seed, run++}, [&](const geosim::StepView&) { ++steps; });
    benchmark::DoNotOptimize(steps);
  }
  set_counters(state, m);
  state.counters["agents"] = static_cast<double>(m.num_agents());
  state.counters["edges"] = static_cast<double>(m.num_edges());
}
BENCHMARK(BM_World2019)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Arg(4)
    ->Arg(8)
    ->Arg(16)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

// Arguments: agents, relations, threads.
void BM_SyntheticWorld(benchmark::State& state) {
  const auto agents = static_cast<std::size_t>(state.range(0));
  const auto relations = static_cast<std::size_t>(state.range(1));
  const geosim::ThreadLimit limit(static_cast<std::size_t>(state.range(2)));
  const geosim::Model& m = world(agents, relations);
  for (auto _ : state) {
    std::size_t steps = 0;
    geosim::simulate(m, {m.scenario.seed, 0}, [&](const geosim::StepView&) { ++steps; });
    benchmark::DoNotOptimize(steps);
  }
  set_counters(state, m);
}
BENCHMARK(BM_SyntheticWorld)
    ->ArgNames({"agents", "relations", "threads"})
    ->Args({200, 10000, 1})
    ->Args({200, 10000, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
