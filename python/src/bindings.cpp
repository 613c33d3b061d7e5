// migsim._core: a thin binding of the engine. The Pythonic API lives in python/migsim/.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <algorithm>

#include "migsim/builtin.hpp"
#include "migsim/distributed.hpp"
#include "migsim/errors.hpp"
#include "migsim/output_file.hpp"
#include "migsim/parameters.hpp"
#include "migsim/scenario.hpp"
#include "migsim/simulation.hpp"
#include "migsim/state.hpp"

namespace py = pybind11;
using namespace migsim;

namespace {

std::vector<Override> to_overrides(const std::map<std::string, std::string>& overrides) {
  std::vector<Override> out;
  for (const auto& [key, value] : overrides) out.push_back({key, value});
  return out;
}

py::object attribute_value(const output::AttributeValue& value) {
  return std::visit([](const auto& v) -> py::object { return py::cast(v); }, value);
}

/// Converts a Dataset to plain Python: {"dims": {...}, "variables": {name: (dims, array, attrs)}, "attrs": {...}}.
py::dict dataset_to_python(const output::Dataset& ds) {
  py::dict dims, variables, attrs;
  for (const auto& d : ds.dims) dims[py::str(d.name)] = d.size;
  for (const auto& v : ds.variables) {
    std::vector<py::ssize_t> shape;
    for (const auto& name : v.dims) shape.push_back(static_cast<py::ssize_t>(ds.find_dim(name)->size));
    py::object array = std::visit(
        [&](const auto& data) -> py::object {
          using T = typename std::decay_t<decltype(data)>::value_type;
          if constexpr (std::is_same_v<T, std::string>) {
            return py::cast(data);
          } else {
            py::array_t<T> out(shape);
            std::copy(data.begin(), data.end(), out.mutable_data());
            return std::move(out);
          }
        },
        v.data);
    py::dict var_attrs;
    for (const auto& a : v.attrs) var_attrs[py::str(a.name)] = attribute_value(a.value);
    variables[py::str(v.name)] = py::make_tuple(py::cast(v.dims), array, var_attrs);
  }
  for (const auto& a : ds.attrs) attrs[py::str(a.name)] = attribute_value(a.value);
  py::dict out;
  out["dims"] = dims;
  out["variables"] = variables;
  out["attrs"] = attrs;
  return out;
}

py::object event_value(const EventValue& value) {
  if (const auto* steps = std::get_if<std::vector<CapacityChange>>(&value)) {
    py::list out;  // as a scenario writes it: [{"from": "YYYY-MM-DD", "capacity": N}, ...]
    for (const auto& s : *steps) {
      py::dict step;
      step["from"] = s.from.iso();
      step["capacity"] = s.capacity;
      out.append(step);
    }
    return out;
  }
  return std::visit([](const auto& v) -> py::object { return py::cast(v); }, value);
}

/// An event as a dict of its fields, in schema order, as a scenario would write it.
py::dict event_to_python(const Event& e) {
  py::dict d;
  for (const auto& [name, value] : event_values(e)) d[py::str(name)] = event_value(value);
  return d;
}

const char* field_kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::Date:
      return "date";
    case FieldKind::OptionalDate:
      return "optional_date";
    case FieldKind::Number:
      return "number";
    case FieldKind::Text:
      return "text";
    case FieldKind::Country:
      return "country";
    case FieldKind::CountryList:
      return "country_list";
    case FieldKind::Currency:
      return "currency";
    case FieldKind::Region:
      return "region";
    case FieldKind::RegionList:
      return "region_list";
    case FieldKind::SectorName:
      return "sector";
    case FieldKind::SectorList:
      return "sector_list";
    case FieldKind::Choice:
      return "choice";
    case FieldKind::ChoiceList:
      return "choice_list";
    case FieldKind::Schedule:
      return "schedule";
  }
  return "text";
}

py::list event_schema_to_python() {
  py::list out;
  for (const auto& spec : event_schema()) {
    py::list fields;
    for (const auto& f : spec.fields) {
      py::dict field;
      field["name"] = std::string(f.name);
      field["kind"] = field_kind_name(f.kind);
      field["required"] = f.required;
      field["default"] = std::string(f.default_text);
      field["unit"] = std::string(f.unit);
      field["min"] = f.min;
      field["max"] = f.max;
      field["description"] = std::string(f.description);
      field["choices"] = std::string(f.choices);
      fields.append(field);
    }
    py::dict d;
    d["name"] = std::string(spec.name);
    d["summary"] = std::string(spec.summary);
    d["mechanics"] = std::string(spec.mechanics);
    d["example"] = std::string(spec.example);
    d["has_end"] = spec.has_end;
    d["end_required"] = spec.end_required;
    d["country_or_regions"] = spec.country_or_regions;
    d["fields"] = fields;
    out.append(d);
  }
  return out;
}

