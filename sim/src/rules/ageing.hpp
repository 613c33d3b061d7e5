// Ageing and exit (ODD submodel 1): people past the exit age leave the working-age population.
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

/// Marks the agent in `slot` as exited if it was born on or before `exit_birth_day` (the step's
/// StepTables::exit_birth_day, read once per block); true if it did.
MIGSIM_INLINE bool leaves_working_age(std::size_t slot, std::uint8_t origin, std::int32_t exit_birth_day,
                                      const StepContext& c, Tally& tally) {
  if (c.agents.birth_day[slot] > exit_birth_day) return false;
  c.agents.status[slot] = kExited;
  tally.counts[out::kExits][origin] += 1;
  return true;
}

}  // namespace migsim::detail
