"""Scenarios as Python objects: load, copy, edit by key path or attribute, add events, validate.

A :class:`Scenario` is a recipe — where the scenario comes from, the key-path edits and the
events added or removed — plus the engine's validated scenario built from it. Every edit is
checked at once by the same code as ``migsim run --set``, so a bad value raises
:class:`migsim.ScenarioError` and leaves the scenario as it was.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any, Iterator, Union

from . import _core
from .events import Event, event_from_dict

PathLike = Union[str, "os.PathLike[str]"]

_PARAMETERS: dict[str, dict[str, Any]] = {p["key"]: p for p in _core.parameter_schema()}


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value_text(v) for v in value) + "]"
    if isinstance(value, dict):  # an item of a structured field (a schedule step)
        return "{" + ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def _python_value(text: str) -> Any:
    """The engine formats every parameter as text; numbers come back as int or float."""
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def _unknown_key(key: str) -> "_core.ScenarioError":
    # Above difflib's 0.6: the shared "behaviour." would otherwise make any key a near miss
    # ("behaviour.nope" -> "behaviour.return.reopening_rate").
    hint = difflib.get_close_matches(key, list(_PARAMETERS), n=1, cutoff=0.8)
    return _core.ScenarioError(f"unknown key '{key}'" + (f"; did you mean '{hint[0]}'?" if hint else "")
                               + " (see migsim.parameter_reference() or docs/scenarios.md)")


def _in_python_words(message: str, key: str, value: Any) -> str:
    """The engine words an edit's error as the CLI's ``--set key=value`` (with the line of that text);
    a notebook user wrote ``Scenario.set(key, value)``, so the error names that call instead."""
    prefix = re.compile(rf"^--set {re.escape(key)}(={re.escape(_value_text(value))})?(:\d+)?: ")
    return prefix.sub(lambda _: f"Scenario.set({key!r}, {value!r}): ", message, count=1)


_STATE_PREFIX = "state:"  # the source of a scenario read from a state file (Scenario.from_state)


def _resolve_source(name_or_path: PathLike) -> str:
    """Built-in names stay names; paths become absolute so copies work from any folder."""
    text = os.fspath(name_or_path)
    path = Path(text)
    if path.exists():
        return str(path.resolve())
    return text


def _umask() -> int:
    """The process's umask (read by setting it, then restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

class _Section:
    """Attribute access to one section of the parameters: ``sc.behaviour.departure``."""

    __slots__ = ("_scenario", "_prefix")

    def __init__(self, scenario: "Scenario", prefix: str) -> None:
        object.__setattr__(self, "_scenario", scenario)
        object.__setattr__(self, "_prefix", prefix)

    def _path(self, name: str) -> str:
        return f"{self._prefix}.{name}"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._scenario._attribute(self._path(name))

    def __setattr__(self, name: str, value: Any) -> None:
        self._scenario.set(self._path(name), value)

    def __dir__(self) -> list[str]:
        depth = self._prefix.count(".") + 1
        return sorted({k.split(".")[depth] for k in _PARAMETERS if k.startswith(self._prefix + ".")})

    def __repr__(self) -> str:
        keys = [k for k in _PARAMETERS if k.startswith(self._prefix + ".")]
        body = ", ".join(f"{k[len(self._prefix) + 1:]}={self._scenario.get(k)!r}" for k in keys)
        return f"<{self._prefix}: {body}>"


class ScenarioWarning(UserWarning):
    """Something in a scenario that migsim leaves out rather than refuses, such as an event an extended
    scenario brings that starts after this scenario's ``calendar.end`` (the CLI prints the same lines)."""


def _warn_new(before: list[str], after: list[str]) -> None:
    """Shows each load warning once: those a change brings, not those already shown. A warning that differs only
    inside parentheses (the new calendar end of the same left-out event) was shown already."""
    def key(message: str) -> str:
        return re.sub(r"\([^)]*\)", "()", message)

    shown = {key(message) for message in before}
    for message in after:
        if key(message) not in shown:
            warnings.warn(message, ScenarioWarning, stacklevel=4)


