// Remittances and savings (ODD submodel "remittances"): a share of a positive net income is sent
// home, the rest saved; a loss is paid from savings (or added to debt); a migrant whose income falls
// short of its family's usual remittance makes it up from savings (family_support_share). Where transfers are
// disrupted, part of what is sent is held (tallied apart, released after the pass: engine/transfers.cpp).
// A migrant kept from going home by a closed border sends the savings it would have carried.
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

/// Sends `usd` home by recorded transfer; where transfers are disrupted a share is held instead.
MIGSIM_INLINE void send_home(Agent& a, float usd, const StepContext& c) {
  if (c.t.any_transfers_held) [[unlikely]] {
    const float held = usd * c.t.transfers_held[c.destination(a)];
    a.tally.money[out::kRemittances][a.origin] += usd - held;
    a.tally.money[out::kRemittancesHeld][c.shape.location_origin(a.location, a.origin)] += held;
  } else {
    a.tally.money[out::kRemittances][a.origin] += usd;
  }
}

/// Makes up from savings, while they last, what this step's remittance `remitted` falls short of the family's
/// usual amount times family_support_share (7.6). Out of line: off in the built-in scenarios.
MIGSIM_COLD inline void support_family(Agent& a, float remitted, StepContext c) {
  const float usual =
      c.t.family_support_usd[(c.destination(a) * kSkills + Traits::skill(a.traits)) * 2 + (a.status == kIrregular)];
  float& savings = c.agents.savings_usd[a.slot];
  const float shortfall = std::min(usual - remitted, savings);
  if (shortfall <= 0) return;
  send_home(a, shortfall, c);
  savings -= shortfall;
}

MIGSIM_INLINE void remit_and_save(Agent& a, float net, const StepContext& c) {
  float& savings = c.agents.savings_usd[a.slot];
  float remitted = 0;
  if (net > 0) {
    remitted = net * c.t.remittance_share;
    send_home(a, remitted, c);
    savings += net - remitted;
  } else {
    savings += net;
  }
  if (c.t.any_family_support) [[unlikely]]
    support_family(a, remitted, c);
}

/// A migrant who would have gone home today but waits for a closed border sends home the savings
/// it does not need to wait (hold_out_usd): the cash a return would have carried home (7.6).
MIGSIM_INLINE void send_savings_instead_of_carrying(Agent& a, std::size_t d, const StepContext& c) {
  float& savings = c.agents.savings_usd[a.slot];
  const float spare = (savings - c.t.hold_out_usd[d]) * c.t.closure_savings_share;
  if (spare <= 0) return;
  send_home(a, spare, c);
  savings -= spare;
}

}  // namespace migsim::detail
