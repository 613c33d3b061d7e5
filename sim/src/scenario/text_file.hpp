// Reading scenario input files safely: regular files of bounded size holding UTF-8 text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace migsim::detail {

/// The largest scenario file (YAML or CSV) migsim reads: far above any real table, far below
/// what would exhaust memory (a /dev/zero or a multi-gigabyte file given by mistake).
constexpr std::uintmax_t kMaxInputBytes = std::uintmax_t{256} << 20;

/// Reads a scenario file: only a regular file is read (opened with O_NONBLOCK, so a FIFO
/// cannot block), of at most kMaxInputBytes, holding UTF-8 text without NUL or control
/// characters other than tab, CR and LF. Returns nullopt if `path` does not exist. Throws
/// ScenarioError naming the file and what kind of file it is (a device, a FIFO, a binary file)
/// without quoting it, or the line and column of the first bad character.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

/// Length of the UTF-8 sequence starting at `text[i]` (1 to 4), or 0 if it is not valid UTF-8
/// (RFC 3629: overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t utf8_length(std::string_view text, std::size_t i);

/// Checks that `text` (read from `where`) is UTF-8 without NUL or control characters other than
/// tab, CR and LF; throws ScenarioError "where:LINE: ..." otherwise.
void check_text(std::string_view text, const std::string& where);

}  // namespace migsim::detail
