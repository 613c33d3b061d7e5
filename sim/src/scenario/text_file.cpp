// Reading scenario input files safely (see text_file.hpp).
#include "scenario/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "migsim/errors.hpp"

namespace migsim::detail {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

/// Closes a descriptor on scope exit.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

/// The range allowed for the second byte after `lead` (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF).
std::pair<unsigned, unsigned> second_byte_range(unsigned lead) {
  if (lead == 0xE0) return {0xA0, 0xBF};
  if (lead == 0xED) return {0x80, 0x9F};
  if (lead == 0xF0) return {0x90, 0xBF};
  if (lead == 0xF4) return {0x80, 0x8F};
  return {0x80, 0xBF};
}

std::string hex_byte(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", c);
  return buffer;
}

}  // namespace

std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
  const unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  if (lead >= 0xE0 && lead <= 0xEF) length = 3;
  if (lead >= 0xF0 && lead <= 0xF4) length = 4;
  if (length == 0) return 0;
  const auto [low, high] = second_byte_range(lead);
  if (byte(1) < low || byte(1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((byte(k) & 0xC0u) != 0x80u) return 0;
  return length;
}

void check_text(std::string_view text, const std::string& where) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < text.size(); ++column) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::string at = where + ":" + std::to_string(line) + ": column " + std::to_string(column) + ": ";
    if (c == 0) throw ScenarioError(at + "a NUL byte; expected text (is this a binary file rather than a text table?)");
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
      throw ScenarioError(at + "the control character " + hex_byte(c) + "; expected text");
    const std::size_t length = utf8_length(text, i);
    if (length == 0) throw ScenarioError(at + "the byte " + hex_byte(c) + " is not valid UTF-8; expected UTF-8 text");
    if (c == '\n') line += 1, column = 0;
    i += length;
  }
}

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
  const std::string where = path.string();
  Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw ScenarioError(where + ": cannot read: " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) throw ScenarioError(where + ": cannot read: " + std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    throw ScenarioError(where + ": it is " + kind_of(info.st_mode) + "; expected a regular file of text");
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ScenarioError(where + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    if (text.size() + static_cast<std::size_t>(n) > kMaxInputBytes)
      throw ScenarioError(where + ": larger than " + std::to_string(kMaxInputBytes >> 20) +
                          " MiB; expected a scenario file (YAML or a CSV table)");
    text.append(buffer, static_cast<std::size_t>(n));
  }
  check_text(text, where);
  return text;
}

}  // namespace migsim::detail
