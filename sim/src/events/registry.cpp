// The registry of event kinds: one per EventType, each defined in its own file under events/.
// The schema (event_schema), the parser, the policies, the resolved-YAML writer, docs/scenarios.md
// and the Python event classes all iterate over it.
#include <sstream>

#include "events/kind.hpp"

namespace migsim {
namespace detail {

EventFieldSpec required_country(std::string_view description) {
  return {"country", FieldKind::Country, &Event::country, true, "", "ISO code", 0, 0, description};
}
EventFieldSpec scope_country(std::string_view what) {
  return {"country", FieldKind::Country, &Event::country, false, "", "ISO code", 0, 0, what};
}
EventFieldSpec scope_regions(std::string_view what) {
  return {"regions", FieldKind::RegionList, &Event::regions, false, "", "region names", 0, 0, what};
}
EventFieldSpec citizenships_field(std::string_view what) {
  return {"citizenships", FieldKind::CountryList, &Event::citizenships, false, "all", "ISO codes", 0, 0, what};
}
EventFieldSpec sectors_field(std::string_view what) {
  return {"sectors", FieldKind::SectorList, &Event::sectors, false, "all", "sector names", 0, 0, what};
}
EventFieldSpec number_field(std::string_view name, double Event::*member, bool required, std::string_view default_text,
                            std::string_view unit, double min, double max, std::string_view description) {
  return {name, FieldKind::Number, member, required, default_text, unit, min, max, description};
}
EventFieldSpec factor_field(std::string_view name, double Event::*member, bool required, std::string_view description) {
  return number_field(name, member, required, required ? "" : "1", "multiplier", 0, 1000, description);
}

const std::vector<EventKind>& event_kinds() {
#define MIGSIM_KIND(Type, name) name##_kind(),
  static const std::vector<EventKind> kinds = {MIGSIM_EVENT_TYPES(MIGSIM_KIND)};
#undef MIGSIM_KIND
  return kinds;
}

const EventKind& event_kind(EventType type) { return event_kinds()[static_cast<std::size_t>(type)]; }

}  // namespace detail

std::span<const EventTypeSpec> event_schema() {
  static const std::vector<EventTypeSpec> schema = [] {
    std::vector<EventTypeSpec> specs;
    for (const auto& kind : detail::event_kinds()) specs.push_back(kind.spec);
    return specs;
  }();
  return schema;
}

const EventTypeSpec& event_spec(EventType type) { return event_schema()[static_cast<std::size_t>(type)]; }

const EventTypeSpec* find_event_type(std::string_view name) {
  for (const auto& spec : event_schema())
    if (spec.name == name) return &spec;
  return nullptr;
}

std::string event_reference_markdown() {
  std::ostringstream out;
  out << "Every event has `type`, `start` (date) and optionally `label` (a unique identifier `[a-z0-9_]+`; default "
         "`<type>_<position>`), `source` (a citation) and, except where noted, `end` (inclusive; omitted = "
         "open-ended). An event is in force during a step if its period overlaps the step. Where several events "
         "of one level type (quota, fee, deadline, enforcement, ban rule, naturalisation) cover the same case, the "
         "one later in the list wins; factors of shocks multiply. A misspelt or misplaced field is an error.\n\n";
  for (const auto& spec : event_schema()) {
    out << "### `" << spec.name << "`\n\n" << spec.summary << "\n\n" << spec.mechanics << "\n\n";
    if (spec.country_or_regions) out << "Give either `country` (all its destination regions) or `regions`.\n\n";
    if (!spec.has_end)
      out << "No `end`: the event happens once, in the step containing `start`.\n\n";
    else if (spec.end_required)
      out << "`end` is required.\n\n";
    out << "| field | required | default | unit | description |\n|---|---|---|---|---|\n";
    for (const auto& f : spec.fields) {
      std::string description(f.description);
      if (!f.choices.empty()) {
        std::string choices(f.choices);
        for (auto& c : choices)
          if (c == '|') c = ',';
        description += " One of: " + choices + ".";
      }
      out << "| `" << f.name << "` | " << (f.required ? "yes" : "no") << " | "
          << (f.default_text.empty() ? "" : "`" + std::string(f.default_text) + "`") << " | " << f.unit << " | "
          << description << " |\n";
    }
    out << "\nExample:\n\n```yaml\n" << spec.example << "```\n\n";
  }
  return out.str();
}

}  // namespace migsim
