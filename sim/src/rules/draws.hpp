// Which random draw feeds which rule: the one place where the draws of an agent's step are
// allocated. Every draw is a pure function of (seed, stream, agent id, step, block), so a rule
// that takes a draw shifts no other rule's draws.
//
// Stream::AgentStep, block 0 (computed for 64 agents at once, so always available), four 32-bit
// words u[0..3]. An agent is either at home or abroad in a step, so the two sides reuse them:
//
//   word  at home                                abroad
//   u[0]  departure hazard (departure.hpp)       job loss, job finding or a recall (work.hpp)
//   u[1]  destination pick (departure.hpp)       legal-status interval (below)
//   u[2]  displaced this step (displacement.hpp) sector of a job found (work.hpp)
//   u[3]  scheme application (schemes.hpp)       return hazard; an overstay ban is recorded in a
//                                                sub-interval of the return interval (return.hpp);
//                                                for the stranded, going home once the border is
//                                                open again (stranding.hpp)
//
// Abroad, the outcomes of one legal status are mutually exclusive, so each takes its own interval
// of u[1], and a sub-decision (conviction, registration, uptake) a fraction of its outcome's
// interval (part_of):
//   irregular:     [0, detection) detected (enforcement.hpp); then [detection, +regularisation)
//                  regularised (legal_status.hpp), within it registration or permit uptake
//   permit holder: [0, lapse) lapses (legal_status.hpp); then [lapse, +naturalisation)
//   EAEU worker, resident: [0, naturalisation) (naturalisation.hpp)
//   scheme worker at the end of the stay: [0, overstay share) stays on irregularly (schemes.hpp)
//
// Rare paths take further blocks of Stream::AgentStep, computed only when needed:
//   block 1  a departure: v[0] registration or permit uptake, v[2] sector of a quota job
//            (entry.hpp); a displacement: v[0] leaves the country, v[1] destination
//   block 2  a displaced person who leaves the country: the entry draws, as block 1 of a departure
// Stream::Priority, keyed by (id, step): v[0] the priority in the allocation queues, v[1] whether
// an amnesty lifts a ban (bans.hpp).
#pragma once

#include <cstdint>

namespace migsim::detail::draw {

// Block 0 at home.
inline constexpr int kDeparture = 0;
inline constexpr int kDestination = 1;
inline constexpr int kDisplacement = 2;
inline constexpr int kSchemeApplication = 3;
// Block 0 abroad.
inline constexpr int kJob = 0;
inline constexpr int kLegalStatus = 1;
inline constexpr int kSector = 2;
inline constexpr int kReturn = 3;
// Further blocks of Stream::AgentStep.
inline constexpr std::uint32_t kEntryBlock = 1;         ///< a departure's entry draws
inline constexpr std::uint32_t kDisplacementBlock = 1;  ///< a displacement: leave, destination
inline constexpr std::uint32_t kDisplacedEntryBlock = 2;
// Words of the entry blocks and of the displacement block.
inline constexpr int kEntry = 0;        ///< registration (EAEU) or permit uptake
inline constexpr int kQuotaSector = 2;  ///< sector of the job a quota permit is sought for
inline constexpr int kLeaveCountry = 0;
inline constexpr int kDisplacedDestination = 1;
// Stream::Priority words.
inline constexpr int kPriority = 0;
inline constexpr int kAmnesty = 1;

}  // namespace migsim::detail::draw
