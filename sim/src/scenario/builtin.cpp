#include "migsim/builtin.hpp"

#include <algorithm>
#include <fstream>

#include "migsim/errors.hpp"
#include "scenario/embedded_files.hpp"

namespace migsim {
namespace {

class EmbeddedSource final : public FileSource {
 public:
  explicit EmbeddedSource(std::string scenario) : scenario_(std::move(scenario)) {}
  std::optional<std::string> read(const std::string& relative) const override {
    for (const auto* f = detail::kEmbeddedFiles; f->scenario; ++f)
      if (scenario_ == f->scenario && relative == f->name) return std::string(f->data, f->size);
    return std::nullopt;
  }
  std::string describe(const std::string& relative) const override { return "built-in:" + scenario_ + "/" + relative; }

 private:
  std::string scenario_;
};

}  // namespace

std::vector<std::string> builtin_scenario_names() {
  std::vector<std::string> names;
  for (const auto* f = detail::kEmbeddedFiles; f->scenario; ++f)
    if (std::find(names.begin(), names.end(), f->scenario) == names.end()) names.emplace_back(f->scenario);
  return names;
}

std::shared_ptr<const FileSource> builtin_source(const std::string& name) {
  auto names = builtin_scenario_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return nullptr;
  return std::make_shared<EmbeddedSource>(name);
}

void export_builtin(const std::string& name, const std::string& folder) {
  if (!builtin_source(name)) throw ScenarioError("no built-in scenario '" + name + "'");
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw OutputError("cannot create " + folder + ": " + ec.message());
  for (const auto* f = detail::kEmbeddedFiles; f->scenario; ++f) {
    if (name != f->scenario) continue;
    auto path = std::filesystem::path(folder) / f->name;
    std::ofstream out(path, std::ios::binary);
    out.write(f->data, static_cast<std::streamsize>(f->size));
    if (!out) throw OutputError("cannot write " + path.string());
  }
}

}  // namespace migsim
