// Safe creation of output files (see output_file.hpp and docs/reliability.md).
#include "migsim/output_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <system_error>

#include "migsim/errors.hpp"

namespace migsim::output {

namespace fs = std::filesystem;

namespace {

constexpr int kNameAttempts = 100;
constexpr std::size_t kChunk = std::size_t{4} << 20;  // cancellation is checked between chunks

std::string random_hex(std::size_t digits) {
  unsigned char bytes[16] = {};
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw OutputError(std::string("cannot make a temporary name: ") + std::strerror(errno));
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t k = 0; out.size() < digits && k < sizeof bytes; ++k) {
    out += kHex[bytes[k] >> 4];
    out += kHex[bytes[k] & 0xf];
  }
  out.resize(std::min(out.size(), digits));
  return out;
}

std::function<std::string()>& name_source() {
  static std::function<std::string()> source;  // set only by tests
  return source;
}

/// ".<name>.<12 hex digits>.tmp": hidden, beside the target (so the rename cannot cross file
/// systems), unpredictable. The same pattern as the Python package's saves.
fs::path temporary_path(const fs::path& folder, const fs::path& target) {
  const std::string middle = name_source() ? name_source()() : random_hex(12);
  // Appended piecewise: GCC 12 reports a false -Wrestrict for "." + std::string at -O3.
  std::string name = ".";
  name += target.filename().string();
  name += ".";
  name += middle;
  name += ".tmp";
  return folder / name;
}

bool is_hex(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A temporary file name of `target`: ".<name>.<hex>.tmp" or the older ".<name>.tmp-<pid>".
bool is_temporary_of(const std::string& candidate, const std::string& target) {
  const std::string prefix = "." + target + ".";
  if (candidate.size() <= prefix.size() || candidate.compare(0, prefix.size(), prefix) != 0) return false;
  const std::string_view rest = std::string_view(candidate).substr(prefix.size());
  if (rest.size() > 4 && rest.substr(rest.size() - 4) == ".tmp") return is_hex(rest.substr(0, rest.size() - 4));
  return rest.substr(0, 4) == "tmp-" && is_digits(rest.substr(4));
}

fs::path folder_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
  throw OutputError("cannot write " + path.string() + ": " + why);
}

/// The target must be absent or a regular file; lstat, so a symbolic link is seen as one.
void check_target_kind(const fs::path& path) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(path, error);
  if (error && error != std::errc::no_such_file_or_directory) refuse(path, error.message());
  if (!fs::exists(status) || fs::is_regular_file(status)) return;
  const std::string kind = file_kind(status);
  refuse(path, "it is " + kind + "; migsim only replaces regular files (give a new file name" +
                   (fs::is_symlink(status) ? ", or the path the link points to)" : ")"));
}

/// Creates a new temporary file beside `target`, exclusively and never through a symbolic link.
int create_temporary(const fs::path& folder, const fs::path& target, fs::path& made) {
  for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
    made = temporary_path(folder, target);
    const int fd = ::open(made.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) {
      const int error = errno;
      refuse(target, "cannot create a file in the folder " + folder.string() + ": " + std::strerror(error));
    }
  }
  refuse(target, "no free temporary name in " + folder.string());
}

void write_all(int fd, const std::vector<char>& bytes, const CancelCheck& cancelled) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    if (cancelled && cancelled()) throw WriteCancelled();
    const std::size_t chunk = std::min(kChunk, bytes.size() - written);
    const ssize_t n = ::write(fd, bytes.data() + written, chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "writing");
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) throw std::system_error(errno, std::generic_category(), "syncing to disk");
}

/// Closes the descriptor and removes the temporary file unless committed.
class Temporary {
 public:
  Temporary(const fs::path& folder, const fs::path& target) : fd_(create_temporary(folder, target, path_)) {}
  ~Temporary() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  Temporary(const Temporary&) = delete;
  Temporary& operator=(const Temporary&) = delete;

  int fd() const { return fd_; }
  const fs::path& path() const { return path_; }
  void close() {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), "closing");
  }
  void commit() { committed_ = true; }

 private:
  fs::path path_;
  int fd_ = -1;
  bool committed_ = false;
};

std::vector<fs::path> stale_temporaries(const fs::path& folder, const fs::path& target) {
  std::vector<fs::path> stale;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
    if (is_temporary_of(it->path().filename().string(), target.filename().string())) stale.push_back(it->path());
  std::sort(stale.begin(), stale.end());
  return stale;
}

}  // namespace

void detail::set_temporary_name_source(std::function<std::string()> source) { name_source() = std::move(source); }

std::string file_kind(const fs::file_status& status) {
  switch (status.type()) {
    case fs::file_type::regular:
      return "a regular file";
    case fs::file_type::directory:
      return "a folder";
    case fs::file_type::symlink:
      return "a symbolic link";
    case fs::file_type::block:
      return "a block device";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::fifo:
      return "a FIFO (named pipe)";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::not_found:
      return "missing";
    default:
      return "a special file";
  }
}

std::string output_suffix_problem(const fs::path& path) {
  std::string suffix = path.extension().string();
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* allowed : {".h5", ".nc", ".hdf5", ".nc4"})
    if (suffix == allowed) return "";
  return "expected a file ending in .h5, .nc, .hdf5 or .nc4 (HDF5, netCDF-4), found " +
         (suffix.empty() ? std::string("no extension") : "'" + path.extension().string() + "'") +
         (suffix == ".csv" || suffix == ".xlsx" || suffix == ".parquet" ? "; `migsim table` writes tables" : "");
}

std::vector<fs::path> check_output_target(const fs::path& path) {
  if (path.empty() || !path.has_filename()) refuse(path, "expected a file path");
  const fs::path folder = folder_of(path);
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    const bool exists = fs::exists(folder, error);
    refuse(path, folder.string() + (exists ? " is not a directory" : ": no such directory"));
  }
  check_target_kind(path);
  if (const std::string problem = output_suffix_problem(path); !problem.empty()) refuse(path, problem);
  { const Temporary probe(folder, path); }  // can a file be made there? removed at once
  return stale_temporaries(folder, path);
}

std::string stale_files_warning(const std::vector<fs::path>& stale) {
  if (stale.empty()) return {};
  std::string text = "temporary files of earlier, interrupted writes of the same output (or of a run writing it now): ";
  for (std::size_t k = 0; k < stale.size(); ++k) text += (k ? ", " : "") + stale[k].string();
  return text + "; remove them if no other run is writing this file";
}

void write_file_atomically(const fs::path& path, const std::vector<char>& bytes, const CancelCheck& cancelled) {
  check_output_target(path);
  try {
    Temporary temporary(folder_of(path), path);
    write_all(temporary.fd(), bytes, cancelled);
    temporary.close();
    if (cancelled && cancelled()) throw WriteCancelled();
    check_target_kind(path);  // again: it may have changed while the file was written
    if (::rename(temporary.path().c_str(), path.c_str()) != 0)
      throw std::system_error(errno, std::generic_category(), "renaming into place");
    temporary.commit();
  } catch (const std::system_error& e) {
    refuse(path, std::string(e.what()));
  }
}

}  // namespace migsim::output
