// The processes an experiment is spread over.
//
// A sweep or a comparison runs in one process (single_process(), the
// default) or in the ranks of an MPI job (cluster_mpi.hpp, built with
// GEOSIM_WITH_MPI). Experiment code talks to this interface only, so it
// never sees MPI: every rank computes its share of each batch of runs with
// TBB threads, the root (rank 0) gathers the results and is the only process
// that touches files. Runs are pure functions of (scenario, seed, run index),
// so the rows do not depend on the number of ranks.
//
// Rules for code that uses a Cluster (sweep.cpp, compare.cpp):
// - every rank makes the same sequence of collective calls (broadcast,
//   gather, any), in the same order;
// - work that only the root does (opening the database, writing files) goes
//   through on_root(), which turns its failure into the same failure on
//   every rank, so that no rank waits forever for one that gave up.
#pragma once

#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace geosim {

class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;
  bool is_root() const noexcept { return rank() == 0; }

  /// Collective: every rank ends with the root's `bytes`.
  virtual void broadcast(std::string& bytes) = 0;
  /// Collective: the root gets every rank's `bytes` in rank order (its own
  /// first); the other ranks get an empty vector.
  virtual std::vector<std::string> gather(const std::string& bytes) = 0;
  /// Collective: true on every rank when `flag` is true on any rank.
  virtual bool any(bool flag) = 0;
  /// Ends every process of the job with `status`: for a failure that one
  /// rank cannot share with the others (a bug, memory exhausted).
  [[noreturn]] virtual void abort(int status) = 0;
};

/// The one-process cluster: broadcast and any() return what they are given.
Cluster& single_process();

/// Thrown on every rank by on_root() when the root's work failed. On the
/// root it carries the original exception (to be reported as usual); on the
/// other ranks only the exit status, since the root reports the error.
class SharedFailure : public std::runtime_error {
 public:
  SharedFailure(int status, std::exception_ptr original)
      : std::runtime_error("failure on rank 0"), status_(status), original_(std::move(original)) {}
  int status() const noexcept { return status_; }
  /// The root's exception; null on the other ranks.
  const std::exception_ptr& original() const noexcept { return original_; }

 private:
  int status_;
  std::exception_ptr original_;
};

/// The exit status an exception maps to (docs/cli.md): 2 for invalid input
/// or usage (ScenarioError, UsageError), 130 for Interrupted, 1 otherwise.
int exit_status(const std::exception_ptr& e) noexcept;

/// Runs `work` on the root only (collective). With one process it just runs
/// `work`, and its exceptions pass through unchanged. With several, a
/// failure on the root is thrown on every rank as SharedFailure.
void on_root(Cluster& cluster, const std::function<void()>& work);

/// The contiguous share of `count` items that `rank` of `size` takes:
/// [begin, end). Shares differ in length by at most one; joined in rank
/// order they give the items in their original order.
struct Share {
  std::size_t begin = 0;
  std::size_t end = 0;
};
Share share_of(std::size_t count, int rank, int size) noexcept;

}  // namespace geosim
