// Reading events from YAML (scenario files, `--set events.<label>.<field>` overrides and the
// Python API all come through here) and writing them back for the resolved scenario.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "migsim/events.hpp"
#include "migsim/scenario.hpp"

namespace migsim::detail {

/// Reads the event at `position` (0-based) of an events list against the schema and resolves
/// its names against `sc`. Throws ScenarioError naming `where`, the line, the key path and
/// what was expected and found.
Event parse_event(const YAML::Node& node, const std::string& where, std::size_t position, const Scenario& sc);

/// Checks an event against the scenario and fills its resolved indices; returns "" or a
/// message naming the offending field.
std::string resolve_event(Event& event, const Scenario& sc);

/// Every field of every event (defaults included) as a YAML sequence under the current key.
void emit_events(YAML::Emitter& out, const std::vector<Event>& events);

/// See migsim::event_values.
std::vector<std::pair<std::string, EventValue>> event_values_of(const Event& event);

/// Label given to an unlabelled event: "<type>_<position + 1>".
std::string default_label(const Event& event, std::size_t position);

}  // namespace migsim::detail
