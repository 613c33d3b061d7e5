// migsim: the command-line program. Exit codes: 0 success, 2 invalid input or arguments,
// 1 any other failure.
#include <CLI/CLI.hpp>

#include <unistd.h>
#include <charconv>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "migsim/builtin.hpp"
#include "migsim/distributed.hpp"
#include "migsim/errors.hpp"
#include "migsim/file_info.hpp"
#include "migsim/output_file.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"
#include "migsim/state.hpp"
#include "progress.hpp"

namespace {

namespace fs = std::filesystem;
using namespace migsim;

constexpr int kExitInvalid = 2;
constexpr int kExitFailure = 1;

// ---- interrupts: SIGINT and SIGTERM end a run at the next step, leaving no output file ----

volatile std::sig_atomic_t received_signal = 0;

extern "C" void remember_signal(int signal) { received_signal = signal; }

/// A run stopped by SIGINT or SIGTERM; exit code 128 + the signal, like a shell.
struct Interrupted {
  int signal;
};

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = remember_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return received_signal != 0; }

void stop_if_interrupted() {
  if (interrupted()) throw Interrupted{received_signal};
}

struct RunArgs {
  std::string scenario = "kyrgyzstan";
  bool scenario_given = false;
  std::optional<std::string> output;  ///< unset: out/<scenario>.h5
  std::optional<std::string> seed;    ///< parsed by parse_seed: 0..2^64-1 exactly
  int threads = 0;
  std::optional<std::int64_t> scale;
  std::string until;
  std::vector<std::string> sets;
  std::vector<std::string> without;  ///< labels of events to leave out
  bool quiet = false;
  bool mpi = false;
  bool allow_outside_paths = false;
  std::vector<std::string> save_state_at;  ///< dates: a state after the step containing each
  std::size_t save_state_every = 0;        ///< steps: a state after every this many (0: none)
  std::string state_dir;                   ///< folder of the state files (default: the output's)
  std::string resume;                      ///< a state file to continue
};

std::vector<Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  for (const auto& s : sets) overrides.push_back(parse_override(s));
  return overrides;
}

/// The `--without` labels, each once; a `--set` of a field of one of them is refused, as it
/// would be silently lost.
std::vector<std::string> events_to_leave_out(const RunArgs& args) {
  std::vector<std::string> labels;
  for (const auto& label : args.without) {
    // CLI11 takes the next word as the value even when it is an option: `--without -o out.h5`.
    if (label.rfind('-', 0) == 0)
      throw ArgumentError("--without: expected an event label, found the option '" + label +
                          "' (give the label right after --without)");
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
  }
  for (const auto& set : parse_overrides(args.sets))
    for (const auto& label : labels)
      if (set.key.rfind("events." + label + ".", 0) == 0)
        throw ArgumentError("--set " + set.key + ": the event '" + label + "' is left out by --without " + label);
  return labels;
}

/// The scenario of a new run or a check: loaded with the `--set` edits, less the `--without` events.
Scenario load_for_command(const RunArgs& args) {
  const std::vector<std::string> left_out = events_to_leave_out(args);
  Scenario sc = load_scenario(args.scenario, parse_overrides(args.sets), args.allow_outside_paths);
  for (const auto& label : left_out) {
    try {
      remove_event(sc, label);
    } catch (const ScenarioError& e) {
      throw ArgumentError("--without " + label + ": " + e.what());
    }
  }
  return sc;
}

/// A seed: a whole number from 0 to 2^64-1, written in decimal digits; anything else (a sign,
/// 2^64 or more, a fraction) is refused rather than rounded or wrapped.
std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, seed);
  const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || error != std::errc() || stop != end)
    throw ArgumentError("--seed: expected a whole number from 0 to 18446744073709551615 (2^64-1), found '" + text +
                        "'");
  return seed;
}

/// A scenario name as a file name: letters, digits, '-', '_' and inner '.' kept, anything else
/// (a '/', "..", control characters) replaced by '_', so it stays inside out/.
std::string file_name_from(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || (c == '.' && !out.empty());
    out += keep ? c : '_';
  }
  return out.empty() ? std::string("scenario") : out;
}

