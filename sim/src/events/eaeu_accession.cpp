// eaeu_accession: membership of the Eurasian Economic Union, which the entry routes read.
#include <algorithm>
#include <cmath>
#include <string>

#include "events/kind.hpp"

namespace migsim::detail {

EventKind eaeu_accession_kind() {
  EventKind kind{{EventType::EaeuAccession,
                  "eaeu_accession",
                  "A country joins the Eurasian Economic Union (free movement of labour among members).",
                  "From `start` (until `end`, if the country leaves), citizens of a member country working in another "
                  "member country need no permit or quota: they are EAEU workers subject only to registration. Patent "
                  "holders of the acceding country in member countries become EAEU workers on the date. Declare every "
                  "member, including destination countries.",
                  "- type: eaeu_accession\n  label: kyrgyzstan_joins\n  start: 2015-08-12\n  country: KG\n",
                  {required_country("The member country.")}}};
  kind.union_membership = true;
  return kind;
}

}  // namespace migsim::detail
