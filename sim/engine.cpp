// The step loop. The only file that includes TBB: rule code is written per
// agent (rules.hpp) and never sees threads.
#include "geosim/engine.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/parallel_for.h>

#include "geosim/rules.hpp"

#include <optional>

namespace geosim {

void for_each_agent(std::size_t n, const std::function<void(std::size_t)>& fn) {
  // Small worlds are cheaper serially than the scheduling of tasks.
  constexpr std::size_t kGrain = 16;
  if (n <= kGrain) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  // Isolated: while a thread waits for this loop it must not pick up another
  // run's task (for_each_run), which would reuse its busy Simulator.
  tbb::this_task_arena::isolate([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, kGrain), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) fn(i);
    });
  });
}

void for_each_index(std::size_t n, const std::function<void(std::size_t)>& fn) {
  tbb::parallel_for(std::size_t{0}, n, [&](std::size_t k) { fn(k); });
}

std::size_t concurrency() {
  return tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
}

struct ThreadLimit::Impl {
  std::optional<tbb::global_control> control;
};

ThreadLimit::ThreadLimit(std::size_t threads) : impl_(std::make_unique<Impl>()) {
  if (threads > 0) impl_->control.emplace(tbb::global_control::max_allowed_parallelism, threads);
}
ThreadLimit::~ThreadLimit() = default;

void Simulator::prepare(const Model& model) {
  // assign() and resize() keep capacity: a worker that runs many models of
  // the same size allocates nothing after its first run.
  now_.agents.assign(model.initial.agents.begin(), model.initial.agents.end());
  now_.edges.assign(model.initial.edges.begin(), model.initial.edges.end());
  next_.agents.resize(model.initial.agents.size());
  next_.edges.resize(model.initial.edges.size());
  resize_for(model, derived_);
  resize_for(model, decisions_);
  beta0_.resize(model.num_edges());
}

void Simulator::run(const Model& model, RunKey key, const StepObserver& observe) {
  namespace rules = standard;
  prepare(model);
  const std::size_t n = model.num_agents();
  State& now = now_;
  State& next = next_;
  Derived& derived = derived_;
  Decisions& decisions = decisions_;
  std::vector<double>& beta0 = beta0_;

  for (int t = 0; t < model.steps; ++t) {
    // (1) events
    rules::apply_events(now, model, key, t);
    // (2) derive
    for_each_agent(n, [&](std::size_t i) { rules::derive_economy(now, model, static_cast<AgentId>(i), derived); });
    rules::derive_totals(now, model, derived);
    for_each_agent(n, [&](std::size_t i) { rules::derive_structure(now, model, static_cast<AgentId>(i), derived); });
    for_each_agent(n, [&](std::size_t i) { rules::derive_threats(now, model, static_cast<AgentId>(i), derived); });
    for_each_agent(n, [&](std::size_t i) { rules::derive_gaps(now, model, static_cast<AgentId>(i), derived); });
    if (t == 0) {  // β⁰: the disposition at step 0, after step-0 events
      for_each_agent(n, [&](std::size_t i) {
        const auto ai = static_cast<AgentId>(i);
        for (EdgeId e = model.graph.first_edge(ai); e < model.graph.end_edge(ai); ++e) {
          beta0[e] = rules::disposition(now, model, derived, 0, e);
        }
      });
    }
    // (3) decide
    for_each_agent(n, [&](std::size_t i) {
      rules::decide(now, model, derived, beta0, key, t, static_cast<AgentId>(i), decisions);
    });
    // Nothing infinite, NaN or negative where the model keeps a stock >= 0
    // may reach the record: the run stops here instead (ModelError).
    rules::check_numbers(now, model, derived, decisions, key, t);
    // (4) record
    if (observe) observe(StepView{model, key, t, model.start + t * model.dt, now, derived, decisions});
    // (5) update
    for_each_agent(n, [&](std::size_t i) {
      rules::update(now, model, derived, decisions, key, t, static_cast<AgentId>(i), next);
    });
    std::swap(now, next);
  }
}

void simulate(const Model& model, RunKey key, const StepObserver& observe) {
  Simulator sim;
  sim.run(model, key, observe);
}

void for_each_run(std::size_t count, const std::function<void(std::size_t, Simulator&)>& fn) {
  tbb::enumerable_thread_specific<Simulator> simulators;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    Simulator& sim = simulators.local();
    for (std::size_t k = r.begin(); k != r.end(); ++k) fn(k, sim);
  });
}

}  // namespace geosim