fs::path choose_output(const RunArgs& args, const Scenario& sc) {
  if (args.output) {
    const std::string& given = *args.output;
    if (given.empty()) throw ArgumentError("-o: expected a file path, found an empty string");
    fs::path out(given);
    fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
    if (!fs::is_directory(parent))
      throw ArgumentError("-o " + given + ": the folder " + parent.string() + " does not exist");
    if (fs::is_directory(out)) throw ArgumentError("-o " + given + ": is a folder; expected a file path");
    return out;
  }
  fs::create_directories("out");
  return fs::path("out") / (file_name_from(sc.params.name) + ".h5");
}

/// Before MPI starts: false on the processes an MPI launcher numbered other than 0.
bool first_process() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"})
    if (const char* rank = std::getenv(name)) return std::string(rank) == "0";
  return true;
}

/// What loading the scenario left out (Scenario::warnings), on stderr, by the first process.
void print_warnings(const Scenario& sc) {
  if (!first_process()) return;
  for (const auto& w : sc.warnings) std::fprintf(stderr, "migsim: warning: %s\n", w.c_str());
}

/// Checks the output target before the run (on every rank, so that all refuse alike); the
/// first process reports stale temporary files of earlier runs.
void prepare_output(const fs::path& output) {
  try {
    const std::string warning = output::stale_files_warning(output::check_output_target(output));
    if (!warning.empty() && first_process()) std::fprintf(stderr, "migsim: warning: %s\n", warning.c_str());
  } catch (const OutputError& e) {
    throw ArgumentError(e.what());
  }
}

void print_summary(const Simulation& sim, const fs::path& output, double total_seconds) {
  const auto stats = sim.stats();
  const auto& sc = sim.scenario();
  const auto& last = sim.last();
  const std::int64_t scale = sim.options().scale;
  const OutputShape shape{sc.n_origins(), sc.n_locations(), sc.countries.size()};
  long long people = 0, abroad = 0;
  for (std::size_t o = 0; o < sc.n_origins(); ++o) {
    people += last.population[o] * scale;
    for (std::size_t d = 0; d < sc.n_destinations(); ++d)
      for (std::size_t s = 0; s < kReportedStatuses; ++s)
        abroad += last.stock[shape.stock(o, sc.n_origins() + d, s)] * scale;
  }
  // Remittances over the last 52 steps (or fewer), a yearly figure comparable with statistics.
  double remitted = 0;
  const auto& history = sim.history();
  for (std::size_t k = history.size() > 52 ? history.size() - 52 : 0; k < history.size(); ++k)
    remitted = std::accumulate(history[k].remittances_usd.begin(), history[k].remittances_usd.end(), remitted);
  // Only the steps this process ran count for its speed (a resumed run's history was run before).
  const double here = static_cast<double>(stats.agent_steps - stats.resumed_agent_steps);
  const double rate = stats.wall_seconds > 0 ? here / stats.wall_seconds : 0;
  std::printf("migsim %s: scenario %s, seed %llu, scale %lld, %d threads", version().c_str(), sc.params.name.c_str(),
              static_cast<unsigned long long>(sim.options().seed), static_cast<long long>(scale), stats.threads);
  if (stats.ranks > 1) std::printf(" on each of %d MPI ranks", stats.ranks);
  std::printf("\n  agents       %s live at the end (%s created, %.1f bytes each)\n",
              cli::group_digits(static_cast<long long>(stats.live_agents)).c_str(),
              cli::group_digits(static_cast<long long>(stats.agent_slots)).c_str(),
              stats.local_agent_slots ? static_cast<double>(stats.agent_bytes) / stats.local_agent_slots : 0.0);
  std::printf("  steps        %zu (%s to %s, one %s each)\n", stats.steps, sc.params.start.iso().c_str(),
              sim.current_date().iso().c_str(), std::string(to_string(sc.params.step)).c_str());
  std::printf("  wall time    %.2f s (engine %.2f s)\n", total_seconds, stats.wall_seconds);
  std::printf("  throughput   %.1f million agent-steps per second\n", rate / 1e6);
  if (stats.ranks > 1)
    std::printf("  MPI          %d ranks; rank 0 spent %.2f s (%.1f%%) in collectives\n", stats.ranks,
                stats.communication_seconds,
                stats.wall_seconds > 0 ? 100.0 * stats.communication_seconds / stats.wall_seconds : 0.0);
  std::printf("  end state    %s working-age people, %s abroad (%.1f%%)\n", cli::group_digits(people).c_str(),
              cli::group_digits(abroad).c_str(),
              people ? 100.0 * static_cast<double>(abroad) / static_cast<double>(people) : 0.0);
  std::printf("  remittances  %.3f billion USD over the last %zu steps\n", remitted / 1e9,
              std::min<std::size_t>(52, history.size()));
  if (!sim.resumed_from().empty()) std::printf("  resumed from %s\n", sim.resumed_from().c_str());
  std::printf("  output       %s\n", output.string().c_str());
}

