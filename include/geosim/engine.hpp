// The engine: runs the phases of MODEL.md in order, over all agents in
// parallel, reading one snapshot and writing the next.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "geosim/model.hpp"

namespace geosim {

/// Everything the record phase (MODEL.md §1 step 4) may read at step t: the
/// state after the step's events, what was derived from it, and the decision.
struct StepView {
  const Model& model;
  RunKey key;
  int step;
  double year;
  const State& state;
  const Derived& derived;
  const Decisions& decisions;
};

using StepObserver = std::function<void(const StepView&)>;

/// Calls `fn(i)` for every agent index i in [0, n).
///
/// Equivalent to the parallel execution of `for (i = 0; i < n; ++i) fn(i);`:
/// calls may run concurrently and in any order, so `fn` must write only slots
/// that belong to agent i. This is the only place geosim runs model code on
/// threads (TBB); the thread count is set once by the program (see
/// `geosim run --threads`).
void for_each_agent(std::size_t n, const std::function<void(std::size_t)>& fn);

/// Calls `fn(k)` for every k in [0, n), concurrently, like for_each_agent();
/// used for independent runs.
void for_each_index(std::size_t n, const std::function<void(std::size_t)>& fn);

/// The number of threads parallel loops may use now.
std::size_t concurrency();

/// Limits the threads geosim uses while the object lives (0 = all cores).
/// Create one, in main(), before any work; library code never sets it.
class ThreadLimit {
 public:
  explicit ThreadLimit(std::size_t threads);
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;
  ~ThreadLimit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Runs runs, reusing its buffers (state, derived values, decisions) from one
/// run to the next: after the first run of a given size it allocates nothing.
/// One Simulator serves one run at a time; give each worker its own (see
/// for_each_run()).
class Simulator {
 public:
  /// As simulate(), in this object's buffers.
  void run(const Model& model, RunKey key, const StepObserver& observe);

 private:
  void prepare(const Model& model);
  State now_, next_;
  Derived derived_;
  Decisions decisions_;
  std::vector<double> beta0_;
};

/// Calls `fn(k, sim)` for every k in [0, count), concurrently, with a
/// Simulator that belongs to the calling worker thread (so per-run buffers
/// are reused across the runs a worker does). Equivalent in results to
/// `for (k...) { Simulator s; fn(k, s); }`.
void for_each_run(std::size_t count, const std::function<void(std::size_t, Simulator&)>& fn);

/// Runs one run of `model` with the random numbers of `key`, for
/// model.steps steps, calling `observe` once per step after the decide phase
/// (the record phase). Deterministic: the same model and key give the same
/// calls whatever the number of threads.
void simulate(const Model& model, RunKey key, const StepObserver& observe);

}  // namespace geosim
