"""Compiled engine of migsim (private; use the migsim package).

Type stubs for the pybind11 module built from python/src/bindings.cpp. Keep them in step with the
bindings: tests/python/test_stubs.py checks that every name the module exposes is declared here.
"""

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

# ---- exceptions (py::register_exception) -------------------------------------------------------

class MigsimError(RuntimeError):
    """Base class of every migsim error."""

class ScenarioError(MigsimError):
    """An invalid scenario: the message names the file, key path or event."""

class TableError(ScenarioError):
    """An invalid CSV table: the message names the file and line."""

class ArgumentError(MigsimError):
    """An invalid argument (seed, scale, threads, date, output path...)."""

class OutputError(MigsimError):
    """An output file could not be written."""

# ---- module functions ---------------------------------------------------------------------------

def version() -> str:
    """The migsim version compiled into the engine."""

def git_commit() -> str:
    """The git commit the engine was built from."""

def output_suffix_problem(path: str) -> str:
    """What is wrong with the name of an HDF5/netCDF-4 file to write ("" if nothing): it must end in .h5, .nc,
    .hdf5 or .nc4."""

def builtin_scenarios() -> list[str]:
    """Names of the scenarios compiled into the engine."""

def mpi_available() -> bool:
    """True if this build can run distributed over MPI."""

def world_rank() -> int:
    """This process's MPI rank (0 without MPI)."""

def world_size() -> int:
    """Number of MPI processes (1 without MPI)."""

def export_builtin(name: str, folder: str) -> None:
    """Writes the files of a built-in scenario into `folder`."""

def parameter_reference_markdown() -> str:
    """The parameter reference (Markdown) generated from the parameter schema."""

def event_reference_markdown() -> str:
    """The event reference (Markdown) generated from the event schema."""

def event_schema() -> list[dict[str, Any]]:
    """Every event type: ``name``, ``summary``, ``mechanics``, ``example``, ``has_end``, ``end_required``,
    ``country_or_regions`` and ``fields``, a list of dicts with ``name``, ``kind``, ``required``, ``default``,
    ``unit``, ``min``, ``max``, ``description`` and ``choices`` (``|``-separated)."""

def parameter_schema() -> list[dict[str, Any]]:
    """Every scenario parameter: ``key``, ``unit``, ``default``, ``min``, ``max``, ``description``, ``source`` and
    ``fit``: ``None``, or for the behavioural parameters worth calibrating a dict with ``min``, ``max`` (the range a
    fit explores), ``log`` (search on a log scale), ``prior`` (``uniform``, ``loguniform``, ``normal``,
    ``lognormal``), ``prior_args`` (mean and standard deviation for the normal priors) and ``rationale``."""

def status_schema() -> list[dict[str, Any]]:
    """Every legal status in code order: ``name``, ``code`` (int), ``abroad`` (bool: outside the origin country)
    and ``description``."""

def output_schema() -> list[dict[str, Any]]:
    """Every output variable in file order: ``name``, ``dims`` (list of dimension names, ``time`` first),
    ``units``, ``long_name``, ``standard_name``, ``cell_method``, ``kind`` (``count``, ``money``, ``derived``) and
    ``comment``."""

def output_reference_markdown() -> str:
    """The output reference (Markdown) generated from the output schema."""

def load_scenario(name_or_path: str, overrides: Mapping[str, str] = ..., allow_outside_paths: bool = ...) -> Scenario:
    """Loads and validates a scenario (built-in name, folder or ``scenario.yaml``) with ``--set`` overrides; tables
    outside the scenario's folders are refused unless ``allow_outside_paths``."""

def state_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A state file's header and metadata (``format``, ``migsim_version``, ``git_commit``, ``created_utc``,
    ``scenario_name``, ``scenario_source``, ``seed``, ``scale``, ``steps_done``, ``date``, ``agents``, ``fingerprint``,
    ``resumed_from``, ``bytes``, ``description``), after its checksum is verified; ArgumentError otherwise."""

def load_state_scenario(path: str | os.PathLike[str], overrides: Mapping[str, str] = ...) -> Scenario:
    """The scenario a state file holds (as run, with the events issued during the run), with ``--set`` overrides."""

def looks_like_state_file(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts like a state file (says nothing of its integrity)."""

# ---- classes -------------------------------------------------------------------------------------

class Scenario:
    """The engine's validated scenario (no constructor: use :func:`load_scenario`)."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def start(self) -> str: ...
    @property
    def end(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def scale(self) -> int: ...
    @property
    def origins(self) -> list[str]: ...
    @property
    def destinations(self) -> list[str]: ...
    @property
    def countries(self) -> list[str]: ...
    @property
    def sectors(self) -> list[str]: ...
    @property
    def events(self) -> list[dict[str, Any]]: ...
    @property
    def table_texts(self) -> dict[str, str]:
        """The CSV text of every table by key (``"tables.regions"``), for provenance."""
    @property
    def warnings(self) -> list[str]:
        """What loading left out: events of a base that start after this scenario's calendar ends."""
    def get(self, key: str, /) -> str:
        """A parameter's value as YAML text."""
    def copy(self) -> Scenario: ...
    def add_event(self, yaml_text: str, where: str = "event") -> str:
        """Parses, checks and appends an event; returns its label."""
    def remove_event(self, label: str, /) -> None: ...
    def resolved_yaml(self) -> str: ...

class Simulation:
    """One engine run; the GIL is released while it steps."""

    def __init__(self, scenario: Scenario, seed: int, threads: int, scale: int, until: str | None = None,
                 distributed: bool = False) -> None: ...
    @property
    def total_steps(self) -> int: ...
    @property
    def steps_done(self) -> int: ...
    @property
    def done(self) -> bool: ...
    @property
    def current_date(self) -> str: ...
    @property
    def scenario(self) -> Scenario: ...
    def step(self) -> None: ...
    def steps_until(self, until: str) -> int: ...
    def add_events(self, yaml_and_where: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        """Adds events from the next step on, all or none (each ``(yaml_text, where)``, ``where`` naming it
        in messages); returns them as dicts of their fields."""
    def results_since(self, first_step: int, /) -> dict[str, Any]:
        """Steps ``first_step`` onward as ``{"dims", "variables", "attrs"}`` (no provenance)."""
    def run(self, progress: Callable[[int, int], object] | None = None) -> None:
        """Runs to the end; ``progress(done, total)`` is called after every step (with the GIL)."""
    def stats(self) -> dict[str, Any]: ...
    def results(self) -> dict[str, Any]:
        """Every step so far as ``{"dims": ..., "variables": {name: (dims, array, attrs)}, "attrs": ...}``."""
    def save_state(self, path: str | os.PathLike[str]) -> None:
        """Writes the complete state after the last step done (atomically)."""
    @staticmethod
    def from_state(path: str | os.PathLike[str], scenario: Scenario | None = None, sets: Sequence[str] = ...,
                   seed: int | None = None, scale: int | None = None, threads: int = 0, until: str | None = None,
                   distributed: bool = False) -> Simulation:
        """Continues a saved state, with ``scenario`` (and ``--set`` edits ``sets``) as a branch."""
    def fork(self) -> Simulation:
        """An independent copy in memory."""
    @property
    def fingerprint(self) -> str: ...
    @property
    def resumed_from(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def scale(self) -> int: ...
    def write(self, path: str | os.PathLike[str], /) -> None:
        """Writes the results as netCDF-4/HDF5 (atomically)."""