class Scenario:
    """A scenario you can change in code and run.

    >>> sc = migsim.Scenario.load("kyrgyzstan")
    >>> sc.set("behaviour.departure.base_rate", 0.02)          # by key path
    >>> sc.behaviour.departure.base_rate = 0.02                  # or by attribute
    >>> sc.add_event(migsim.Quota(start="2015-01-01", country="RU", limit=50_000))
    >>> other = sc.copy()                                         # independent of sc

    A scenario is picklable (as its source, edits and events), so it can be sent to worker
    processes; a scenario loaded from a folder must be readable at the same path there.
    """

    def __init__(self, source: PathLike = "kyrgyzstan", *, allow_outside_paths: bool = False) -> None:
        self._source = _resolve_source(source)
        self._allow_outside_paths = bool(allow_outside_paths)
        self._overrides: dict[str, str] = {}
        self._removed: list[str] = []
        self._added: list[dict[str, Any]] = []
        self._core = self._build(self._overrides, self._removed, self._added)
        _warn_new([], self.warnings)

    # ---- construction ---------------------------------------------------------------------

    @classmethod
    def load(cls, name_or_path: PathLike = "kyrgyzstan", *, allow_outside_paths: bool = False,
             **overrides: Any) -> "Scenario":
        """Loads a built-in scenario by name, a scenario folder or a ``scenario.yaml`` path.

        Keyword overrides use ``__`` for dots: ``Scenario.load("kyrgyzstan", run__scale=100)``.
        Tables must lie inside the scenario's folder or the folders of the scenarios it extends
        (symbolic links resolved), also when set later with :meth:`set`; ``allow_outside_paths=True``
        lifts that (like ``--allow-outside-paths``). Raises :class:`migsim.ScenarioError` (or
        :class:`migsim.TableError`) naming the file, the key path or the CSV line.
        """
        sc = cls(name_or_path, allow_outside_paths=allow_outside_paths)
        for key, value in overrides.items():
            sc.set(key.replace("__", "."), value)
        return sc

    @classmethod
    def from_state(cls, path: PathLike) -> "Scenario":
        """The scenario a saved state holds (as run, with the events issued during the run), to
        edit for a branch: ``migsim.Simulation.from_state(path, scenario=sc)``. Its tables are the
        state's; edits are checked when the branch starts (only what acts after the state's date)."""
        sc = cls.__new__(cls)
        sc._source = _STATE_PREFIX + str(Path(os.fspath(path)).resolve())
        sc._allow_outside_paths = False
        sc._overrides, sc._removed, sc._added = {}, [], []
        sc._core = sc._build(sc._overrides, sc._removed, sc._added)
        return sc

    def _build(self, overrides: dict[str, str], removed: list[str], added: list[dict[str, Any]]) -> "_core.Scenario":
        if self._source.startswith(_STATE_PREFIX):
            core = _core.load_state_scenario(self._source[len(_STATE_PREFIX):], overrides)
        else:
            core = _core.load_scenario(self._source, overrides, self._allow_outside_paths)
        present = {event["label"] for event in core.events}
        for label in removed:
            if label not in present and any(f"event '{label}' starts" in w for w in core.warnings):
                continue  # left out already: it starts after a calendar.end set since it was removed
            core.remove_event(label)
        for event in added:
            where = f"event {event.get('label') or event['type']}"
            core.add_event(Event.to_yaml(event_from_dict(event)), where)
        return core

    def _rebuild(self, overrides: dict[str, str], removed: list[str], added: list[dict[str, Any]]) -> None:
        """Applies a change only if the whole scenario still validates."""
        core = self._build(overrides, removed, added)
        before = self.warnings
        self._overrides, self._removed, self._added, self._core = overrides, removed, added, core
        _warn_new(before, self.warnings)

    @property
    def warnings(self) -> list[str]:
        """What loading left out rather than refused (also shown as :class:`ScenarioWarning` when it happens)."""
        return list(self._core.warnings)

    def copy(self) -> "Scenario":
        """An independent copy: editing one never changes the other."""
        other = Scenario.__new__(Scenario)
        other._source = self._source
        other._allow_outside_paths = self._allow_outside_paths
        other._overrides = dict(self._overrides)
        other._removed = list(self._removed)
        other._added = [dict(e) for e in self._added]
        other._core = self._core.copy()
        return other

    __copy__ = copy

    def __deepcopy__(self, memo: dict[int, Any]) -> "Scenario":
        return self.copy()

    def __getstate__(self) -> dict[str, Any]:
        return {"source": self._source, "overrides": self._overrides, "removed": self._removed, "added": self._added,
                "allow_outside_paths": self._allow_outside_paths}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._source = state["source"]
        self._allow_outside_paths = bool(state.get("allow_outside_paths", False))
        self._overrides, self._removed, self._added = state["overrides"], state["removed"], state["added"]
        self._core = self._build(self._overrides, self._removed, self._added)

    # ---- parameters -----------------------------------------------------------------------

    def set(self, key: str, value: Any) -> "Scenario":
        """Sets a parameter (``"behaviour.departure.base_rate"``) or an event field
        (``"events.quota_halved.limit"``); checked at once, as ``--set`` is. Returns the scenario."""
        if not isinstance(key, str):
            raise TypeError(f"key: expected a key path such as 'behaviour.departure.base_rate', found {key!r}")
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "events":
            for i, event in enumerate(self._added):  # an event added in Python: edit it directly
                if event.get("label") == parts[1]:
                    added = [dict(e) for e in self._added]
                    added[i][parts[2]] = value
                    event_from_dict(added[i])  # Python-side type check of the field
                    self._rebuild(self._overrides, self._removed, added)
                    return self
        elif key not in _PARAMETERS:
            raise _unknown_key(key)
        if isinstance(value, (dict, set)) or value is None:
            raise _core.ScenarioError(f"key '{key}': expected a number, text, date or list, found {value!r}")
        try:
            self._rebuild({**self._overrides, key: _value_text(value)}, self._removed, self._added)
        except (_core.ScenarioError, _core.ArgumentError) as error:
            raise type(error)(_in_python_words(str(error), key, value)) from None
        return self

    def get(self, key: str) -> Any:
        """The value of a parameter or an event field (``"events.<label>.<field>"``)."""
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "events":
            event = self.event(parts[1]).to_dict()
            if parts[2] not in event and parts[2] not in type(self.event(parts[1])).fields:
                raise _core.ScenarioError(f"event '{parts[1]}' has no field '{parts[2]}'")
            return event.get(parts[2])
        if key not in _PARAMETERS:
            raise _unknown_key(key)
        return _python_value(self._core.get(key))

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def _attribute(self, path: str) -> Any:
        if path in _PARAMETERS:
            return self.get(path)
        if any(k.startswith(path + ".") for k in _PARAMETERS):
            return _Section(self, path)
        raise AttributeError(f"{_unknown_key(path)}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._attribute(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        elif name in _PARAMETERS:
            self.set(name, value)
        else:
            raise AttributeError(f"cannot set {name!r}: set a parameter by its key path, e.g. "
                                 f"sc.set('behaviour.departure.base_rate', 0.02)")

    @property
    def overrides(self) -> dict[str, str]:
        """The key-path edits made so far (as the text ``--set`` would take)."""
        return dict(self._overrides)

    # ---- events ---------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        """Every event of the scenario (from its files and added here) as policy objects."""
        return [event_from_dict(e) for e in self._core.events]

    def event(self, label: str) -> Event:
        """The event with this label."""
        for e in self._core.events:
            if e["label"] == label:
                return event_from_dict(e)
        hint = difflib.get_close_matches(label, [e["label"] for e in self._core.events], n=1)
        raise _core.ScenarioError(f"no event labelled '{label}'" + (f"; did you mean '{hint[0]}'?" if hint else ""))

    def add_event(self, event: Event | dict[str, Any]) -> str:
        """Adds an event (``migsim.Quota(...)`` or an ``events:`` item as a dict); returns its label.

        Checked against the scenario at once: names of countries and regions, dates inside the
        scenario's period, field ranges, a unique label.
        """
        if isinstance(event, dict):
            event = event_from_dict(event)
        if not isinstance(event, Event):
            raise TypeError(f"add_event: expected a migsim event such as migsim.Quota(...), found {event!r}")
        values = event.to_dict()
        core = self._core.copy()
        where = f"event {values.get('label') or values['type']}"
        label = core.add_event(event.to_yaml(), where)
        values["label"] = label
        self._added = [*self._added, values]
        self._core = core
        return label

    def _record_issued(self, values: dict[str, Any], core: "_core.Scenario") -> None:
        """Records an event a running Simulation has added (already checked by the engine)."""
        self._added = [*self._added, dict(values)]
        self._core = core

    def remove_event(self, label: str) -> None:
        """Removes an event by label (from the scenario's files or added here)."""
        added = [e for e in self._added if e.get("label") != label]
        removed = self._removed if len(added) != len(self._added) else [*self._removed, label]
        self._rebuild(self._overrides, removed, added)

    # ---- description ----------------------------------------------------------------------

    def validate(self) -> "Scenario":
        """Checks the scenario again from its files (they may have changed on disk)."""
        self._rebuild(self._overrides, self._removed, self._added)
        return self

    def to_yaml(self) -> str:
        """The fully resolved scenario as YAML: every parameter and event, defaults filled in."""
        return str(self._core.resolved_yaml())

    def save(self, folder: PathLike, overwrite: bool = False) -> Path:
        """Writes the scenario as a self-contained folder (``scenario.yaml`` with every parameter
        and event resolved, and its CSV tables) that ``migsim run`` and :meth:`load` read.

        Args:
            folder: the folder to write (created; it must not exist or be empty).
            overwrite: replace a scenario folder written earlier (one holding a ``scenario.yaml``; any
                other non-empty folder is refused), so a notebook can run twice.

        Raises:
            FileExistsError: ``folder`` exists, is not empty, and ``overwrite`` is false or it holds no
                ``scenario.yaml``.
        """
        folder = Path(folder)
        replace = False
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            if not overwrite:
                raise FileExistsError(f"{folder}: exists and is not an empty folder (save(..., overwrite=True) "
                                      f"replaces a scenario folder)")
            if not (folder / "scenario.yaml").is_file():
                raise FileExistsError(f"{folder}: overwrite=True replaces only a scenario folder (one with a "
                                      f"scenario.yaml); this one has none")
            replace = True
        tables = {key.split(".", 1)[1]: text for key, text in self._core.table_texts.items()}
        lines, in_tables = [], False
        for line in self.to_yaml().splitlines():
            if line == "tables:":
                in_tables = True
            elif in_tables and line.startswith("  ") and line.strip().split(":")[0] in tables:
                name = line.strip().split(":")[0]
                line = f"  {name}: {name}.csv"  # the tables are written next to scenario.yaml
            elif not line.startswith("  "):
                in_tables = False
            lines.append(line)
        folder.parent.mkdir(parents=True, exist_ok=True)
        # A new folder with an unpredictable name (mkdtemp: exclusive, mode 0700), its files created
        # exclusively ("x"), renamed into place when complete: never written through a planted link.
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
        try:
            for name, text in tables.items():
                with open(staging / f"{name}.csv", "x", encoding="utf-8") as out:
                    out.write(text)
            with open(staging / "scenario.yaml", "x", encoding="utf-8") as out:
                out.write("\n".join(lines) + "\n")
            os.chmod(staging, 0o777 & ~_umask())
            Scenario.load(staging)  # what was written must load
            if replace:
                shutil.rmtree(folder)
            elif folder.exists():
                folder.rmdir()
            staging.rename(folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return folder

    @property
    def core(self) -> "_core.Scenario":
        """The engine's validated scenario (a copy; for advanced use)."""
        return self._core.copy()

    name = property(lambda self: str(self._core.name), doc="Scenario name.")
    description = property(lambda self: str(self._core.description), doc="One-line description.")
    source = property(lambda self: self._source, doc="Built-in name or absolute folder it was loaded from.")
    start = property(lambda self: str(self._core.start), doc="First day simulated (YYYY-MM-DD).")
    end = property(lambda self: str(self._core.end), doc="Last day simulated (YYYY-MM-DD).")
    origins = property(lambda self: list(self._core.origins), doc="Origin region names.")
    destinations = property(lambda self: list(self._core.destinations), doc="Destination region names.")
    countries = property(lambda self: list(self._core.countries), doc="ISO codes of the countries.")
    sectors = property(lambda self: list(self._core.sectors), doc="Sector names.")

    def __iter__(self) -> Iterator[str]:
        return iter(_PARAMETERS)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {k.split(".")[0] for k in _PARAMETERS})

    def __repr__(self) -> str:
        edits = f", {len(self._overrides)} edits" if self._overrides else ""
        added = f", {len(self._added)} added events" if self._added else ""
        return (f"<migsim.Scenario {self.name!r} from {self._source!r}: {self.start} to {self.end}, "
                f"{len(self.origins)} origins, {len(self.destinations)} destinations, "
                f"{len(self._core.events)} events{edits}{added}>")


def as_scenario(scenario: "Scenario | PathLike") -> Scenario:
    """A Scenario from a Scenario (copied), a built-in name or a path."""
    if isinstance(scenario, Scenario):
        return scenario.copy()
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.load(scenario)
    raise TypeError(f"scenario: expected a migsim.Scenario, a built-in name or a folder, found {scenario!r}")