Date parse_date_argument(const std::string& option, const std::string& text) {
  Date date;
  if (!Date::parse(text, date)) throw ArgumentError(option + ": expected a date YYYY-MM-DD, found '" + text + "'");
  return date;
}

/// The state files a run writes: after which step, and where.
struct StatePlan {
  std::vector<std::pair<std::size_t, fs::path>> at;  ///< (steps done when written, path), by step
  std::size_t every = 0;
  fs::path folder;
  std::string stem;

  fs::path path_for(const std::string& date) const { return folder / (stem + ".state-" + date + ".h5"); }
};

/// Checks --save-state-at / --save-state-every against the run before it starts, and every
/// target like the output file.
StatePlan plan_states(const RunArgs& args, const Simulation& sim, const fs::path& output) {
  StatePlan plan;
  plan.every = args.save_state_every;
  plan.stem = output.stem().string();
  plan.folder = args.state_dir.empty() ? (output.has_parent_path() ? output.parent_path() : fs::path("."))
                                       : fs::path(args.state_dir);
  if (!args.state_dir.empty() && !fs::is_directory(plan.folder))
    throw ArgumentError("--state-dir " + args.state_dir + ": not a folder");
  const Calendar calendar = sim.scenario().calendar();
  for (const auto& text : args.save_state_at) {
    const Date date = parse_date_argument("--save-state-at", text);
    const std::size_t step = calendar.steps_until(date);  // the step containing date is step - 1
    if (step == 0 || step > sim.total_steps())
      throw ArgumentError("--save-state-at " + text + ": expected a date within the steps this run simulates (" +
                          calendar.start().iso() + " to " + calendar.step_end(sim.total_steps() - 1).iso() + ")");
    if (step <= sim.steps_done())
      throw ArgumentError("--save-state-at " + text +
                          ": the state resumed from already holds that step (it goes on from " +
                          sim.current_date().iso() + ")");
    plan.at.emplace_back(step, plan.path_for(text));
  }
  std::sort(plan.at.begin(), plan.at.end());
  for (const auto& [step, path] : plan.at) prepare_output(path);
  return plan;
}

/// Writes the states due after the step just done; returns the paths written.
void save_due_states(const StatePlan& plan, const Simulation& sim, std::vector<fs::path>& written) {
  const std::size_t done = sim.steps_done();
  auto save = [&](const fs::path& path) {
    try {
      sim.save_state(path, interrupted);
    } catch (const output::WriteCancelled&) {
      stop_if_interrupted();
      throw;
    }
    written.push_back(path);
  };
  for (const auto& [step, path] : plan.at)
    if (step == done) save(path);
  if (plan.every > 0 && done % plan.every == 0) save(plan.path_for(sim.current_date().iso()));
}

Simulation start_simulation(const RunArgs& args, Scenario* loaded) {
  RunOptions options;
  options.threads = args.threads;
  if (!args.until.empty()) options.until = parse_date_argument("--until", args.until);
  options.distributed = args.mpi || launched_by_mpi();
  if (options.distributed && !mpi_available())
    throw ArgumentError(
        "--mpi: this build of migsim has no MPI support (install Debian's libopenmpi-dev and rebuild; see "
        "docs/distributed.md)");
  if (!args.resume.empty()) {
    if (args.scenario_given)
      throw ArgumentError("--resume " + args.resume +
                          ": the state holds its scenario; give edits with --set instead of a scenario");
    ResumeOptions resume{
        std::nullopt,  parse_overrides(args.sets), events_to_leave_out(args), std::nullopt, args.scale, options.threads,
        options.until, options.distributed};
    if (args.seed) resume.seed = parse_seed(*args.seed);
    return Simulation::from_state(args.resume, std::move(resume));
  }
  options.seed = args.seed ? parse_seed(*args.seed) : loaded->params.seed;
  options.scale = args.scale.value_or(loaded->params.scale);
  return Simulation(std::move(*loaded), options);
}

