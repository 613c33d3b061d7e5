// HDF5 support shared by the writers of output files (netcdf_writer.cpp) and state files
// (engine/state_file.cpp): owned handles, failures as exceptions with HDF5's innermost message,
// and the lock that serialises use of the (not thread-safe) serial HDF5 library.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace migsim::output {

// ---------------------------------------------------------------------------------------
// Errors

/// Internal failure carrying the reason; write_netcdf4 turns it into an OutputError that
/// names the destination path.
class WriteFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The most specific message on the HDF5 error stack (the root cause rather than the API
/// call that reported it), or empty if the stack is empty.
inline std::string innermost_hdf5_message() {
  std::string message;
  const auto take_first = [](unsigned n, const H5E_error2_t* error, void* out) -> herr_t {
    if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &message);
  std::replace(message.begin(), message.end(), '\n', ' ');  // keep exception text on one line
  return message;
}

// Must run right after the failing call: the next HDF5 API call clears the error stack.
[[noreturn]] inline void fail(std::string_view what) {
  const std::string detail = innermost_hdf5_message();
  throw WriteFailure(std::string(what) + (detail.empty() ? ": HDF5 error" : ": " + detail));
}

inline void check(herr_t status, std::string_view what) {
  if (status < 0) fail(what);
}

/// Silences HDF5's default error printing while in scope: failures become exceptions with
/// their own message instead of a stack dump on stderr.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &saved_func_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, saved_func_, saved_data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t saved_func_ = nullptr;
  void* saved_data_ = nullptr;
};

// ---------------------------------------------------------------------------------------
// Handles

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle(hid_t id, Closer closer, std::string_view what) : id_(id), closer_(closer) {
    if (id_ < 0) fail(what);
  }
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }

  /// Closes now and reports failure (the destructor cannot): closing the file is where
  /// HDF5 flushes metadata, so its failure means the file is incomplete.
  void close(std::string_view what) { check(closer_(std::exchange(id_, H5I_INVALID_HID)), what); }

 private:
  void reset() noexcept {
    if (id_ >= 0) closer_(std::exchange(id_, H5I_INVALID_HID));
  }

  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

inline Handle make_plist(hid_t plist_class) {
  return Handle(H5Pcreate(plist_class), H5Pclose, "creating property list");
}

inline Handle make_dataspace(const std::vector<hsize_t>& shape) {
  if (shape.empty()) return Handle(H5Screate(H5S_SCALAR), H5Sclose, "creating dataspace");
  return Handle(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), H5Sclose,
                "creating dataspace");
}

constexpr std::size_t kImageIncrement = std::size_t{4} << 20;  // growth step of the image

/// A file held in memory (core driver, no backing store), in the netCDF-4 compatible format;
/// `userblock` bytes (0 or a power of two >= 512) are reserved at its start for the caller.
inline Handle create_in_memory_file(const std::string& name, hsize_t userblock = 0) {
  Handle fapl = make_plist(H5P_FILE_ACCESS);
  check(H5Pset_fapl_core(fapl.get(), kImageIncrement, false), "configuring in-memory file");
  // SEMI makes H5Fclose fail rather than linger if an object were still open.
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), "configuring file access");
  // The 1.8 format keeps the file readable by older netCDF-C/HDF5 while allowing dense
  // attribute storage for attributes over 64 KiB (like the scenario text).
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_EARLIEST, H5F_LIBVER_V18), "configuring file format");
  Handle fcpl = make_plist(H5P_FILE_CREATE);
  check(H5Pset_obj_track_times(fcpl.get(), false), "configuring file creation");
  if (userblock > 0) check(H5Pset_userblock(fcpl.get(), userblock), "configuring file creation");
  // netCDF-C lists variables, dimensions and attributes in creation order and expects
  // these indexes to exist.
  const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
  check(H5Pset_link_creation_order(fcpl.get(), order), "configuring file creation");
  check(H5Pset_attr_creation_order(fcpl.get(), order), "configuring file creation");
  return Handle(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose, "creating file");
}

/// The complete file as bytes; closes the file.
inline std::vector<char> take_file_image(Handle file) {
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flushing file");
  const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
  if (size < 0) fail("reading file image");
  std::vector<char> image(static_cast<std::size_t>(size));
  if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) fail("reading file image");
  file.close("closing file");
  return image;
}

/// The serial HDF5 library is not thread-safe and the error-printing switch is global: every
/// use of it holds this lock.
inline std::mutex& hdf5_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace migsim::output
