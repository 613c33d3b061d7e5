#include "migsim/file_info.hpp"

#include <hdf5.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <sstream>
#include <vector>

#include "migsim/errors.hpp"
#include "migsim/outputs.hpp"
#include "scenario/text_file.hpp"

namespace migsim::output {
namespace {

/// Closes an HDF5 handle on scope exit.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

std::string read_string_attribute(hid_t attr) {
  Handle type{H5Aget_type(attr), H5Tclose};
  if (H5Tis_variable_str(type.id) > 0) {
    char* value = nullptr;
    Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(mem.id, H5T_VARIABLE);
    // The character set must match the file's: h5py/h5netcdf (Results.save) write UTF-8, and HDF5 does not
    // convert between ASCII and UTF-8 strings, so the read failed and the attribute showed blank.
    H5Tset_cset(mem.id, H5Tget_cset(type.id));
    if (H5Aread(attr, mem.id, &value) < 0 || !value) return "";
    std::string out(value);
    H5free_memory(value);
    return out;
  }
  std::vector<char> buffer(H5Tget_size(type.id) + 1, '\0');
  H5Aread(attr, type.id, buffer.data());
  return std::string(buffer.data());
}

std::string attribute_text(hid_t parent, const char* name) {
  if (H5Aexists(parent, name) <= 0) return "";
  Handle attr{H5Aopen(parent, name, H5P_DEFAULT), H5Aclose};
  if (attr.id < 0) return "";
  Handle type{H5Aget_type(attr.id), H5Tclose};
  switch (H5Tget_class(type.id)) {
    case H5T_STRING:
      return read_string_attribute(attr.id);
    case H5T_INTEGER: {                            // a number or an array of them (flag_values), printed "0, 1"
      if (H5Tget_sign(type.id) == H5T_SGN_NONE) {  // e.g. a seed of 2^63 or more
        unsigned long long v = 0;
        H5Aread(attr.id, H5T_NATIVE_ULLONG, &v);
        return std::to_string(v);
      }
      Handle space{H5Aget_space(attr.id), H5Sclose};
      const hssize_t count = H5Sget_simple_extent_npoints(space.id);
      std::vector<long long> values(static_cast<std::size_t>(std::max<hssize_t>(count, 1)), 0);
      if (count > 0) H5Aread(attr.id, H5T_NATIVE_LLONG, values.data());
      std::string text;
      for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + std::to_string(values[i]);
      return text;
    }
    case H5T_FLOAT: {
      double v = 0;
      H5Aread(attr.id, H5T_NATIVE_DOUBLE, &v);
      std::ostringstream out;
      out << v;
      return out.str();
    }
    default:
      return "(non-scalar)";
  }
}

/// The first line of `text`, at most `limit` bytes, with control characters and bytes that are
/// not UTF-8 shown as '?': a damaged or hostile file must not send terminal control sequences
/// or make the output undecodable.
std::string first_line(const std::string& text, std::size_t limit = 72) {
  const std::string raw = text.substr(0, text.find('\n'));
  std::string line;
  std::size_t i = 0;
  while (i < raw.size() && line.size() < limit) {
    const std::size_t length = detail::utf8_length(raw, i);
    const auto c = static_cast<unsigned char>(raw[i]);
    const bool control = (c < 0x20 && c != '\t') || c == 0x7f;
    line += length == 0 || control ? std::string("?") : raw.substr(i, length);
    i += length == 0 ? 1 : length;
  }
  if (i < raw.size()) line += "...";
  if (i < text.size()) line += "  [" + std::to_string(text.size()) + " characters]";
  return line;
}

}  // namespace

/// The output schema's entry of a variable, if it is one of the outputs (not a coordinate).
static const OutputSpec* find_output(std::string_view name) {
  for (const auto& spec : kOutputs)
    if (spec.name == name) return &spec;
  return nullptr;
}

/// "origin=" for dimension d of a schema variable (the first is time), "" for other variables.
static std::string dimension_name(const OutputSpec* spec, std::size_t d) {
  if (!spec) return "";
  if (d == 0) return "time=";
  return d - 1 < spec->dims.size() && !spec->dims[d - 1].empty() ? std::string(spec->dims[d - 1]) + "=" : "";
}

std::string describe_file(const std::filesystem::path& path) {
  H5E_auto2_t old_func;
  void* old_data;
  H5Eget_auto2(H5E_DEFAULT, &old_func, &old_data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // HDF5 would print its error stack for every absent optional attribute; we report instead.
  struct RestoreErrors {
    H5E_auto2_t func;
    void* data;
    ~RestoreErrors() { H5Eset_auto2(H5E_DEFAULT, func, data); }
  } restore{old_func, old_data};
  Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw OutputError(path.string() + ": cannot open as an HDF5 file");

  std::ostringstream out;
  out << path.string() << "\n\nattributes:\n";
  // Every count and name is checked: a damaged file can fail any call, and an unchecked count
  // would drive the loops below for ever.
  H5O_info_t info{};
  if (H5Oget_info2(file.id, &info, H5O_INFO_NUM_ATTRS) < 0) throw OutputError(path.string() + ": damaged file");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    char name[256] = {};
    if (H5Aget_name_by_idx(file.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
      throw OutputError(path.string() + ": damaged file (attribute " + std::to_string(i) + ")");
    out << "  " << first_line(name) << ": " << first_line(attribute_text(file.id, name)) << "\n";
  }
  out << "\nvariables:\n";
  H5G_info_t group{};
  if (H5Gget_info(file.id, &group) < 0) throw OutputError(path.string() + ": damaged file");
  for (hsize_t i = 0; i < group.nlinks; ++i) {
    char name[256] = {};
    if (H5Lget_name_by_idx(file.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0)
      throw OutputError(path.string() + ": damaged file (variable " + std::to_string(i) + ")");
    Handle dataset{H5Dopen2(file.id, name, H5P_DEFAULT), H5Dclose};
    if (dataset.id < 0) continue;
    Handle space{H5Dget_space(dataset.id), H5Sclose};
    int rank = H5Sget_simple_extent_ndims(space.id);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::clamp(rank, 0, H5S_MAX_RANK)));
    H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
    const OutputSpec* spec = find_output(name);
    out << "  " << first_line(name) << " (";
    for (std::size_t d = 0; d < dims.size(); ++d) out << (d ? " x " : "") << dimension_name(spec, d) << dims[d];
    out << ")";
    auto units = attribute_text(dataset.id, "units");
    if (!units.empty()) out << " [" << units << "]";
    auto long_name = attribute_text(dataset.id, "long_name");
    if (!long_name.empty()) out << " " << long_name;
    if (spec) out << " {" << cell_method_name(spec->cell_method) << "}";
    out << "\n";
  }
  return out.str();
}

namespace {

/// The child's answer: 'O' and the description, or 'E' and an error message.
void answer_in_child(int fd, const std::filesystem::path& path) {
  std::string reply;
  try {
    reply = 'O';
    reply += describe_file(path);
  } catch (const OutputError& e) {
    reply = std::string("E") + e.what();
  } catch (const std::bad_alloc&) {
    reply = std::string("E") + path.string() + ": damaged file (its metadata asks for more memory than there is)";
  } catch (const std::exception& e) {
    reply = std::string("E") + path.string() + ": damaged file (" + e.what() + ")";
  }
  for (std::size_t sent = 0; sent < reply.size();) {
    const ssize_t n = ::write(fd, reply.data() + sent, reply.size() - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    sent += static_cast<std::size_t>(n);
  }
}

/// Reads the child's reply until it closes the pipe; false if that takes longer than `timeout_seconds`.
bool read_reply(int fd, std::string& reply, int timeout_seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  char buffer[65536];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd ready{fd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) return polled == 0 ? false : true;
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string describe_file_isolated(const std::filesystem::path& path, int timeout_seconds) {
  int fds[2];
  if (::pipe(fds) != 0) throw OutputError(path.string() + ": cannot read: " + std::strerror(errno));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw OutputError(path.string() + ": cannot read: " + std::strerror(errno));
  }
  if (child == 0) {
    ::close(fds[0]);
    answer_in_child(fds[1], path);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string reply;
  const bool finished = read_reply(fds[0], reply, timeout_seconds);
  ::close(fds[0]);
  if (!finished) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string damaged = path.string() + ": damaged file: ";
  if (!finished)
    throw OutputError(damaged + "reading its metadata did not finish within " + std::to_string(timeout_seconds) + " s");
  if (WIFSIGNALED(status))
    throw OutputError(damaged + "reading its metadata crashed the HDF5 library (signal " +
                      std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) + ")");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || reply.empty())
    throw OutputError(damaged + "reading it failed without an answer");
  if (reply[0] == 'E') throw OutputError(reply.substr(1));
  return reply.substr(1);
}

}  // namespace migsim::output