int command_run(const RunArgs& args) {
  catch_interrupts();
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<Scenario> loaded;
  if (args.resume.empty()) loaded = load_for_command(args);
  // A new run's output target is checked before its agents are made; a resumed run's once its
  // state (which names the scenario) is read.
  std::optional<fs::path> output;
  if (loaded) {
    print_warnings(*loaded);
    prepare_output(*(output = choose_output(args, *loaded)));
  }
  stop_if_interrupted();
  Simulation sim = start_simulation(args, loaded ? &*loaded : nullptr);
  if (!output) prepare_output(*(output = choose_output(args, sim.scenario())));
  const StatePlan states = plan_states(args, sim, *output);
  stop_if_interrupted();
  // Every rank holds the same aggregates; rank 0 alone reports and writes the one output file.
  const bool lead = sim.stats().rank == 0;
  std::vector<fs::path> written;
  cli::ProgressBar bar(!args.quiet && lead);
  try {
    sim.run([&](std::size_t done, std::size_t total) {
      stop_if_interrupted();
      save_due_states(states, sim, written);
      bar.update(done, total, sim.current_date().iso());
    });
  } catch (const Interrupted&) {
    bar.finish();
    throw;
  }
  bar.finish();
  try {
    if (lead) output::write_netcdf4(sim.results(), *output, interrupted);
  } catch (const output::WriteCancelled&) {
    stop_if_interrupted();
    throw;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!args.quiet && lead) {
    print_summary(sim, *output, seconds);
    for (const auto& path : written) std::printf("  state        %s\n", path.string().c_str());
  }
  return 0;
}

int command_validate(const RunArgs& args) {
  Scenario sc = load_for_command(args);
  print_warnings(sc);
  double people = 0, abroad = 0;
  for (const auto& r : sc.origins) people += r.working_age_population;
  for (double v : sc.initial_stock) abroad += v;
  // A folder's scenario names the built-in it extends, whose fitted model it inherits.
  const std::string base = sc.builtin_base.empty() || sc.builtin_base == sc.source_name
                               ? ""
                               : " (extends the built-in " + sc.builtin_base + ")";
  std::printf(
      "ok: %s%s: %zu origins, %zu destinations, %zu countries, %zu steps from %s to %s; %s working-age people, %s "
      "abroad at the start; %zu events\n",
      sc.params.name.c_str(), base.c_str(), sc.n_origins(), sc.n_destinations(), sc.countries.size(),
      sc.calendar().steps(), sc.params.start.iso().c_str(), sc.params.end.iso().c_str(),
      cli::group_digits(static_cast<long long>(people)).c_str(),
      cli::group_digits(static_cast<long long>(abroad)).c_str(), sc.events.size());
  return 0;
}

int command_scenarios() {
  for (const auto& name : builtin_scenario_names()) {
    Scenario sc = load_scenario(name);
    std::printf("%-16s %s\n", name.c_str(), sc.params.description.c_str());
  }
  return 0;
}

/// A subcommand and what it does once the arguments are parsed.
struct Command {
  CLI::App* app;
  std::function<int()> action;
};

int print(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  return 0;
}

constexpr const char* kWithoutHelp =
    "Leave out the event LABEL: the scenario without that policy (repeatable; after --resume, only events that "
    "start on or after the state's date)";
constexpr const char* kAllowOutsideHelp =
    "Read tables outside the scenario's folder and those of the scenarios it extends (refused by default)";

/// A whole number of at least `min`. CLI11's PositiveNumber would answer 0 with "Value 0 not in range
/// 0.000000 to 1797693134862315708145274237317043567980..." (its range as doubles).
CLI::Validator whole_number_at_least(std::int64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value >= min) return "";
        return "expected a whole number of at least " + std::to_string(min) + ", found '" + text + "'";
      },
      "INT>=" + std::to_string(min));
}

