#!/usr/bin/env python3
"""Regenerates the parts of the type stubs (python/migsim/*.pyi) that come from the engine's schemas.

The package is annotated inline; stubs remain only where the runtime builds its API from the engine's
schemas, which a type checker cannot see (and for the compiled core, ``_core.pyi``). The text between
each pair of GENERATED markers is owned by this script; the rest of each stub is hand-written. Generated:

- ``events.pyi``: one class per event type of ``migsim._core.event_schema()``, with an explicit
  ``__init__`` (typed keyword arguments and a docstring), read-only field properties and a typed
  ``replace``; the class docstring is the runtime class's; and their entries in ``__all__`` (which
  ``migsim/__init__.py`` re-exports).
- ``scenario.pyi``: attribute access to the parameters (``sc.behaviour.departure.base_rate``), one
  class per section of ``migsim._core.parameter_schema()``.
- ``docs/python.md``: the table of event classes.

`--check` exits 1 if a file is out of date (used by tests/python/test_stubs.py); `make docs` runs it
without `--check`.
"""

from __future__ import annotations

import argparse
import keyword
import sys
from pathlib import Path
from typing import Any, Callable, Mapping

import migsim

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "python" / "migsim"
WIDTH = 112  # longest generated line before arguments are put one per line

# Event field kinds (bindings.cpp field_kind_name) -> (type of the argument, type of the property).
# Lists are lists or tuples, as the runtime check (migsim.events._check_value) accepts: a plain
# string is not a list of names, so `citizenships="KG"` is a type error rather than a runtime one.
# The types are spelt out (no aliases) so that an editor's signature help shows them as they are.
DATE = "str | datetime.date"
NAMES = "list[str] | tuple[str, ...]"
FIELD_TYPES: dict[str, tuple[str, str]] = {
    "number": ("float", "float"),
    "text": ("str", "str"),
    "country": ("str", "str"),
    "currency": ("str", "str"),
    "region": ("str", "str"),
    "sector": ("str", "str"),
    "country_list": (NAMES, "list[str]"),
    "region_list": (NAMES, "list[str]"),
    "sector_list": (NAMES, "list[str]"),
    "date": (DATE, "str"),
    "optional_date": (DATE, "str"),
    "schedule": ("list[Mapping[str, Any]] | tuple[Mapping[str, Any], ...]", "list[dict[str, Any]]"),
}

# Members of migsim.Event that a field of an event type must not shadow.
EVENT_MEMBERS = {"type", "fields", "summary", "start", "end", "label", "source", "to_dict", "to_yaml", "replace",
                 "country_or_regions_field"}


# ------------------------------------------------------------------------------------------- helpers


def docstring(text: str, indent: str) -> list[str]:
    """A triple-quoted docstring, indented, with backslashes and quotes escaped."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip()
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    lines = text.splitlines() or [""]
    out = [f'{indent}"""{lines[0]}']
    out += [f"{indent}{line}" if line.strip() else "" for line in lines[1:]]
    if len(lines) == 1:
        out[0] += '"""'
    else:
        out.append(f'{indent}"""')
    return out


def signature(indent: str, head: str, params: list[str], tail: str, comment: str = "") -> list[str]:
    """``def name(params) -> T:`` on one line if it fits, else one parameter per line; ``comment`` goes on
    the first line, where mypy reports errors about a definition."""
    comment = f"  # {comment}" if comment else ""
    one_line = f"{indent}{head}({', '.join(params)}){tail}"
    if len(one_line + comment) <= WIDTH:
        return [one_line + comment]
    return [f"{indent}{head}({comment}", *[f"{indent}    {p}," for p in params], f"{indent}){tail}"]


def literal(choices: str) -> str:
    return "Literal[" + ", ".join(f'"{c}"' for c in choices.split("|")) + "]"


