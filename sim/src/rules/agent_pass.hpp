// The agent pass: the rules of one step composed in the order of docs/model.md (section 7,
// process overview). update_block runs them for a block of agents; everything here is inlined
// into one loop body, with no per-agent virtual calls. A rule reads the step's tables and the
// agent's own state only, so blocks are independent.
#pragma once

#include "rules/ageing.hpp"
#include "rules/bans.hpp"
#include "rules/context.hpp"
#include "rules/departure.hpp"
#include "rules/displacement.hpp"
#include "rules/draws.hpp"
#include "rules/enforcement.hpp"
#include "rules/fees.hpp"
#include "rules/legal_status.hpp"
#include "rules/naturalisation.hpp"
#include "rules/remittances.hpp"
#include "rules/return.hpp"
#include "rules/schemes.hpp"
#include "rules/stranding.hpp"
#include "rules/work.hpp"

namespace migsim::detail {

/// At home: the displaced wait, a displacement may take the agent, else the departure decision
/// and, failing it, a scheme application.
MIGSIM_INLINE void home_step(Agent& a, const StepContext& c) {
  if (a.status == kDisplaced) {
    displaced_step(a, c);
    return;
  }
  const float* cdf = &c.t.destination_cdf[(a.origin * kSkills + Traits::skill(a.traits)) * c.nD];
  if (displaced_now(a, cdf, c)) return;
  if (decides_to_leave(a, cdf, c)) return;
  apply_to_scheme(a, c);
}

/// The legal-status rules of the agent's status at the start of the step; returns where the
/// naturalisation interval of the legal-status draw starts, or kStepOver if the step ends here.
inline constexpr std::uint64_t kStepOver = ~std::uint64_t{0};
MIGSIM_INLINE std::uint64_t legal_status_step(Agent& a, const StepContext& c) {
  switch (a.status) {
    case kIrregular:
      if (detected(a, c)) return kStepOver;
      regularise(a, c);
      return 0;
    case kPermitHolder:
      permit_lapse_or_renewal(a, c);
      return c.pt.lapse;
    case kSchemeWorker:
      return scheme_stay_ends(a, c) ? kStepOver : 0;
    default:
      return 0;
  }
}

/// Abroad: custody and stranding first (nothing else happens to those people), then legal
/// status, naturalisation, work, fees, remittances and the return decision.
MIGSIM_INLINE void abroad_step(Agent& a, const StepContext& c) {
  if (a.status == kNaturalised) return;  // no longer a migrant: stays, and is only counted
  if (custody_step(a, c) || stranded_step(a, c)) return;
  const std::uint64_t natural_from = legal_status_step(a, c);
  if (natural_from == kStepOver || naturalises(a, natural_from, c)) return;
  work_step(a, c);
  float net = net_income(a, c);
  pay_fee(a, net, c);
  remit_and_save(a, net, c);
  if (a.status == kSchemeWorker) return;  // scheme workers go home when the stay ends
  return_step(a, c);
}

/// The step of agents [begin, end), held in slots from `first_slot`, counted into `tally`.
inline void update_block(std::size_t begin, std::size_t end, std::size_t first_slot, const StepContext& context,
                         Tally& tally) {
  // A local copy whose address never escapes (the cold rules take it by value): the compiler keeps
  // its fields in registers instead of reloading them after every byte stored into the agents.
  const StepContext c = context;
  AgentStore& agents = c.agents;
  const std::int32_t exit_birth_day = c.t.exit_birth_day;
  DrawBlock draws;
  for (std::size_t first = begin; first < end; first += DrawBlock::kLanes) {
    c.rng.fill(Stream::AgentStep, first, c.step, draws);  // cheaper in bulk than one agent at a time
    const std::size_t last = std::min(end, first + DrawBlock::kLanes);
    for (std::size_t id = first; id < last; ++id) {
      const std::size_t i = first_slot + (id - begin);
      const std::uint8_t status = agents.status[i];
      if (status == kExited) continue;
      const std::uint8_t origin = agents.origin[i];
      if (leaves_working_age(i, origin, exit_birth_day, c, tally)) continue;
      const std::size_t lane = id - first;
      const std::uint8_t location = agents.location[i], traits = agents.traits[i];
      Agent a{id,
              i,
              origin,
              status,
              location,
              traits,
              {draws.v[0][lane], draws.v[1][lane], draws.v[2][lane], draws.v[3][lane]},
              tally};
      if (Traits::banned(a.traits)) [[unlikely]]
        lift_and_count_bans(a, c);
      if (status < kResident)
        home_step(a, c);
      else
        abroad_step(a, c);
      // Most agents change nothing in a step: storing only changes keeps their cache lines clean,
      // which saves memory bandwidth when the arrays do not fit in cache.
      if (a.status != status) agents.status[i] = a.status;
      if (a.location != location) agents.location[i] = a.location;
      if (a.traits != traits) agents.traits[i] = a.traits;
      tally.counts[out::kStock][c.shape.stock(origin, a.location, a.status)] += 1;
      if (a.status >= kResident && Traits::employed(a.traits))
        tally.counts[out::kEmployed][c.shape.origin_location(origin, a.location)] += 1;
    }
  }
}

}  // namespace migsim::detail
