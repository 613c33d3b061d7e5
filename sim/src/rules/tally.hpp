// What the agent rules write besides the agent itself: per-block counts of the output variables
// (in the output schema's layout) and the requests that the serial allocation markets decide
// after the pass (quota permits, scheme places, evacuation seats).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "migsim/outputs.hpp"

namespace migsim::detail {

/// Output variables counted by the rules, by their position in kOutputs.
namespace out {
inline constexpr std::size_t kStock = output_index("stock"), kDepartures = output_index("departures"),
                             kReturns = output_index("returns"), kEmployed = output_index("employed"),
                             kExits = output_index("exits"), kRemittances = output_index("remittances_usd"),
                             kRemittancesHeld = output_index("remittances_held_usd"),
                             kPermits = output_index("permits_issued"), kDetentions = output_index("detentions"),
                             kDeportations = output_index("deportations"), kBans = output_index("bans_active"),
                             kBlocked = output_index("blocked_departures"), kEvacuated = output_index("evacuated"),
                             kNaturalised = output_index("naturalised"), kFees = output_index("fees_paid");
}  // namespace out

enum class Application : std::uint8_t { Arrival, Renewal, Regularisation };

/// A request for a quota permit.
struct QuotaApplicant {
  std::uint32_t priority;
  std::uint32_t id;
  std::int16_t pool;
  std::uint8_t destination;
  std::uint8_t sector;
  Application kind;
};

struct SchemeApplicant {
  std::uint32_t priority;
  std::uint32_t id;
  std::uint16_t scheme;
};

struct StrandedPerson {
  std::int32_t since;
  std::uint32_t priority;
  std::uint32_t id;
  std::int16_t pool;
};

/// Per-block counts in agents (int32: a block holds at most 16384 agents) and money in USD per
/// agent, for the variables the schema marks as tallied; summed block by block in index order.
struct Tally {
  std::array<std::vector<std::int32_t>, kOutputs.size()> counts;
  std::array<std::vector<double>, kOutputs.size()> money;
  std::vector<QuotaApplicant> quota_applicants;
  std::vector<SchemeApplicant> scheme_applicants;
  std::vector<StrandedPerson> stranded;

  void resize(const OutputShape& shape) {
    for (std::size_t k = 0; k < kOutputs.size(); ++k) {
      if (kOutputs[k].source != OutputSource::Tallied) continue;
      if (kOutputs[k].counts) counts[k].assign(shape.size(kOutputs[k]), 0);
      if (kOutputs[k].reals) money[k].assign(shape.size(kOutputs[k]), 0.0);
    }
  }
  void clear() {
    for (auto& v : counts) std::fill(v.begin(), v.end(), 0);
    for (auto& v : money) std::fill(v.begin(), v.end(), 0.0);
    quota_applicants.clear();
    scheme_applicants.clear();
    stranded.clear();
  }
};

}  // namespace migsim::detail