Command add_run(CLI::App& app, RunArgs& run) {
  auto* cmd = app.add_subcommand("run", "Run a scenario and write its output (HDF5, netCDF-4 layout)");
  cmd->add_option("scenario", run.scenario, "Scenario folder, scenario.yaml, or built-in name")
      ->capture_default_str()
      ->each([&run](const std::string&) { run.scenario_given = true; });
  cmd->add_option("-o,--output", run.output, "Output file (default: out/<scenario>.h5)");
  cmd->add_option("--seed", run.seed, "Random seed, 0 to 2^64-1 (default: the scenario's run.seed)");
  cmd->add_option("--threads", run.threads,
                  "Worker threads (0 = all cores; at most " + std::to_string(migsim::kThreadsPerCore) + " per core)")
      ->check(whole_number_at_least(0))
      ->capture_default_str();
  cmd->add_option("--scale", run.scale, "People per agent (default: the scenario's run.scale)")
      ->check(whole_number_at_least(1));
  cmd->add_option("--until", run.until, "Last date to simulate, YYYY-MM-DD (default: the calendar end)");
  cmd->add_option("--set", run.sets, "Override a parameter: key.path=value (repeatable)");
  cmd->add_option("--without", run.without, kWithoutHelp);
  cmd->add_flag("-q,--quiet", run.quiet, "No progress bar and no summary");
  cmd->add_flag("--allow-outside-paths", run.allow_outside_paths, kAllowOutsideHelp);
  cmd->add_option("--save-state-at", run.save_state_at,
                  "Save the state after the step containing DATE, as <output>.state-DATE.h5 (repeatable)");
  cmd->add_option("--save-state-every", run.save_state_every,
                  "Save the state every N steps, as <output>.state-<next step's date>.h5")
      ->check(whole_number_at_least(1));
  cmd->add_option("--state-dir", run.state_dir, "Folder for state files (default: the output file's)");
  cmd->add_option("--resume", run.resume,
                  "Continue a saved state (its scenario, seed and scale); --set may change what acts after its date");
  cmd->add_flag("--mpi", run.mpi,
                "Split the run over the MPI processes (automatic under mpirun/srun; same output as one process)");
  return {cmd, [&run] { return command_run(run); }};
}

Command add_validate(CLI::App& app, RunArgs& args) {
  auto* cmd = app.add_subcommand("validate", "Check a scenario and report what it holds");
  cmd->add_option("scenario", args.scenario, "Scenario folder, scenario.yaml, or built-in name")->required();
  cmd->add_option("--set", args.sets, "Override a parameter: key.path=value (repeatable)");
  cmd->add_option("--without", args.without, kWithoutHelp);
  cmd->add_flag("--allow-outside-paths", args.allow_outside_paths, kAllowOutsideHelp);
  return {cmd, [&args] { return command_validate(args); }};
}

int command_info(const std::string& path) {
  // An unreadable file named on the command line is bad input, not an engine failure.
  if (!std::filesystem::is_regular_file(path)) throw migsim::ArgumentError(path + ": no such file");
  // A state file is verified (length, hash) before HDF5 reads it, so it needs no child process.
  if (migsim::looks_like_state_file(path)) return print(migsim::describe_state(migsim::read_state_info(path)));
  try {
    return print(migsim::output::describe_file_isolated(path));
  } catch (const migsim::OutputError& e) {
    throw migsim::ArgumentError(e.what());
  }
}

int command_export(const std::string& name, const std::string& folder) {
  if (std::filesystem::exists(folder) && !std::filesystem::is_empty(folder))
    throw migsim::ArgumentError(folder + ": folder exists and is not empty");
  migsim::export_builtin(name, folder);
  std::printf("wrote built-in scenario %s to %s\n", name.c_str(), folder.c_str());
  return 0;
}

/// Subcommands written in Python: `migsim NAME ...` runs the program `migsim-NAME` (a console script of the Python
/// package) with the remaining arguments, the way git runs its external commands.
struct ExternalCommand {
  const char* name;
  const char* summary;
};
constexpr ExternalCommand kExternalCommands[] = {
    {"table", "Write one output variable over calendar periods as CSV, Excel or Parquet (runs migsim-table)"},
    {"report", "Write a self-contained HTML report of one or more runs (runs migsim-report)"},
};

