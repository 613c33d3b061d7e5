// Remittances held back by a transfer_disruption (docs/model.md 7.5): the agent pass tallies what
// could not be sent during the step; here, after the money is summed over blocks and ranks (so
// alike on every rank and for any thread count), it joins what was held before, and where no
// disruption covers the region a share of it is sent home.
#include <cmath>

#include "engine/engine.hpp"

namespace migsim::detail {

void release_held_transfers(const Engine& e, StepAggregates& next, double step_days) {
  const OutputShape shape = e.shape();
  const double weeks = e.scenario.params.remittance_catch_up_weeks;
  const double sent_share = weeks > 0 ? 1.0 - std::exp(-step_days / 7.0 / weeks) : 1.0;
  for (std::size_t d = 0; d < e.nD(); ++d) {
    const bool disrupted = e.tables.transfers_held[d] > 0;
    for (std::size_t o = 0; o < e.nO(); ++o) {
      const std::size_t i = shape.location_origin(e.nO() + d, o);
      double& held = next.remittances_held_usd[i];
      held += e.current.remittances_held_usd[i];
      if (disrupted || held == 0) continue;
      const double sent = held < 1.0 ? held : held * sent_share;  // no endless tail of cents
      next.remittances_usd[o] += sent;
      held -= sent;
    }
  }
}

}  // namespace migsim::detail
