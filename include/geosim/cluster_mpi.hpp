// The MPI implementation of Cluster (cluster.hpp), built only with the CMake
// option GEOSIM_WITH_MPI. Nothing else in geosim includes <mpi.h>.
#pragma once

#include <memory>

#include "geosim/cluster.hpp"

namespace geosim {

/// True when this process was started by an MPI launcher (mpirun/mpiexec of
/// Open MPI, or Slurm's srun with PMI or PMIx): it then has rank variables
/// in its environment.
bool launched_by_mpi() noexcept;

/// Initialises MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI, TBB
/// workers never do) and returns the cluster of MPI_COMM_WORLD; MPI is
/// finalised when the returned object is destroyed. Returns null, without
/// touching MPI, when launched_by_mpi() is false, so that a plain
/// `geosim sweep` pays nothing for an MPI build.
std::unique_ptr<Cluster> start_mpi(int& argc, char**& argv);

}  // namespace geosim
