// Remittances and savings (ODD submodel "remittances"): a share of a positive net income is sent
// home, the rest saved; a loss is paid from savings (or added to debt). Where transfers are
// disrupted, part of what is sent is held (tallied apart, released after the pass: engine/transfers.cpp).
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

MIGSIM_INLINE void remit_and_save(Agent& a, float net, const StepContext& c) {
  float& savings = c.agents.savings_usd[a.slot];
  if (net > 0) {
    const float remitted = net * c.t.remittance_share;
    if (c.t.any_transfers_held) [[unlikely]] {
      const float held = remitted * c.t.transfers_held[c.destination(a)];
      a.tally.money[out::kRemittances][a.origin] += remitted - held;
      a.tally.money[out::kRemittancesHeld][c.shape.location_origin(a.location, a.origin)] += held;
    } else {
      a.tally.money[out::kRemittances][a.origin] += remitted;
    }
    savings += net - remitted;
  } else {
    savings += net;
  }
}

}  // namespace migsim::detail
