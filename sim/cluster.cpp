#include "geosim/cluster.hpp"

#include <cstdlib>
#include <string>

#include "geosim/error.hpp"
#include "geosim/output.hpp"

namespace geosim {

namespace {

class SingleProcess final : public Cluster {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  void broadcast(std::string&) override {}
  std::vector<std::string> gather(const std::string& bytes) override { return {bytes}; }
  bool any(bool flag) override { return flag; }
  [[noreturn]] void abort(int status) override { std::exit(status); }
};

}  // namespace

Cluster& single_process() {
  static SingleProcess cluster;
  return cluster;
}

int exit_status(const std::exception_ptr& e) noexcept {
  if (!e) return 0;
  try {
    std::rethrow_exception(e);
  } catch (const SharedFailure& f) {
    return f.status();
  } catch (const ScenarioError&) {
    return 2;
  } catch (const UsageError&) {
    return 2;
  } catch (const Interrupted&) {
    return 130;
  } catch (...) {
    return 1;
  }
}

void on_root(Cluster& cluster, const std::function<void()>& work) {
  if (cluster.size() == 1) {
    work();
    return;
  }
  std::exception_ptr failure;
  if (cluster.is_root()) {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  std::string status = std::to_string(exit_status(failure));
  cluster.broadcast(status);
  if (status != "0") throw SharedFailure(std::stoi(status), failure);
}

Share share_of(std::size_t count, int rank, int size) noexcept {
  const auto r = static_cast<std::size_t>(rank);
  const auto n = static_cast<std::size_t>(size);
  return Share{count * r / n, count * (r + 1) / n};
}

}  // namespace geosim