bool executable(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

/// `migsim-NAME` next to this program first (the same install), then on PATH.
std::optional<fs::path> find_external(const std::string& program) {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && executable(self.parent_path() / program)) return self.parent_path() / program;
  const char* path = std::getenv("PATH");
  std::string folders = path ? path : "";
  std::size_t begin = 0;
  while (begin <= folders.size()) {
    const std::size_t end = std::min(folders.find(':', begin), folders.size());
    const fs::path candidate = fs::path(end > begin ? folders.substr(begin, end - begin) : ".") / program;
    if (executable(candidate)) return candidate;
    begin = end + 1;
  }
  return std::nullopt;
}

/// Replaces this process with `migsim-NAME`; returns only on failure (2: not installed, 1: exec failed).
int run_external(const std::string& name, int argc, char** argv) {
  const std::string program = "migsim-" + name;
  const auto found = find_external(program);
  if (!found) {
    std::fprintf(stderr,
                 "migsim: error: `migsim %s` runs the program %s, installed with the Python package "
                 "(pip install migsim); expected it next to this program or on PATH, found neither\n",
                 name.c_str(), program.c_str());
    return kExitInvalid;
  }
  std::vector<char*> args;
  std::string first = found->string();
  args.push_back(first.data());
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  ::execv(first.c_str(), args.data());
  std::fprintf(stderr, "migsim: failed: cannot run %s: %s\n", first.c_str(), std::strerror(errno));
  return kExitFailure;
}

/// Runs the chosen command; input errors exit 2, other failures 1.
int run_command(const std::vector<Command>& commands) {
  try {
    for (const auto& command : commands)
      if (*command.app) return command.action();
  } catch (const migsim::ScenarioError& e) {
    std::fprintf(stderr, "migsim: error: %s\n", e.what());
    return kExitInvalid;
  } catch (const migsim::ArgumentError& e) {
    std::fprintf(stderr, "migsim: error: %s\n", e.what());
    return kExitInvalid;
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "migsim: interrupted by %s; the run stopped and no output file was written\n",
                 e.signal == SIGTERM ? "SIGTERM" : "SIGINT");
    migsim::abort_distributed_run(128 + e.signal);
    return 128 + e.signal;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "migsim: failed: %s\n", e.what());
    // The other ranks may be waiting in a collective for this one: end the whole run.
    migsim::abort_distributed_run(kExitFailure);
    return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2)
    for (const auto& external : kExternalCommands)
      if (std::strcmp(argv[1], external.name) == 0) return run_external(external.name, argc, argv);

  CLI::App app{"migsim: agent-based simulator of labour migration from Central Asia"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "migsim " + migsim::version() + " (commit " + migsim::git_commit() + ")");

  RunArgs run, validate;
  std::string info_path, export_name, export_folder;
  std::vector<Command> commands = {add_run(app, run), add_validate(app, validate)};
  commands.push_back({app.add_subcommand("scenarios", "List the built-in scenarios"), command_scenarios});
  auto* info_cmd = app.add_subcommand("info", "Describe an output file or a state file");
  info_cmd->add_option("file", info_path, "Output or state file written by migsim run")->required();
  commands.push_back({info_cmd, [&] { return command_info(info_path); }});
  auto* export_cmd = app.add_subcommand("export", "Copy a built-in scenario into a folder to edit it");
  export_cmd->add_option("scenario", export_name, "Built-in scenario name")->required();
  export_cmd->add_option("folder", export_folder, "Destination folder (created)")->required();
  commands.push_back({export_cmd, [&] { return command_export(export_name, export_folder); }});
  commands.push_back({app.add_subcommand("parameters", "Print the parameter reference (Markdown)"),
                      [] { return print(migsim::parameter_reference_markdown()); }});
  commands.push_back({app.add_subcommand("events", "Print the event reference: every event type and field (Markdown)"),
                      [] { return print(migsim::event_reference_markdown()); }});
  commands.push_back({app.add_subcommand("outputs", "Print the output reference: every variable and status (Markdown)"),
                      [] { return print(migsim::output_reference_markdown()); }});
  // Listed in --help only: main() hands them to their programs before parsing.
  for (const auto& external : kExternalCommands) app.add_subcommand(external.name, external.summary)->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitInvalid;
  }
  return run_command(commands);
}
