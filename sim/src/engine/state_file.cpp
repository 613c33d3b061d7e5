#include "engine/state_file.hpp"

#include <hdf5.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "engine/branch.hpp"
#include "migsim/errors.hpp"
#include "migsim/simulation.hpp"
#include "output/hdf5_support.hpp"

namespace migsim::detail {
namespace {

namespace fs = std::filesystem;
using output::check;
using output::fail;
using output::Handle;

constexpr std::size_t kHeaderBytes = 4096;  ///< HDF5 user block: a power of two >= 512
constexpr std::string_view kMagic = "migsim state file\n";
constexpr hsize_t kChunkElements = hsize_t{1} << 18;
constexpr hsize_t kCompressFrom = 4096;  ///< elements: smaller arrays are stored as they are

// ---- typed arrays ------------------------------------------------------------------------

template <typename T>
struct H5Type;
template <>
struct H5Type<std::uint8_t> {
  static hid_t file() { return H5T_STD_U8LE; }
  static hid_t memory() { return H5T_NATIVE_UINT8; }
};
template <>
struct H5Type<std::int32_t> {
  static hid_t file() { return H5T_STD_I32LE; }
  static hid_t memory() { return H5T_NATIVE_INT32; }
};
template <>
struct H5Type<std::int64_t> {
  static hid_t file() { return H5T_STD_I64LE; }
  static hid_t memory() { return H5T_NATIVE_INT64; }
};
template <>
struct H5Type<std::uint64_t> {
  static hid_t file() { return H5T_STD_U64LE; }
  static hid_t memory() { return H5T_NATIVE_UINT64; }
};
template <>
struct H5Type<float> {
  static hid_t file() { return H5T_IEEE_F32LE; }
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
};
template <>
struct H5Type<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};

Handle make_group(hid_t parent, const char* name) {
  return Handle(H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                std::string("creating group ") + name);
}

/// A one-dimensional dataset; large ones chunked and compressed (agents' columns compress well).
template <typename T>
void write_array(hid_t group, const std::string& name, const T* data, std::size_t n) {
  const std::string what = "writing " + name;
  const Handle space = output::make_dataspace({static_cast<hsize_t>(n)});
  Handle dcpl = output::make_plist(H5P_DATASET_CREATE);
  check(H5Pset_obj_track_times(dcpl.get(), false), what);
  if (n > kCompressFrom) {
    const hsize_t chunk = std::min<hsize_t>(n, kChunkElements);
    check(H5Pset_chunk(dcpl.get(), 1, &chunk), what);
    if (sizeof(T) > 1) check(H5Pset_shuffle(dcpl.get()), what);
    check(H5Pset_deflate(dcpl.get(), 1), what);
  }
  const Handle ds(H5Dcreate2(group, name.c_str(), H5Type<T>::file(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                  H5Dclose, what);
  if (n > 0) check(H5Dwrite(ds.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

template <typename T>
void write_array(hid_t group, const std::string& name, const std::vector<T>& values) {
  write_array(group, name, values.data(), values.size());
}

template <typename T>
void write_scalar(hid_t group, const std::string& name, T value) {
  write_array(group, name, &value, 1);
}

void write_text(hid_t group, const std::string& name, const std::string& text) {
  write_array(group, name, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

/// Texts joined by NUL (labels and keys hold no control characters).
std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += item + '\0';
  return out;
}

std::vector<std::string> split(const std::string& joined) {
  std::vector<std::string> items;
  std::size_t begin = 0;
  for (std::size_t end; (end = joined.find('\0', begin)) != std::string::npos; begin = end + 1)
    items.push_back(joined.substr(begin, end - begin));
  return items;
}

template <typename T>
std::vector<T> read_array(hid_t group, const std::string& name) {
  const std::string what = "reading " + name;
  const Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, what);
  const Handle space(H5Dget_space(ds.get()), H5Sclose, what);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail(what);
  std::vector<T> values(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(ds.get(), H5Type<T>::memory(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), what);
  return values;
}

template <typename T>
std::vector<T> read_array(hid_t group, const std::string& name, std::size_t expected) {
  std::vector<T> values = read_array<T>(group, name);
  if (values.size() != expected)
    throw output::WriteFailure(name + ": expected " + std::to_string(expected) + " values, found " +
                               std::to_string(values.size()));
  return values;
}

template <typename T>
T read_scalar(hid_t group, const std::string& name) {
  return read_array<T>(group, name, 1)[0];
}

std::string read_text(hid_t group, const std::string& name) {
  const auto bytes = read_array<std::uint8_t>(group, name);
  return std::string(bytes.begin(), bytes.end());
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// ---- contents ----------------------------------------------------------------------------

void write_meta(hid_t file, const Snapshot& s) {
  const Handle meta = make_group(file, "meta");
  const Calendar calendar = s.scenario.calendar();
  const Date date = s.steps_done == 0 ? calendar.start() : calendar.step_end(s.steps_done - 1);
  write_scalar<std::int64_t>(meta.get(), "format", kStateFormat);
  write_text(meta.get(), "migsim_version", version());
  write_text(meta.get(), "git_commit", git_commit());
  write_text(meta.get(), "created_utc", utc_now());
  write_scalar<std::uint64_t>(meta.get(), "seed", s.seed);
  write_scalar<std::int64_t>(meta.get(), "scale", s.scale);
  write_scalar<std::uint64_t>(meta.get(), "steps_done", s.steps_done);
  write_scalar<std::uint64_t>(meta.get(), "agents", s.n_agents);
  write_scalar<std::uint64_t>(meta.get(), "agent_steps", s.agent_steps);
  write_scalar<std::uint64_t>(meta.get(), "ban_slots", s.agents.ban_slots);
  write_text(meta.get(), "date", date.iso());
  write_text(meta.get(), "fingerprint", past_fingerprint(s.scenario, s.steps_done, s.seed, s.scale));
  write_text(meta.get(), "resumed_from", s.resumed_from);
}

void write_scenario(hid_t file, const Scenario& sc) {
  const Handle group = make_group(file, "scenario");
  write_text(group.get(), "name", sc.params.name);
  write_text(group.get(), "source_name", sc.source_name);
  write_text(group.get(), "builtin_base", sc.builtin_base);
  write_text(group.get(), "yaml_text", sc.yaml_text);
  write_text(group.get(), "resolved_yaml", sc.resolved_yaml());
  std::vector<std::string> keys;
  for (const auto& [key, text] : sc.table_texts) {
    write_text(group.get(), key, text);
    keys.push_back(key);
  }
  write_text(group.get(), "table_keys", join(keys));
}

void write_agents(hid_t file, const AgentStore& agents) {
  const Handle group = make_group(file, "agents");
  for_each_column(agents, [&](const char* name, const auto& column) { write_array(group.get(), name, column); });
  write_array(group.get(), "ban_until", agents.ban_until);
}

void write_policies(hid_t file, const Policies::State& state) {
  const Handle group = make_group(file, "policies");
  std::vector<std::string> keys, labels;
  std::vector<std::int64_t> years, used;
  std::vector<double> credit;
  for (const auto& c : state.counters) keys.push_back(c.key), years.push_back(c.year), used.push_back(c.used);
  for (const auto& [label, people] : state.evacuation_credit) labels.push_back(label), credit.push_back(people);
  write_text(group.get(), "counter_keys", join(keys));
  write_array(group.get(), "counter_years", years);
  write_array(group.get(), "counter_used", used);
  write_text(group.get(), "credit_labels", join(labels));
  write_array(group.get(), "credit_people", credit);
}

/// The aggregates of every step and then the current ones, one dataset per output variable.
void write_history(hid_t file, const Snapshot& s) {
  const Handle group = make_group(file, "history");
  std::vector<const StepAggregates*> rows;
  for (const auto& step : s.history) rows.push_back(&step);
  rows.push_back(&s.current);
  for (const OutputSpec& spec : kOutputs) {
    if (spec.counts) {
      std::vector<std::int64_t> values;
      for (const auto* row : rows) values.insert(values.end(), (row->*spec.counts).begin(), (row->*spec.counts).end());
      write_array(group.get(), std::string(spec.name), values);
    } else if (spec.reals) {
      std::vector<double> values;
      for (const auto* row : rows) values.insert(values.end(), (row->*spec.reals).begin(), (row->*spec.reals).end());
      write_array(group.get(), std::string(spec.name), values);
    }
  }
  std::vector<std::int64_t> days;
  for (const Date d : s.dates) days.push_back(d.days());
  write_array(group.get(), "dates", days);
}

std::string header_text(std::size_t bytes, std::uint64_t hash) {
  std::ostringstream out;
  out << kMagic << "format: " << kStateFormat << "\nmigsim: " << version() << "\ncommit: " << git_commit()
      << "\nbytes: " << bytes << "\nhash: " << hex64(hash) << "\n";
  return out.str();
}

std::vector<char> build_image(const Snapshot& s, const std::string& name) {
  Handle file = output::create_in_memory_file(name, kHeaderBytes);
  write_meta(file.get(), s);
  write_scenario(file.get(), s.scenario);
  write_agents(file.get(), s.agents);
  write_policies(file.get(), s.policies);
  write_history(file.get(), s);
  // HDF5's image leaves out the user block it was told to reserve: the header goes in front.
  const std::vector<char> image = output::take_file_image(std::move(file));
  const std::uint64_t hash = hash64(image.data(), image.size());
  const std::string header = header_text(kHeaderBytes + image.size(), hash);
  std::vector<char> bytes(kHeaderBytes, '\0');
  std::memcpy(bytes.data(), header.data(), header.size());
  bytes.insert(bytes.end(), image.begin(), image.end());
  return bytes;
}

// ---- reading -----------------------------------------------------------------------------

std::vector<char> read_bytes(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw ArgumentError(path.string() + ": no such file");
  if (!fs::is_regular_file(status))
    throw ArgumentError(path.string() + ": expected a state file, found " + output::file_kind(status));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ArgumentError(path.string() + ": cannot open: " + std::strerror(errno));
  std::vector<char> bytes(static_cast<std::size_t>(fs::file_size(path, ec)));
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw ArgumentError(path.string() + ": cannot read");
  return bytes;
}

std::map<std::string, std::string> parse_header(const std::vector<char>& bytes) {
  std::map<std::string, std::string> fields;
  const std::string text(bytes.data(), strnlen(bytes.data(), std::min(bytes.size(), kHeaderBytes)));
  std::istringstream in(text.substr(kMagic.size()));
  for (std::string line; std::getline(in, line);)
    if (const auto colon = line.find(": "); colon != std::string::npos)
      fields[line.substr(0, colon)] = line.substr(colon + 2);
  return fields;
}

std::string what_it_is(const std::vector<char>& bytes) {
  static constexpr char kHdf5[] = "\x89HDF\r\n\x1a\n";
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kHdf5, 8) == 0)
    return "an HDF5 file (a migsim output file? states are written by `migsim run --save-state-at` or "
           "Simulation.save_state)";
  return "not a migsim state file";
}

/// The checks before HDF5 reads anything: kind, header, format, length, hash, version.
void verify(const fs::path& path, const std::vector<char>& bytes) {
  const std::string where = path.string() + ": ";
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0)
    throw ArgumentError(where + "expected a migsim state file, found " + what_it_is(bytes));
  auto fields = parse_header(bytes);
  if (fields["format"] != std::to_string(kStateFormat))
    throw ArgumentError(where + "a state file of format " + fields["format"] + "; this migsim (" + version() +
                        ") reads format " + std::to_string(kStateFormat));
  if (fields["bytes"] != std::to_string(bytes.size()))
    throw ArgumentError(where + "truncated or extended: " + std::to_string(bytes.size()) + " bytes, its header says " +
                        fields["bytes"]);
  if (fields["hash"] != hex64(hash64(bytes.data() + kHeaderBytes, bytes.size() - kHeaderBytes)))
    throw ArgumentError(where +
                        "damaged: its contents do not match the hash in its header (changed after it was "
                        "written)");
  const bool same_commit =
      fields["commit"] == git_commit() || fields["commit"] == "unknown" || git_commit() == "unknown";
  if (fields["migsim"] != version() || !same_commit)
    throw ArgumentError(where + "written by migsim " + fields["migsim"] + " (commit " + fields["commit"] +
                        "); this is migsim " + version() + " (commit " + git_commit() +
                        "): a state resumes only with the build that wrote it, so that the rules are the same");
}

Date parse_date(const std::string& text) {
  Date date;
  if (!Date::parse(text, date)) throw output::WriteFailure("date: expected YYYY-MM-DD, found '" + text + "'");
  return date;
}

StateInfo read_info(hid_t file, std::uintmax_t bytes) {
  const Handle meta(H5Gopen2(file, "meta", H5P_DEFAULT), H5Gclose, "opening meta");
  const Handle scenario(H5Gopen2(file, "scenario", H5P_DEFAULT), H5Gclose, "opening scenario");
  StateInfo info;
  info.format = static_cast<int>(read_scalar<std::int64_t>(meta.get(), "format"));
  info.migsim_version = read_text(meta.get(), "migsim_version");
  info.git_commit = read_text(meta.get(), "git_commit");
  info.created_utc = read_text(meta.get(), "created_utc");
  info.seed = read_scalar<std::uint64_t>(meta.get(), "seed");
  info.scale = read_scalar<std::int64_t>(meta.get(), "scale");
  info.steps_done = read_scalar<std::uint64_t>(meta.get(), "steps_done");
  info.agents = read_scalar<std::uint64_t>(meta.get(), "agents");
  info.date = parse_date(read_text(meta.get(), "date"));
  info.fingerprint = read_text(meta.get(), "fingerprint");
  info.resumed_from = read_text(meta.get(), "resumed_from");
  info.scenario_name = read_text(scenario.get(), "name");
  info.scenario_source = read_text(scenario.get(), "source_name");
  info.bytes = bytes;
  return info;
}

/// A scenario's files held in memory: the state's tables under fixed names.
class MemorySource final : public FileSource {
 public:
  MemorySource(std::string where, std::map<std::string, std::string> files)
      : where_(std::move(where)), files_(std::move(files)) {}
  std::optional<std::string> read(const std::string& relative) const override {
    auto it = files_.find(relative);
    return it == files_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::string describe(const std::string& relative) const override { return where_ + ":" + relative; }

 private:
  std::string where_;
  std::map<std::string, std::string> files_;
};

void read_agents(hid_t file, Snapshot& s, std::size_t ban_slots) {
  const Handle group(H5Gopen2(file, "agents", H5P_DEFAULT), H5Gclose, "opening agents");
  s.agents.ban_slots = ban_slots;
  for_each_column(s.agents, [&](const char* name, auto& column) {
    using T = typename std::decay_t<decltype(column)>::value_type;
    column = read_array<T>(group.get(), name, s.n_agents);
  });
  s.agents.ban_until = read_array<std::int32_t>(group.get(), "ban_until", s.n_agents * ban_slots);
}

void read_policies(hid_t file, Snapshot& s) {
  const Handle group(H5Gopen2(file, "policies", H5P_DEFAULT), H5Gclose, "opening policies");
  const auto keys = split(read_text(group.get(), "counter_keys"));
  const auto years = read_array<std::int64_t>(group.get(), "counter_years", keys.size());
  const auto used = read_array<std::int64_t>(group.get(), "counter_used", keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i)
    s.policies.counters.push_back({keys[i], static_cast<int>(years[i]), used[i]});
  const auto labels = split(read_text(group.get(), "credit_labels"));
  const auto credit = read_array<double>(group.get(), "credit_people", labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) s.policies.evacuation_credit.emplace_back(labels[i], credit[i]);
}

void read_history(hid_t file, Snapshot& s) {
  const Handle group(H5Gopen2(file, "history", H5P_DEFAULT), H5Gclose, "opening history");
  const Scenario& sc = s.scenario;
  const OutputShape shape{sc.n_origins(), sc.n_locations(), sc.countries.size()};
  const std::size_t rows = s.steps_done + 1;
  s.history.assign(s.steps_done, empty_aggregates(shape));
  s.current = empty_aggregates(shape);
  auto row = [&](std::size_t k) -> StepAggregates& { return k < s.steps_done ? s.history[k] : s.current; };
  for (const OutputSpec& spec : kOutputs) {
    const std::size_t n = shape.size(spec);
    if (spec.counts) {
      const auto values = read_array<std::int64_t>(group.get(), std::string(spec.name), rows * n);
      for (std::size_t k = 0; k < rows; ++k)
        (row(k).*spec.counts).assign(values.begin() + k * n, values.begin() + (k + 1) * n);
    } else if (spec.reals) {
      const auto values = read_array<double>(group.get(), std::string(spec.name), rows * n);
      for (std::size_t k = 0; k < rows; ++k)
        (row(k).*spec.reals).assign(values.begin() + k * n, values.begin() + (k + 1) * n);
    }
  }
  for (const std::int64_t day : read_array<std::int64_t>(group.get(), "dates", s.steps_done))
    s.dates.push_back(Date(static_cast<std::int32_t>(day)));
}

void read_sources(hid_t file, StateFile& state) {
  const Handle group(H5Gopen2(file, "scenario", H5P_DEFAULT), H5Gclose, "opening scenario");
  state.resolved_yaml = read_text(group.get(), "resolved_yaml");
  for (const auto& key : split(read_text(group.get(), "table_keys"))) state.tables[key] = read_text(group.get(), key);
  state.snapshot.scenario.yaml_text = read_text(group.get(), "yaml_text");
  state.snapshot.scenario.source_name = read_text(group.get(), "source_name");
  state.snapshot.scenario.builtin_base = read_text(group.get(), "builtin_base");
}

/// Opens the verified image with HDF5, in memory (the core driver with a copy of the image;
/// H5LTopen_file_image without copying leaks its bookkeeping in HDF5 1.10, found by LeakSanitizer).
Handle open_image(const std::vector<char>& bytes) {
  Handle fapl = output::make_plist(H5P_FILE_ACCESS);
  check(H5Pset_fapl_core(fapl.get(), std::size_t{1} << 20, false), "configuring the state's image");
  check(H5Pset_file_image(fapl.get(), const_cast<char*>(bytes.data()) + kHeaderBytes, bytes.size() - kHeaderBytes),
        "configuring the state's image");
  return Handle(H5Fopen("migsim-state", H5F_ACC_RDONLY, fapl.get()), H5Fclose, "opening the state");
}

/// Reads and verifies the file at `path`, opens it with HDF5 and returns read(file, bytes): the
/// one way into a state file. HDF5 failures become ArgumentError naming the file.
template <typename Read>
auto read_verified(const fs::path& path, Read&& read) {
  const std::vector<char> bytes = read_bytes(path);
  verify(path, bytes);
  try {
    const std::lock_guard lock(output::hdf5_mutex());
    const output::QuietHdf5Errors quiet;
    Handle file = open_image(bytes);
    auto result = read(file.get(), bytes.size());
    file.close("closing the state");
    return result;
  } catch (const output::WriteFailure& e) {
    throw ArgumentError(path.string() + ": not a readable migsim state: " + e.what());
  }
}

}  // namespace

void write_state_file(const Snapshot& snapshot, const fs::path& path, const output::CancelCheck& cancelled) {
  const std::string failure = "cannot write state " + path.string() + ": ";
  output::check_output_target(path);
  std::vector<char> image;
  try {
    const std::lock_guard lock(output::hdf5_mutex());
    const output::QuietHdf5Errors quiet;
    image = build_image(snapshot, path.filename().string());
  } catch (const output::WriteFailure& e) {
    throw OutputError(failure + e.what());
  }
  output::write_file_atomically(path, image, cancelled);
}

Scenario scenario_of_state(const StateFile& state, const std::vector<Override>& overrides) {
  // The tables under fixed names (a base scenario's tables may have come from another folder).
  std::map<std::string, std::string> files;
  std::vector<Override> all;
  for (const auto& [key, text] : state.tables) {
    const std::string file = key.substr(key.find('.') + 1) + ".csv";
    files[file] = text;
    all.push_back({key, file});
  }
  for (const auto& o : overrides) {
    if (o.key.rfind("tables.", 0) == 0)
      throw ArgumentError("--set " + o.key + "=" + o.value +
                          ": a branch from a saved state cannot change its tables (they shaped the past)");
    all.push_back(o);
  }
  const auto source = std::make_shared<MemorySource>("state", std::move(files));
  Scenario sc = load_scenario(state.resolved_yaml, source, all);
  sc.yaml_text = state.snapshot.scenario.yaml_text;
  sc.source_name = state.snapshot.scenario.source_name;
  sc.builtin_base = state.snapshot.scenario.builtin_base;
  return sc;
}

StateFile read_state_file(const fs::path& path) {
  return read_verified(path, [&](hid_t file, std::size_t bytes) {
    StateFile state;
    state.info = read_info(file, bytes);
    Snapshot& s = state.snapshot;
    const Handle meta(H5Gopen2(file, "meta", H5P_DEFAULT), H5Gclose, "opening meta");
    s.seed = state.info.seed;
    s.scale = state.info.scale;
    s.steps_done = state.info.steps_done;
    s.n_agents = state.info.agents;
    s.agent_steps = read_scalar<std::uint64_t>(meta.get(), "agent_steps");
    s.global_agents = true;
    read_sources(file, state);
    read_agents(file, s, read_scalar<std::uint64_t>(meta.get(), "ban_slots"));
    read_policies(file, s);
    try {
      s.scenario = scenario_of_state(state, {});  // its shape sizes the history
    } catch (const Error& e) {
      throw ArgumentError(path.string() + ": its scenario does not load: " + e.what());
    }
    read_history(file, s);
    s.resumed_from = path.string();
    return state;
  });
}

}  // namespace migsim::detail

namespace migsim {

bool looks_like_state_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string start(detail::kMagic.size(), '\0');
  return in.read(start.data(), static_cast<std::streamsize>(start.size())) && start == detail::kMagic;
}

Scenario load_state_scenario(const std::filesystem::path& path, const std::vector<Override>& overrides) {
  const detail::StateFile state = detail::read_verified(path, [](hid_t file, std::size_t) {
    detail::StateFile sources;
    detail::read_sources(file, sources);
    return sources;
  });
  return detail::scenario_of_state(state, overrides);
}

StateInfo read_state_info(const std::filesystem::path& path) {
  return detail::read_verified(path, [](hid_t file, std::size_t bytes) { return detail::read_info(file, bytes); });
}

std::string describe_state(const StateInfo& i) {
  std::ostringstream out;
  out << "migsim state file (format " << i.format << "), " << i.bytes << " bytes\n"
      << "  scenario     " << i.scenario_name << " (" << i.scenario_source << ")\n"
      << "  state        after " << i.steps_done << " steps; the next step starts " << i.date.iso() << "\n"
      << "  run          seed " << i.seed << ", scale " << i.scale << ", " << i.agents << " agents created\n"
      << "  written by   migsim " << i.migsim_version << " (commit " << i.git_commit << ") at " << i.created_utc << "\n"
      << "  fingerprint  " << i.fingerprint << " (inputs that shaped the past, seed, scale and steps)\n";
  if (!i.resumed_from.empty()) out << "  resumed from " << i.resumed_from << "\n";
  out << "  resume with  migsim run --resume <this file> [--until DATE] [--set events.<label>.<field>=...]\n";
  return out.str();
}

}  // namespace migsim
