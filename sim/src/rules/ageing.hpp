// Ageing and exit (ODD submodel 1): people past the exit age leave the working-age population.
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

/// Marks the agent in `slot` as exited if it is past working age; true if it did.
MIGSIM_INLINE bool leaves_working_age(std::size_t slot, std::uint8_t origin, const StepContext& c, Tally& tally) {
  if (c.agents.birth_day[slot] > c.t.exit_birth_day) return false;
  c.agents.status[slot] = kExited;
  tally.counts[out::kExits][origin] += 1;
  return true;
}

}  // namespace migsim::detail
