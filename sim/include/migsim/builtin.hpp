// Scenarios compiled into the binary, so the CLI and Python package run them with no files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "migsim/scenario.hpp"

namespace migsim {

struct BuiltinScenarioInfo {
  std::string name;
  std::string description;
};

std::vector<std::string> builtin_scenario_names();
/// Source over the embedded files of `name`, or nullptr if there is no such built-in.
std::shared_ptr<const FileSource> builtin_source(const std::string& name);
/// Writes the files of built-in `name` into `folder` (created), to start a new scenario from it.
void export_builtin(const std::string& name, const std::string& folder);

}  // namespace migsim
