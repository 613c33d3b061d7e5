#include "parallel/communicator.hpp"

#include <chrono>
#include <cstdlib>

#include "migsim/distributed.hpp"
#include "migsim/errors.hpp"

#ifdef MIGSIM_WITH_MPI
#include <mpi.h>
#endif

namespace migsim {

namespace {

#ifdef MIGSIM_WITH_MPI
bool mpi_in_use() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  return initialised && !finalised;
}

/// Finalises MPI at exit if migsim initialised it (mpi4py finalises what it initialised).
void finalise_at_exit() {
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

void initialise_mpi() {
  if (mpi_in_use()) return;
  int provided = 0;
  // Only the calling thread talks to MPI: TBB workers never do.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw Error("MPI: MPI_Init_thread failed");
  std::atexit(finalise_at_exit);
}

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, message, &length);
  throw Error(std::string("MPI: ") + what + " failed: " + std::string(message, static_cast<std::size_t>(length)));
}
#endif

/// Times a collective into the communicator's counter.
class Stopwatch {
 public:
  explicit Stopwatch(double& total) : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  double& total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

bool mpi_available() {
#ifdef MIGSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpi() {
  // Open MPI's mpirun, MPICH's hydra, PMIx launchers and Slurm's srun each set one of these.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(name)) return true;
  return false;
}

int world_rank() {
#ifdef MIGSIM_WITH_MPI
  if (!mpi_in_use()) return 0;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
#else
  return 0;
#endif
}

int world_size() {
#ifdef MIGSIM_WITH_MPI
  if (!mpi_in_use()) return 1;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
#else
  return 1;
#endif
}

void abort_distributed_run(int code) {
#ifdef MIGSIM_WITH_MPI
  if (world_size() > 1) MPI_Abort(MPI_COMM_WORLD, code);
#else
  (void)code;
#endif
}

namespace detail {

Communicator Communicator::world() {
#ifdef MIGSIM_WITH_MPI
  initialise_mpi();
  Communicator c;
  MPI_Comm_rank(MPI_COMM_WORLD, &c.rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &c.size_);
  return c;
#else
  throw Error(
      "this build of migsim has no MPI support: install Open MPI (Debian: libopenmpi-dev openmpi-bin) and "
      "rebuild; see docs/distributed.md");
#endif
}

void Communicator::sum(std::span<std::int64_t> values) const {
  if (!distributed() || values.empty()) return;
#ifdef MIGSIM_WITH_MPI
  Stopwatch watch(seconds_);
  check(
      MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
      "MPI_Allreduce");
#endif
}

std::vector<std::byte> Communicator::gather_bytes(std::span<const std::byte> local) const {
  if (!distributed()) return {local.begin(), local.end()};
#ifdef MIGSIM_WITH_MPI
  Stopwatch watch(seconds_);
  const auto n = static_cast<std::size_t>(size_);
  std::vector<int> counts(n), offsets(n);
  const int mine = static_cast<int>(local.size());
  check(MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
  std::size_t total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    offsets[r] = static_cast<int>(total);
    total += static_cast<std::size_t>(counts[r]);
  }
  std::vector<std::byte> all(total);
  check(
      MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), counts.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD),
      "MPI_Allgatherv");
  return all;
#else
  return {local.begin(), local.end()};
#endif
}

}  // namespace detail
}  // namespace migsim
