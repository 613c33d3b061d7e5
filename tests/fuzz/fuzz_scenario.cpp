// libFuzzer harness of the scenario loader (`make fuzz`, tools/fuzz.sh): the input is a scenario
// folder in the archive format of scenario_archive.hpp (scenario.yaml, CSV tables, bases it
// extends). Loading must give a scenario or throw migsim::Error, and a scenario that loads must
// reload from its resolved YAML (migsim_fuzz::finding). Anything else is a finding: another
// exception (uncaught, so libFuzzer reports it), a crash, a sanitizer report, a leak, a hang.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "scenario_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string problem = migsim_fuzz::finding(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
