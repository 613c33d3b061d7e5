// Which agents a rank holds. Agents are dealt to ranks block by block, round robin (block b on
// rank b % ranks), so entrants, appended at the end, spread evenly; each rank stores its blocks
// contiguously. With one rank the slot of an agent is its id.
#pragma once

#include <algorithm>
#include <cstddef>

namespace migsim::detail {

/// Agents per block: the unit of parallel work and of ordered reduction. Fixed, so that the
/// floating-point sums do not depend on the number of threads.
inline constexpr std::size_t kBlockSize = 16384;

struct Partition {
  std::size_t rank = 0, ranks = 1;

  static std::size_t blocks_of(std::size_t n) { return (n + kBlockSize - 1) / kBlockSize; }
  /// Blocks of the first n agents that rank r holds: global blocks r, r + ranks, ...
  std::size_t blocks_held(std::size_t n, std::size_t r) const {
    const std::size_t blocks = blocks_of(n);
    return blocks > r ? (blocks - r + ranks - 1) / ranks : 0;
  }
  std::size_t local_blocks(std::size_t n) const { return blocks_held(n, rank); }
  std::size_t global_block(std::size_t local_block) const { return local_block * ranks + rank; }
  bool holds(std::size_t id) const { return (id / kBlockSize) % ranks == rank; }
  std::size_t slot_of(std::size_t id) const { return (id / kBlockSize / ranks) * kBlockSize + id % kBlockSize; }
  /// Slots needed for this rank's share of the first n agents (its last block may be partial).
  std::size_t local_size(std::size_t n) const {
    const std::size_t blocks = local_blocks(n);
    if (blocks == 0) return 0;
    const std::size_t last_begin = global_block(blocks - 1) * kBlockSize;
    return (blocks - 1) * kBlockSize + std::min(kBlockSize, n - last_begin);
  }
};

}  // namespace migsim::detail
