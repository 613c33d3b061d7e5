#pragma once

#include <cstddef>

namespace migsim::detail {

struct EmbeddedFile {
  const char* scenario;  ///< built-in scenario name (folder name under scenarios/)
  const char* name;      ///< file name inside the scenario folder
  const char* data;
  std::size_t size;
};

/// All embedded files, terminated by an entry whose scenario is nullptr.
extern const EmbeddedFile kEmbeddedFiles[];

}  // namespace migsim::detail
