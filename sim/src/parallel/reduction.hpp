// Gathering the queues of every rank's block tallies for the serial allocations.
#pragma once

#include <vector>

#include "engine/engine.hpp"

namespace migsim::detail {

/// Every rank's queue entries in one list: this rank's tallies, kept where `keep` says, then
/// gathered. The allocations sort the list fully, so the gathering order does not matter.
template <typename Entry, typename Keep>
std::vector<Entry> gather_queue(const Engine& e, std::vector<Entry> Tally::*queue, Keep&& keep) {
  std::vector<Entry> local;
  for (std::size_t lb = 0; lb < e.partition.local_blocks(e.n_agents); ++lb)
    for (const Entry& entry : e.tallies[lb].*queue)
      if (keep(entry)) local.push_back(entry);
  return e.comm.gather(local);
}

}  // namespace migsim::detail
