// Cluster over MPI_COMM_WORLD. Byte strings travel as MPI_BYTE with their
// lengths sent first; all calls are collectives made by the main thread.
#include "geosim/cluster_mpi.hpp"

#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace geosim {

namespace {

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw std::runtime_error(std::string("MPI: ") + what + " failed: " + std::string(text, text + length));
  }
}

int as_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("MPI: a message above 2 GiB (use smaller batches)");
  return static_cast<int>(n);
}

class MpiCluster final : public Cluster {
 public:
  MpiCluster(int& argc, char**& argv) {
    int provided = 0;
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    // Errors come back as codes (turned into exceptions) instead of aborting.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  MpiCluster(const MpiCluster&) = delete;
  MpiCluster& operator=(const MpiCluster&) = delete;
  ~MpiCluster() override { MPI_Finalize(); }

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }

  void broadcast(std::string& bytes) override {
    unsigned long long length = bytes.size();
    check(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
    bytes.resize(static_cast<std::size_t>(length));
    check(MPI_Bcast(bytes.data(), as_count(bytes.size()), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }

  std::vector<std::string> gather(const std::string& bytes) override {
    int length = as_count(bytes.size());
    std::vector<int> lengths(is_root() ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::vector<int> offsets(lengths.size());
    std::string all;
    if (is_root()) {
      std::size_t total = 0;
      for (std::size_t r = 0; r < lengths.size(); ++r) {
        offsets[r] = as_count(total);
        total += static_cast<std::size_t>(lengths[r]);
      }
      all.resize(total);
      as_count(total);
    }
    check(MPI_Gatherv(bytes.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(), MPI_BYTE, 0,
                      MPI_COMM_WORLD),
          "MPI_Gatherv");
    std::vector<std::string> parts;
    for (std::size_t r = 0; r < lengths.size(); ++r) {
      parts.emplace_back(all, static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r]));
    }
    return parts;
  }

  bool any(bool flag) override {
    int mine = flag ? 1 : 0, result = 0;
    check(MPI_Allreduce(&mine, &result, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
    return result != 0;
  }

  [[noreturn]] void abort(int status) override {
    MPI_Abort(MPI_COMM_WORLD, status);
    std::_Exit(status);  // MPI_Abort does not return; this is for the compiler
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

bool launched_by_mpi() noexcept {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

std::unique_ptr<Cluster> start_mpi(int& argc, char**& argv) {
  if (!launched_by_mpi()) return nullptr;
  return std::make_unique<MpiCluster>(argc, argv);
}

}  // namespace geosim
