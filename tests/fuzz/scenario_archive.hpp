// A scenario folder as one text: the fuzz input format of the scenario loader (tests/fuzz) and of
// its regression corpus (tests/data/fuzz-regressions, loaded by GoogleTest).
//
// The text up to the first header line is scenario.yaml; a header line `==> NAME <==` (as `head`
// prints between files) starts the file NAME, relative to the scenario's folder, up to the next
// header. NAME may name a subfolder ("base/scenario.yaml", reached by `extends: base`) or a parent
// ("../shared/regions.csv"). A scenario may also extend a built-in scenario by name. Nothing is
// read from disk.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "migsim/errors.hpp"
#include "migsim/scenario.hpp"

namespace migsim_fuzz {

using Files = std::map<std::string, std::string>;

inline std::string normal_name(const std::string& name) {
  return std::filesystem::path(name).lexically_normal().generic_string();
}

/// The files of an archive text, by normalised name.
inline Files unpack(std::string_view text) {
  Files files;
  std::string name = "scenario.yaml", content;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t eol = text.find('\n', at);
    const std::string_view line = text.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
    if (line.size() > 8 && line.substr(0, 4) == "==> " && line.substr(line.size() - 4) == " <==") {
      files[normal_name(name)] = content;
      name = std::string(line.substr(4, line.size() - 8));
      content.clear();
    } else {
      content.append(line);
      if (eol != std::string_view::npos) content.push_back('\n');
    }
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
  files[normal_name(name)] = content;
  return files;
}

/// The files in the archive format (scenario.yaml first, then the others in name order).
inline std::string pack(const Files& files) {
  std::string text;
  if (auto it = files.find("scenario.yaml"); it != files.end()) text = it->second;
  for (const auto& [name, content] : files) {
    if (name == "scenario.yaml") continue;
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    text += "==> " + name + " <==\n" + content;
  }
  return text;
}

/// A scenario folder held in memory: `prefix` is the folder within the archive ("" at the top).
class MemorySource final : public migsim::FileSource {
 public:
  MemorySource(std::shared_ptr<const Files> files, std::string prefix)
      : files_(std::move(files)), prefix_(std::move(prefix)) {}
  std::optional<std::string> read(const std::string& relative) const override {
    auto it = files_->find(key(relative));
    if (it == files_->end()) return std::nullopt;
    return it->second;
  }
  std::string describe(const std::string& relative) const override { return "archive:" + key(relative); }
  std::shared_ptr<const migsim::FileSource> folder(const std::string& relative) const override {
    const std::string sub = key(relative);
    if (!files_->count(normal_name(sub + "/scenario.yaml"))) return nullptr;
    return std::make_shared<MemorySource>(files_, sub);
  }

 private:
  std::string key(const std::string& relative) const {
    return normal_name(prefix_.empty() ? relative : prefix_ + "/" + relative);
  }
  std::shared_ptr<const Files> files_;
  std::string prefix_;
};

/// Loads the scenario an archive holds, as the CLI loads a folder; throws what load_scenario throws.
inline migsim::Scenario load_archive(std::string_view text) {
  auto files = std::make_shared<const Files>(unpack(text));
  auto source = std::make_shared<MemorySource>(files, "");
  return migsim::load_scenario(files->count("scenario.yaml") ? files->at("scenario.yaml") : std::string(), source);
}

/// The resolved YAML of `sc` and the tables it read, as one archive; "" when two tables of
/// different layers share a name (they cannot be told apart in one folder).
inline std::string resolved_archive(const migsim::Scenario& sc) {
  const auto& p = sc.params;
  const std::pair<const char*, const std::string*> tables[] = {{"tables.countries", &p.countries_table},
                                                               {"tables.regions", &p.regions_table},
                                                               {"tables.routes", &p.routes_table},
                                                               {"tables.wages", &p.wages_table},
                                                               {"tables.exchange_rates", &p.exchange_rates_table},
                                                               {"tables.unemployment", &p.unemployment_table},
                                                               {"tables.initial_stock", &p.initial_stock_table},
                                                               {"tables.sectors", &p.sectors_table}};
  Files files{{"scenario.yaml", sc.resolved_yaml()}};
  for (const auto& [key, file] : tables) {
    const auto found = sc.table_texts.find(key);
    if (found == sc.table_texts.end()) continue;
    const std::string name = normal_name(*file);
    if (name == "scenario.yaml" || name.find('\n') != std::string::npos) return {};
    auto [it, added] = files.emplace(name, found->second);
    if (!added && it->second != found->second) return {};
  }
  return pack(files);
}

/// What is wrong with how the loader treats `text`, or "" if nothing: loading gives a scenario
/// or throws migsim::Error (the expected outcome), and a scenario that loads reloads from its
/// resolved YAML and tables to the same resolved YAML (as the scenario recorded in an output file
/// must). Any other exception propagates: that is a finding too.
inline std::string finding(std::string_view text) {
  migsim::Scenario sc;
  try {
    sc = load_archive(text);
  } catch (const migsim::Error&) {
    return {};
  }
  const std::string again = resolved_archive(sc);
  if (again.empty()) return {};
  try {
    const migsim::Scenario reloaded = load_archive(again);
    if (reloaded.resolved_yaml() != sc.resolved_yaml())
      return "the resolved YAML changed on reload:\n" + sc.resolved_yaml() + "\n---- reloaded ----\n" +
             reloaded.resolved_yaml();
  } catch (const migsim::Error& e) {
    return std::string("the resolved scenario does not reload: ") + e.what();
  }
  return {};
}

}  // namespace migsim_fuzz
