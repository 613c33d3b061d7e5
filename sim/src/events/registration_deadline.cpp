// registration_deadline: the days an arriving EAEU worker has to register.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {
namespace {

using E = Event;

void compile(const Event& e, StepCompilation& c) {
  const auto threshold = to_threshold(1.0 - std::exp(-e.days / c.sc.params.registration_mean_days));
  const std::size_t nD = c.nD();
  for (std::size_t o = 0; o < c.nO(); ++o)
    for (std::size_t d = 0; d < nD; ++d)
      if (in_country(c.sc, e, d)) c.tables.registration[o * nD + d] = threshold;
}

}  // namespace

EventKind registration_deadline_kind() {
  EventKind kind{
      {EventType::RegistrationDeadline,
       "registration_deadline",
       "Days within which an arriving EAEU worker must register, or become irregular.",
       "An arriving EAEU worker registers in time with probability `1 - exp(-days / "
       "permits.registration_mean_days)` and otherwise becomes irregular (overstay counted from arrival). Without a "
       "deadline in force every EAEU worker is registered.",
       "- type: registration_deadline\n  label: ru_registration_30_days\n  start: 2015-08-12\n  country: RU\n  "
       "days: 30\n",
       {required_country("Destination country setting the deadline."),
        number_field("days", &E::days, true, "", "days", 0, 3650, "Registration deadline after arrival.")}}};
  kind.compile = compile;
  return kind;
}

}  // namespace migsim::detail