def field_types(field: Mapping[str, Any]) -> tuple[str, str]:
    kind = field["kind"]
    if kind == "choice":
        return literal(field["choices"]), literal(field["choices"])
    if kind == "choice_list":
        lit = literal(field["choices"])
        return f"list[{lit}] | tuple[{lit}, ...]", f"list[{lit}]"
    if kind not in FIELD_TYPES:
        raise SystemExit(f"event field {field['name']!r}: unknown kind {kind!r}; add it to FIELD_TYPES in {__file__}")
    return FIELD_TYPES[kind]


def class_name(type_name: str) -> str:
    return "".join(part.capitalize() for part in type_name.split("_"))


def sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", ")")) else text + "."


# -------------------------------------------------------------------------------------------- events


def bounds(spec: Mapping[str, Any]) -> str | None:
    """``0 to 1`` or ``>= 0`` (an upper bound of 1e12 or more means none)."""
    if not (spec["min"] or spec["max"]):
        return None
    return f">= {spec['min']:g}" if spec["max"] >= 1e12 else f"{spec['min']:g} to {spec['max']:g}"


def described(description: str, notes: list[str]) -> str:
    """``Description (note; note).``"""
    text = description.strip().rstrip(".")
    return f"{text} ({'; '.join(notes)})." if notes else sentence(text)


def field_doc(field: Mapping[str, Any], either: bool) -> str:
    notes = [field["unit"]] if field["unit"] else []
    choice = field["kind"] in ("choice", "choice_list")
    if choice:
        notes.append(("a list of " if field["kind"] == "choice_list" else "one of ")
                     + ", ".join(f'``"{c}"``' for c in field["choices"].split("|")))
    if either and field["name"] in ("country", "regions"):
        notes.append("give exactly one of ``country`` and ``regions``")
    elif field["required"]:
        notes.append("required")
    elif field["default"] and "default" not in field["description"].lower():
        shown = f'``"{field["default"]}"``' if field["kind"] == "choice" else field["default"]
        notes.append(f"default {shown}")
    if field["kind"] == "number" and bounds(field):
        notes.append(str(bounds(field)))
    return described(field["description"], notes)


def event_class(spec: Mapping[str, Any]) -> list[str]:
    name = class_name(spec["name"])
    runtime = migsim.EVENT_TYPES[spec["name"]]
    if runtime.__name__ != name:
        raise SystemExit(f"event type {spec['name']!r}: the runtime class is {runtime.__name__}, expected {name}")
    either = bool(spec["country_or_regions"])
    init: list[str] = ["self", f"start: {DATE}"]
    replace: list[str] = ["self", "*", f"start: {DATE} = ..."]
    args_doc = ["start: first day in force, ``YYYY-MM-DD`` or a :class:`datetime.date`."]
    if spec["has_end"] and spec["end_required"]:
        init.append(f"end: {DATE}")
        replace.append(f"end: {DATE} = ...")
        args_doc.append("end: last day in force, inclusive (required).")
    elif spec["has_end"]:
        init.append(f"end: {DATE} | None = None")
        replace.append(f"end: {DATE} | None = ...")
        args_doc.append("end: last day in force, inclusive (default: open-ended).")
    init.append("*")
    properties: list[str] = []
    for field in spec["fields"]:
        fname = field["name"]
        if not fname.isidentifier() or keyword.iskeyword(fname) or fname in EVENT_MEMBERS:
            raise SystemExit(f"event type {spec['name']!r}: field {fname!r} cannot be a keyword argument")
        arg_type, value_type = field_types(field)
        required = field["required"] and not (either and fname in ("country", "regions"))
        if required:
            init.append(f"{fname}: {arg_type}")
            replace.append(f"{fname}: {arg_type} = ...")
        else:
            init.append(f"{fname}: {arg_type} | None = None")
            replace.append(f"{fname}: {arg_type} | None = ...")
            value_type += " | None"
        args_doc.append(f"{fname}: {field_doc(field, either)}")
        properties += ["    @property", f"    def {fname}(self) -> {value_type}:"]
        properties += docstring(sentence(field["description"]), "        ")
    for common in ("label: str | None = None", "source: str | None = None"):
        init.append(common)
        replace.append(common.replace("= None", "= ..."))
    args_doc.append("label: unique name of the event in its scenario, ``[a-z0-9_]+`` (default: ``<type>_<n>``).")
    args_doc.append("source: citation for the event.")

    init_doc = [sentence(spec["summary"]), ""]
    if either:
        init_doc += ["Give exactly one of ``country`` (all its regions) and ``regions``.", ""]
    if not spec["has_end"]:
        init_doc += [f"A {spec['name']} has no ``end``: it happens once, in the step containing ``start``.", ""]
    init_doc += ["Args:"] + [f"    {line}" for line in args_doc]
    init_doc += ["", "Raises:", "    TypeError: an unknown field, a missing required field or a value of the wrong type.",
                 "", "The engine checks names, ranges and dates when the event is added to a scenario",
                 "(:meth:`migsim.Scenario.add_event`) or issued (:meth:`migsim.Simulation.issue`)."]

    lines = [f"class {name}(Event):"]
    lines += docstring(runtime.__doc__ or spec["summary"], "    ")
    lines += ["", f'    type: ClassVar[Literal["{spec["name"]}"]]', ""]
    lines += signature("    ", "def __init__", init, " -> None:")
    lines += docstring("\n".join(init_doc), "        ")
    lines += properties
    lines += signature("    ", "def replace", replace, " -> Self:", "type: ignore[override]")
    lines += docstring("A copy with some fields changed, e.g. ``event.replace(start=\"2027-01-01\")``.", "        ")
    return lines


