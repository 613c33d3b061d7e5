// The processes of one distributed run (MPI ranks) as the engine sees them: who am I, how many
// are we, and the three collectives a step needs. Without MPI (or in a single-process run) it is
// a communicator of one, and every collective is a copy.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace migsim::detail {

class Communicator {
 public:
  /// A communicator of one process.
  Communicator() = default;
  /// MPI_COMM_WORLD, initialising MPI if nobody has yet (the CLI under mpirun, or Python
  /// without mpi4py). Throws migsim::Error if this build has no MPI.
  static Communicator world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }

  /// Element-wise sum over ranks, in place. Integer sums do not depend on the order.
  void sum(std::span<std::int64_t> values) const;

  /// Every rank's `local` bytes, concatenated in rank order, on every rank.
  std::vector<std::byte> gather_bytes(std::span<const std::byte> local) const;

  /// Every rank's items, concatenated in rank order, on every rank (trivially copyable items).
  template <typename T>
  std::vector<T> gather(const std::vector<T>& local) const {
    static_assert(std::is_trivially_copyable_v<T>);
    if (!distributed()) return local;
    const auto bytes = gather_bytes(std::as_bytes(std::span<const T>(local)));
    std::vector<T> all(bytes.size() / sizeof(T));
    if (!all.empty()) std::memcpy(all.data(), bytes.data(), bytes.size());
    return all;
  }

  /// Seconds spent in collectives so far (the communication share reported by benchmarks).
  double seconds_communicating() const { return seconds_; }

 private:
  int rank_ = 0;
  int size_ = 1;
  mutable double seconds_ = 0;
};

}  // namespace migsim::detail
