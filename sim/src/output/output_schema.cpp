// Functions over the output schema (migsim/outputs.hpp) and the status list (migsim/status.hpp).
#include <sstream>

#include "migsim/outputs.hpp"
#include "migsim/status.hpp"

namespace migsim {

const char* status_name(Status status) {
  if (status == Status::Exited) return "exited";
  return kStatuses[static_cast<std::size_t>(status)].name.data();  // literals: NUL-terminated
}

StepAggregates empty_aggregates(const OutputShape& shape) {
  StepAggregates a;
  for (const auto& spec : kOutputs) {
    if (spec.counts) (a.*spec.counts).assign(shape.size(spec), static_cast<std::int64_t>(spec.fill));
    if (spec.reals) (a.*spec.reals).assign(shape.size(spec), spec.fill);
  }
  return a;
}

namespace {

const char* source_text(OutputSource source) {
  switch (source) {
    case OutputSource::Tallied:
      return "agent pass (summed over blocks and ranks)";
    case OutputSource::Allocated:
      return "serial allocations (summed over ranks)";
    case OutputSource::Replicated:
      return "computed alike on every rank";
    case OutputSource::Derived:
      return "derived from `stock`";
  }
  return "";
}

}  // namespace

std::string output_reference_markdown() {
  std::ostringstream out;
  out << "Every variable has the leading dimension `time` (one value per step; the coordinate is the step's start). "
         "A stock (`time: point`) is counted at the end of the step, a flow (`time: sum`) over the step. People are "
         "agents times `scale`.\n\n"
      << "| variable | dimensions | units | cell method | kind | computed by | meaning |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const auto& spec : kOutputs) {
    std::string dims = "time";
    for (auto d : spec.dims)
      if (!d.empty()) dims += ", " + std::string(d);
    out << "| `" << spec.name << "` | " << dims << " | " << spec.units << " | " << cell_method_name(spec.cell_method)
        << " | " << kind_name(spec.kind) << " | " << source_text(spec.source) << " | " << spec.long_name;
    if (!spec.comment.empty()) out << " (" << spec.comment << ")";
    out << " |\n";
  }
  out << "\nStatuses (`status` coordinate, in code order):\n\n| code | status | abroad | meaning "
         "|\n|---|---|---|---|\n";
  for (const auto& s : kStatuses)
    out << "| " << static_cast<int>(s.status) << " | `" << s.name << "` | " << (s.abroad ? "yes" : "no") << " | "
        << s.description << " |\n";
  return out.str();
}

}  // namespace migsim