def events_section() -> str:
    lines: list[str] = []
    for spec in migsim._core.event_schema():
        lines += ["", *event_class(spec), ""]
    return "\n".join(lines[1:]) + "\n"


def event_names_section() -> str:
    return "".join(f'    "{class_name(spec["name"])}",\n' for spec in migsim._core.event_schema())


def event_table_section() -> str:
    """The table of event classes in docs/python.md."""
    rows = ["| class | `type:` in a scenario file | what it is | required fields |", "|---|---|---|---|"]
    for spec in migsim._core.event_schema():
        either = bool(spec["country_or_regions"])
        required = ["start"] + (["end"] if spec["has_end"] and spec["end_required"] else [])
        required += [f["name"] for f in spec["fields"] if f["required"] and not (either and f["name"] in ("country", "regions"))]
        if either:
            required.append("country or regions")
        summary = spec["summary"].replace("|", "\\|")
        rows.append(f"| `{class_name(spec['name'])}` | `{spec['name']}` | {summary} | {', '.join(required)} |")
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------------------- parameters


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parameter_doc(spec: Mapping[str, Any]) -> str:
    notes = [f"``{spec['key']}``"]
    if spec["unit"]:
        notes.append(spec["unit"])
    notes.append(f"default {spec['default']}" if spec["default"] else "required")
    if bounds(spec):
        notes.append(str(bounds(spec)))
    return described(spec["description"], notes)


def section_class(path: str) -> str:
    return "_" + "".join(part.capitalize() for part in path.replace(".", "_").split("_")) + "Section"


def parameter_tree() -> tuple[dict[str, list[str]], dict[str, Mapping[str, Any]]]:
    """Children of every section ("" = the scenario) and the schema entry of every parameter."""
    specs: dict[str, Mapping[str, Any]] = {spec["key"]: spec for spec in migsim._core.parameter_schema()}
    children: dict[str, list[str]] = {"": []}
    for key in specs:
        parts = key.split(".")
        for depth in range(len(parts)):
            parent, child = ".".join(parts[:depth]), ".".join(parts[: depth + 1])
            children.setdefault(parent, [])
            if child not in children[parent]:
                children[parent].append(child)
    return children, specs


