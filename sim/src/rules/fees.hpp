// Patent fees (ODD submodel "fees"): permit holders pay the monthly fee every step from earnings
// or savings; a holder who cannot pay lets the patent lapse and becomes irregular.
#pragma once

#include "rules/context.hpp"

namespace migsim::detail {

inline constexpr std::int32_t kPrepaidDays = 30;  ///< a patent's first month is paid on issue

/// Pays this step's fee out of `net` (USD), or lets the patent lapse.
MIGSIM_INLINE void pay_fee(Agent& a, float& net, const StepContext& c) {
  if (a.status != kPermitHolder) return;
  const float fee = c.pt.fee_usd[c.od(a, c.destination(a))];
  if (!(fee > 0)) return;
  // The first month is paid when the patent is issued (Moscow 2015: "за первый месяц"), so a
  // newcomer still looking for work carries the fee as debt; later, not paying ends the patent.
  if (Traits::employed(a.traits) || c.agents.savings_usd[a.slot] >= fee ||
      c.t.today - c.agents.moved_day[a.slot] < kPrepaidDays) {
    net -= fee;
    a.tally.money[out::kFees][a.location] += fee;
  } else {
    a.status = kIrregular, c.agents.status_day[a.slot] = c.t.today;
  }
}

}  // namespace migsim::detail
