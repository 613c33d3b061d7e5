// Remittances and savings (ODD submodel "remittances"): a share of a positive net income is sent
// home, the rest saved; a loss is paid from savings (or added to debt).
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

MIGSIM_INLINE void remit_and_save(Agent& a, float net, const StepContext& c) {
  float& savings = c.agents.savings_usd[a.slot];
  if (net > 0) {
    const float remitted = net * c.t.remittance_share;
    a.tally.money[out::kRemittances][a.origin] += remitted;
    savings += net - remitted;
  } else {
    savings += net;
  }
}

}  // namespace migsim::detail