def member_lines(path: str, children: dict[str, list[str]], specs: Mapping[str, Mapping[str, Any]],
                 indent: str) -> list[str]:
    """The attributes of one section: sub-sections (read-only) and parameters (read and write)."""
    lines: list[str] = []
    for child in children[path]:
        attr = child.rsplit(".", 1)[-1]
        if keyword.iskeyword(attr):
            lines.append(f"{indent}# {child}: `{attr}` is a Python keyword; use sc.get/sc.set(\"{child}...\")")
            continue
        if child in specs and child in children:
            raise SystemExit(f"parameter {child!r} is both a value and a section")
        if child not in specs:
            lines += [f"{indent}@property", f"{indent}def {attr}(self) -> {section_class(child)}:"]
            lines += docstring(f"The parameters under ``{child}``.", indent + "    ")
            continue
        spec = specs[child]
        doc = docstring(parameter_doc(spec), indent + "    ")
        if spec["unit"] == "date":  # read as text, written as text or a date
            lines += [f"{indent}@property", f"{indent}def {attr}(self) -> str:", *doc]
            lines += [f"{indent}@{attr}.setter", f"{indent}def {attr}(self, value: str | datetime.date) -> None: ..."]
        elif path == "":  # a top-level parameter (name, description): a property of the Scenario class
            kind = "float" if _is_number(spec["default"]) else "str"
            lines += [f"{indent}@property", f"{indent}def {attr}(self) -> {kind}:", *doc]
            lines += [f"{indent}@{attr}.setter", f"{indent}def {attr}(self, value: {kind}) -> None: ..."]
        else:
            kind = "float" if _is_number(spec["default"]) else "str"
            lines += [f"{indent}{attr}: {kind}", *docstring(parameter_doc(spec), indent)]
    return lines


def scenario_members_section() -> str:
    children, specs = parameter_tree()
    return "\n".join(member_lines("", children, specs, "    ")) + "\n"


def parameter_sections_section() -> str:
    children, specs = parameter_tree()
    lines: list[str] = []
    for path in children:
        if not path or path in specs or any(keyword.iskeyword(p) for p in path.split(".")):
            continue
        lines += ["", f"class {section_class(path)}(_Section):"]
        lines += docstring(f"The parameters under ``{path}``: read and set them as attributes.", "    ")
        lines += member_lines(path, children, specs, "    ")
    return "\n".join(lines[1:]) + "\n"


# ----------------------------------------------------------------------------------------- rendering

SECTIONS: dict[Path, dict[str, Callable[[], str]]] = {
    PACKAGE / "events.pyi": {"EVENT NAMES": event_names_section, "EVENTS": events_section},
    PACKAGE / "scenario.pyi": {"SCENARIO PARAMETERS": scenario_members_section,
                               "PARAMETER SECTIONS": parameter_sections_section},
    REPO / "docs" / "python.md": {"EVENT CLASSES": event_table_section},
}


def render_section(text: str, path: Path, name: str, body: str) -> str:
    """Replaces the lines between the BEGIN and END markers of `name` (kept, with their indentation)."""
    begin = f"BEGIN GENERATED {name}: tools/generate_stubs.py"
    end = f"END GENERATED {name}"
    begin, end = (f"<!-- {begin} -->", f"<!-- {end} -->") if path.suffix == ".md" else (f"# {begin}", f"# {end}")
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    stops = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) != 1 or len(stops) != 1 or stops[0] < starts[0]:
        raise SystemExit(f"{path}: expected one pair of markers {begin!r} ... {end!r}")
    return "".join(lines[: starts[0] + 1]) + body + "".join(lines[stops[0]:])


def render(path: Path, text: str) -> str:
    for name, body in SECTIONS[path].items():
        text = render_section(text, path, name, body())
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a stub is out of date")
    args = parser.parse_args()
    changed = {}
    for path in SECTIONS:  # render every file before writing any
        current = path.read_text()
        wanted = render(path, current)
        if current != wanted:
            changed[path] = wanted
    if changed and args.check:
        stale = list(changed)
        print("out of date: " + ", ".join(map(str, stale)) + ": run `make docs` (tools/generate_stubs.py)",
              file=sys.stderr)
        return 1
    for path, wanted in changed.items():
        path.write_text(wanted)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