Date parse_date_argument(const std::string& text, const char* what) {
  Date d;
  if (!Date::parse(text, d))
    throw ArgumentError(std::string(what) + ": expected a date YYYY-MM-DD, found '" + text + "'");
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "Compiled engine of migsim (private; use the migsim package)";

  auto base = py::register_exception<Error>(m, "MigsimError", PyExc_RuntimeError);
  auto scenario_error = py::register_exception<ScenarioError>(m, "ScenarioError", base.ptr());
  py::register_exception<TableError>(m, "TableError", scenario_error.ptr());
  py::register_exception<ArgumentError>(m, "ArgumentError", base.ptr());
  py::register_exception<OutputError>(m, "OutputError", base.ptr());

  m.def("version", &version);
  m.def("git_commit", &git_commit);
  m.def(
      "output_suffix_problem", [](const std::string& path) { return output::output_suffix_problem(path); },
      py::arg("path"), "What is wrong with the name of an HDF5/netCDF-4 file to write (\"\" if nothing)");
  m.def("builtin_scenarios", &builtin_scenario_names);
  m.def("export_builtin", &export_builtin, py::arg("name"), py::arg("folder"));
  m.def("mpi_available", &mpi_available, "True if this build can run distributed over MPI");
  m.def("world_rank", &world_rank, "This process's MPI rank (0 without MPI)");
  m.def("world_size", &world_size, "Number of MPI processes (1 without MPI)");
  m.def("parameter_reference_markdown", &parameter_reference_markdown);
  m.def("event_reference_markdown", &event_reference_markdown);
  m.def("event_schema", &event_schema_to_python);
  m.def("status_schema", [] {
    py::list out;
    for (const auto& s : kStatuses) {
      py::dict d;
      d["name"] = std::string(s.name);
      d["code"] = static_cast<int>(s.status);
      d["abroad"] = s.abroad;
      d["description"] = std::string(s.description);
      out.append(d);
    }
    return out;
  });
  m.def("output_schema", [] {
    py::list out;
    for (const auto& spec : kOutputs) {
      py::dict d;
      std::vector<std::string> dims = {"time"};
      for (auto dim : spec.dims)
        if (!dim.empty()) dims.emplace_back(dim);
      d["name"] = std::string(spec.name);
      d["dims"] = dims;
      d["units"] = std::string(spec.units);
      d["long_name"] = std::string(spec.long_name);
      d["standard_name"] = std::string(spec.standard_name);
      d["cell_method"] = std::string(cell_method_name(spec.cell_method));
      d["kind"] = std::string(kind_name(spec.kind));
      d["comment"] = std::string(spec.comment);
      out.append(d);
    }
    return out;
  });
  m.def("output_reference_markdown", &output_reference_markdown);
  m.def("parameter_schema", [] {
    py::list out;
    for (const auto& spec : parameter_schema()) {
      py::dict d;
      d["key"] = std::string(spec.key);
      d["unit"] = std::string(spec.unit);
      d["default"] = std::string(spec.default_text);
      d["min"] = spec.min;
      d["max"] = spec.max;
      d["description"] = std::string(spec.description);
      d["source"] = std::string(spec.source);
      if (const FitSpec* fit = find_fit(spec.key)) {
        py::dict f;
        f["min"] = fit->fit_min;
        f["max"] = fit->fit_max;
        f["log"] = fit->log;
        f["prior"] = std::string(prior_name(fit->prior));
        f["prior_args"] = py::make_tuple(fit->prior_a, fit->prior_b);
        f["rationale"] = std::string(fit->rationale);
        d["fit"] = f;
      } else {
        d["fit"] = py::none();
      }
      out.append(d);
    }
    return out;
  });

  py::class_<Scenario>(m, "Scenario")
      .def_property_readonly("name", [](const Scenario& s) { return s.params.name; })
      .def_property_readonly("description", [](const Scenario& s) { return s.params.description; })
      .def_property_readonly("source", [](const Scenario& s) { return s.source_name; })
      .def_property_readonly("start", [](const Scenario& s) { return s.params.start.iso(); })
      .def_property_readonly("end", [](const Scenario& s) { return s.params.end.iso(); })
      .def_property_readonly("seed", [](const Scenario& s) { return s.params.seed; })
      .def_property_readonly("scale", [](const Scenario& s) { return s.params.scale; })
      .def_property_readonly("origins",
                             [](const Scenario& s) {
                               std::vector<std::string> names;
                               for (const auto& r : s.origins) names.push_back(r.name);
                               return names;
                             })
      .def_property_readonly("destinations",
                             [](const Scenario& s) {
                               std::vector<std::string> names;
                               for (const auto& r : s.destinations) names.push_back(r.name);
                               return names;
                             })
      .def(
          "get",
          [](const Scenario& s, const std::string& key) {
            const ParamSpec* spec = find_parameter(key);
            if (!spec) {
              std::vector<std::string> keys;
              for (const auto& p : parameter_schema()) keys.emplace_back(p.key);
              auto hint = did_you_mean(key, keys);
              throw ScenarioError("unknown key '" + key + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
            }
            return format_parameter(s.params, *spec);
          })
      .def_property_readonly("countries",
                             [](const Scenario& s) {
                               std::vector<std::string> codes;
                               for (const auto& c : s.countries) codes.push_back(c.code);
                               return codes;
                             })
      .def_property_readonly("sectors",
                             [](const Scenario& s) {
                               std::vector<std::string> names;
                               for (const auto& x : s.sectors) names.push_back(x.name);
                               return names;
                             })
      .def_property_readonly("events",
                             [](const Scenario& s) {
                               py::list out;
                               for (const auto& e : s.events) out.append(event_to_python(e));
                               return out;
                             })
      .def_property_readonly("table_texts", [](const Scenario& s) { return s.table_texts; })
      .def_property_readonly("warnings", [](const Scenario& s) { return s.warnings; })
      .def("copy", [](const Scenario& s) { return Scenario(s); })
      .def(
          "add_event",
          [](Scenario& s, const std::string& yaml_text, const std::string& where) {
            add_event(s, parse_event(yaml_text, s, where));
            return s.events.back().label;
          },
          py::arg("yaml_text"), py::arg("where") = "event")
      .def("remove_event", [](Scenario& s, const std::string& label) { remove_event(s, label); })
      .def("resolved_yaml", &Scenario::resolved_yaml);

  m.def(
      "load_scenario",
      [](const std::string& name_or_path, const std::map<std::string, std::string>& overrides,
         bool allow_outside_paths) {
        return load_scenario(name_or_path, to_overrides(overrides), allow_outside_paths);
      },
      py::arg("name_or_path"), py::arg("overrides") = std::map<std::string, std::string>{},
      py::arg("allow_outside_paths") = false);

  m.def(
      "state_info",
      [](const std::filesystem::path& path) {
        const StateInfo i = read_state_info(path);
        py::dict d;
        d["format"] = i.format;
        d["migsim_version"] = i.migsim_version;
        d["git_commit"] = i.git_commit;
        d["created_utc"] = i.created_utc;
        d["scenario_name"] = i.scenario_name;
        d["scenario_source"] = i.scenario_source;
        d["seed"] = i.seed;
        d["scale"] = i.scale;
        d["steps_done"] = i.steps_done;
        d["date"] = i.date.iso();
        d["agents"] = i.agents;
        d["fingerprint"] = i.fingerprint;
        d["resumed_from"] = i.resumed_from;
        d["bytes"] = i.bytes;
        d["description"] = describe_state(i);
        return d;
      },
      py::arg("path"));
  m.def(
      "load_state_scenario",
      [](const std::filesystem::path& path, const std::map<std::string, std::string>& overrides) {
        return load_state_scenario(path, to_overrides(overrides));
      },
      py::arg("path"), py::arg("overrides") = std::map<std::string, std::string>{});
  m.def("looks_like_state_file", [](const std::filesystem::path& path) { return looks_like_state_file(path); });

  py::class_<Simulation>(m, "Simulation")
      .def(py::init([](const Scenario& scenario, std::uint64_t seed, int threads, std::int64_t scale,
                       std::optional<std::string> until, bool distributed) {
             RunOptions options{seed, threads, scale, std::nullopt, distributed};
             if (until) options.until = parse_date_argument(*until, "until");
             if (distributed && !mpi_available())
               throw ArgumentError(
                   "mpi=True: this build of migsim has no MPI support (install Debian's libopenmpi-dev and "
                   "rebuild; see docs/distributed.md)");
             py::gil_scoped_release release;
             return std::make_unique<Simulation>(scenario, options);
           }),
           py::arg("scenario"), py::arg("seed"), py::arg("threads"), py::arg("scale"), py::arg("until") = py::none(),
           py::arg("distributed") = false)
      .def_property_readonly("total_steps", &Simulation::total_steps)
      .def_property_readonly("steps_done", &Simulation::steps_done)
      .def_property_readonly("done", &Simulation::done)
      .def_property_readonly("current_date", [](const Simulation& s) { return s.current_date().iso(); })
      .def("step", &Simulation::step, py::call_guard<py::gil_scoped_release>())
      .def(
          "steps_until",
          [](const Simulation& s, const std::string& until) {
            return s.scenario().calendar().steps_until(parse_date_argument(until, "until"));
          },
          py::arg("until"))
      .def(
          "add_events",
          [](Simulation& s, const std::vector<std::pair<std::string, std::string>>& yaml_and_where) {
            std::vector<Event> events;
            for (const auto& [yaml_text, where] : yaml_and_where)
              events.push_back(parse_event(yaml_text, s.scenario(), where));
            const std::size_t first = s.scenario().events.size();
            s.add_events(std::move(events));
            py::list added;
            for (std::size_t k = first; k < s.scenario().events.size(); ++k)
              added.append(event_to_python(s.scenario().events[k]));
            return added;
          },
          py::arg("yaml_and_where"))
      .def_property_readonly("scenario", [](const Simulation& s) { return Scenario(s.scenario()); })
      .def("results_since",
           [](const Simulation& s, std::size_t first_step) { return dataset_to_python(s.results_since(first_step)); })
      .def(
          "run",
          [](Simulation& s, std::optional<std::function<void(std::size_t, std::size_t)>> progress) {
            // Reacquire the GIL only between steps: to move the bar, and to let Python handle a
            // Ctrl-C or SIGTERM (KeyboardInterrupt) even in a quiet run. The step in progress
            // completes first, so the simulation can be continued afterwards.
            py::gil_scoped_release release;
            s.run([&](std::size_t done, std::size_t total) {
              py::gil_scoped_acquire acquire;
              if (PyErr_CheckSignals() != 0) throw py::error_already_set();
              if (progress) (*progress)(done, total);
            });
          },
          py::arg("progress") = py::none())
      .def("stats",
           [](const Simulation& s) {
             auto st = s.stats();
             py::dict d;
             d["steps"] = st.steps;
             d["agent_steps"] = st.agent_steps;
             d["resumed_agent_steps"] = st.resumed_agent_steps;
             d["wall_seconds"] = st.wall_seconds;
             d["agent_slots"] = st.agent_slots;
             d["live_agents"] = st.live_agents;
             d["agent_bytes"] = st.agent_bytes;
             d["threads"] = st.threads;
             d["ranks"] = st.ranks;
             d["rank"] = st.rank;
             d["local_agent_slots"] = st.local_agent_slots;
             d["communication_seconds"] = st.communication_seconds;
             return d;
           })
      .def("results", [](const Simulation& s) { return dataset_to_python(s.results()); })
      .def(
          "save_state",
          [](const Simulation& s, const std::filesystem::path& path) {
            bool signalled = false;
            try {
              py::gil_scoped_release release;
              s.save_state(path, [&signalled] {
                py::gil_scoped_acquire acquire;
                signalled = PyErr_CheckSignals() != 0;
                return signalled;
              });
            } catch (const output::WriteCancelled&) {
              if (signalled) throw py::error_already_set();
              throw;
            }
          },
          py::arg("path"))
      .def_static(
          "from_state",
          [](const std::filesystem::path& path, std::optional<Scenario> scenario, std::vector<std::string> sets,
             std::optional<std::uint64_t> seed, std::optional<std::int64_t> scale, int threads,
             std::optional<std::string> until, bool distributed) {
            ResumeOptions options;
            options.scenario = std::move(scenario);
            for (const auto& text : sets) options.overrides.push_back(parse_override(text));
            options.seed = seed;
            options.scale = scale;
            options.threads = threads;
            if (until) options.until = parse_date_argument(*until, "until");
            options.distributed = distributed;
            py::gil_scoped_release release;
            return std::make_unique<Simulation>(Simulation::from_state(path, std::move(options)));
          },
          py::arg("path"), py::arg("scenario") = py::none(), py::arg("sets") = std::vector<std::string>{},
          py::arg("seed") = py::none(), py::arg("scale") = py::none(), py::arg("threads") = 0,
          py::arg("until") = py::none(), py::arg("distributed") = false)
      .def("fork",
           [](const Simulation& s) {
             py::gil_scoped_release release;
             return std::make_unique<Simulation>(s.fork());
           })
      .def_property_readonly("fingerprint", &Simulation::fingerprint)
      .def_property_readonly("resumed_from", &Simulation::resumed_from)
      .def_property_readonly("seed", [](const Simulation& s) { return s.options().seed; })
      .def_property_readonly("scale", [](const Simulation& s) { return s.options().scale; })
      .def("write", [](const Simulation& s, const std::filesystem::path& path) {
        auto ds = s.results();
        bool signalled = false;
        try {
          py::gil_scoped_release release;
          output::write_netcdf4(ds, path, [&signalled] {
            py::gil_scoped_acquire acquire;
            signalled = PyErr_CheckSignals() != 0;
            return signalled;
          });
        } catch (const output::WriteCancelled&) {
          if (signalled) throw py::error_already_set();  // the KeyboardInterrupt raised by the handler
          throw;
        }
      });
}
