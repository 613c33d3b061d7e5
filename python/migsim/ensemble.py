"""Ensembles: many seeds and parameter values run in parallel, stacked in one xarray Dataset.

Quick start::

    import migsim

    ens = migsim.Ensemble("kyrgyzstan", seeds=20, sweep={"behaviour.departure.base_rate": [0.01, 0.02]},
                          scale=100, until="2016-01-01")
    ds = ens.run()                      # dims (run, time, ...), coordinates seed and behaviour.departure.base_rate
    ens.save("out/ensemble.h5")

    fit = migsim.calibrate("kyrgyzstan", parameters=["behaviour.return.base_rate"], method="abc", n_trials=100)
    ds = migsim.Ensemble("kyrgyzstan", seeds=20, draws=fit).run()   # each seed's run with one posterior draw

    cmp = migsim.compare({"baseline": "kyrgyzstan", "quota_cut": "quota-cut"}, seeds=20, variables="stock",
                         scale=100)
    cmp.plot(where={"location_country": "RU"})  # medians with shaded 10-90% bands

Members run in worker processes started with ``spawn`` (the engine uses TBB threads, so the parent is never
forked), or on a Dask cluster when a ``dask.distributed.Client`` is given. In a script, run ensembles under
``if __name__ == "__main__":``: the worker processes import the script and must not start them again.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import importlib
import itertools
import json
import multiprocessing
import numbers
import os
import pickle
import secrets
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, Union

import migsim

from ._core import ArgumentError, MigsimError
from ._lazy import LazyModule
from ._progress import progress_bar
from ._files import check_output_target
from .results import _with_history, _write_atomically, _check_netcdf_name
from .schema import OUTPUTS, display_units
from .settings import RunSettings, for_parallel_runs, takes_settings
from .states import StateInfo, state_info

if TYPE_CHECKING:  # numpy and xarray are imported on first use
    import numpy as np
    import xarray as xr
    from distributed import Client
    from matplotlib.axes import Axes

    from .calibration import DrawsLike
    from .scenario import Scenario
else:
    np = LazyModule("numpy")
    xr = LazyModule("xarray")
pd: Any = LazyModule("pandas")  # no type information of its own (pandas-stubs is optional)

ScenarioLike = Union[str, "os.PathLike[str]", "Scenario"]
"""A built-in scenario name, a scenario folder or ``scenario.yaml`` path, or a :class:`migsim.Scenario`."""

StatesLike = Union[Mapping[int, Union[str, "os.PathLike[str]"]], Sequence[Union[str, "os.PathLike[str]"]]]
"""Saved states to branch from, one per seed: a mapping of seed to state file (what :func:`save_histories` returns)
or a list of state files."""

__all__ = ["Comparison", "Ensemble", "compare", "derive_seeds", "save_histories"]

_MAX_SEED = 2**63
# Per-run attributes that differ between members are kept as per-run coordinates when they are numbers or short
# text (wall_time_seconds, agent_steps, created_utc); longer text (a swept scenario's YAML) is dropped.
_MAX_COORD_TEXT = 200
_DROPPED_ATTRS = ("seed", "coordinates", "history")  # history: one line for the ensemble instead (see _assemble)
# Per-run attributes kept as per-run coordinates even when every run has the same value (runs within one second share
# created_utc), so that the ensembles of a comparison have the same coordinates.
_PER_RUN_ATTRS = ("wall_time_seconds", "agent_steps", "created_utc")
# Mixed into the seed of the draws' resample, so that its stream is not that of derive_seeds.
_DRAWS_TAG = 0x6472617773  # "draws"


# --------------------------------------------------------------------------------------------------- seeds


def derive_seeds(master_seed: int, n: int) -> list[int]:
    """The ``n`` per-run seeds that an ensemble derives from ``master_seed``.

    Child ``i`` of ``numpy.random.SeedSequence(master_seed).spawn(n)`` gives seed ``i`` (63 bits, so it fits an
    int64). Seed ``i`` does not depend on ``n``: 20 seeds extend the same master seed's first 10.

    Args:
        master_seed: a whole number in ``[0, 2**63)``.
        n: how many seeds (at least 1).

    Raises:
        migsim.ArgumentError: if ``master_seed`` or ``n`` is out of range.
    """
    _check_int("master_seed", master_seed, 0, _MAX_SEED - 1)
    _check_int("seeds", n, 1, None)
    children = np.random.SeedSequence(master_seed).spawn(n)
    return [int(child.generate_state(1, np.uint64)[0] >> np.uint64(1)) for child in children]


def _check_int(name: str, value: Any, low: int, high: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(f"{name}: expected a whole number, found {value!r} ({type(value).__name__})")
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ArgumentError(f"{name}: expected a whole number {bound}, found {number}")
    return number


def _resolve_seeds(seeds: Any, master_seed: int | None) -> tuple[list[int], int | None]:
    """Per-run seeds and the master seed they derive from (``None`` when the seeds were given); ``seeds`` is what
    the caller gave (a count or the seeds), checked here."""
    if not isinstance(seeds, bool) and isinstance(seeds, numbers.Integral):
        if int(seeds) < 1:
            raise ArgumentError(f"seeds: expected at least one run, found seeds={int(seeds)}")
        if master_seed is None:
            master_seed = secrets.randbits(63)
        master_seed = _check_int("master_seed", master_seed, 0, _MAX_SEED - 1)
        return derive_seeds(master_seed, int(seeds)), master_seed
    if master_seed is not None:
        raise ArgumentError("master_seed: only used when seeds is a count (seeds=20); these seeds were given")
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ArgumentError(f"seeds: expected a count or a list of whole numbers, found {seeds!r}")
    given = [_check_int("seeds", seed, 0, _MAX_SEED - 1) for seed in seeds]
    if not given:
        raise ArgumentError("seeds: empty; give a count (seeds=20) or at least one seed")
    repeated = sorted({seed for seed in given if given.count(seed) > 1})
    if repeated:
        raise ArgumentError(f"seeds: {repeated[0]} appears more than once; every run needs its own seed")
    return given, None


# ------------------------------------------------------------------------------------------ saved states

# Parameters read only when the run starts (the initial agents, the steps): the engine refuses a branch that changes
# them (sim/src/engine/branch.cpp, fixed_at_start).
def _fixed_at_start(key: str) -> bool:
    return key in ("calendar.start", "calendar.step") or key.startswith(("run.", "population.initial_"))


@dataclasses.dataclass(frozen=True)
class _States:
    """The states an ensemble branches from, one per seed, checked to continue one history at one date."""

    paths: dict[int, str]
    first: StateInfo

    @property
    def seeds(self) -> list[int]:
        return list(self.paths)


def _resolve_states(from_state: Any, seeds: Any, master_seed: int | None, scale: int | None) -> _States:
    """Reads every state's header; refuses seeds, a master seed or a scale that disagree with the states, and
    states that do not continue one history (the same scenario, scale and date) per seed."""
    if isinstance(from_state, (str, os.PathLike)):
        items: list[tuple[int | None, Any]] = [(None, from_state)]
    elif isinstance(from_state, Mapping):
        items = [(_check_int("from_state seed", key, 0, _MAX_SEED - 1), value) for key, value in from_state.items()]
    elif isinstance(from_state, Iterable):
        items = [(None, value) for value in from_state]
    else:
        raise ArgumentError(f"from_state: expected a mapping of seed to state file (what migsim.save_histories "
                            f"returns) or a list of state files, found {type(from_state).__name__}")
    if not items:
        raise ArgumentError("from_state: no states given")
    paths: dict[int, str] = {}
    infos: list[StateInfo] = []
    for key, value in items:
        if not isinstance(value, (str, os.PathLike)):
            raise ArgumentError(f"from_state: expected state file paths, found {value!r}")
        try:
            info = state_info(value)
        except MigsimError as error:
            raise _retyped(error, f"from_state: {error}") from error
        if key is not None and key != info.seed:
            raise ArgumentError(f"from_state: the state given for seed {key} ({info.path}) was saved by a run with "
                                f"seed {info.seed}")
        if info.seed in paths:
            raise ArgumentError(f"from_state: two states of seed {info.seed} ({paths[info.seed]}, {info.path}); "
                                f"give one history per seed")
        first = infos[0] if infos else info
        for what, mine, theirs in (("scenario", info.scenario, first.scenario), ("scale", info.scale, first.scale),
                                   ("date", info.date, first.date)):
            if mine != theirs:
                raise ArgumentError(f"from_state: {info.path} has {what} {mine}, {first.path} has {theirs}; the "
                                    f"states must continue one history per seed, saved at the same date and scale")
        paths[info.seed] = os.path.abspath(os.fspath(value))
        infos.append(info)
    if master_seed is not None:
        raise ArgumentError("master_seed: with from_state the seeds are the states' own; leave master_seed out")
    if seeds is not None:
        given = [seeds] if isinstance(seeds, numbers.Integral) else list(seeds) \
            if isinstance(seeds, Iterable) and not isinstance(seeds, (str, bytes)) else [seeds]
        if isinstance(seeds, numbers.Integral) or sorted(given) != sorted(paths):
            raise ArgumentError(f"seeds: {seeds!r} disagrees with the seeds of the states ({sorted(paths)}); with "
                                f"from_state the runs' seeds are the states' own: leave seeds out")
    if scale is not None and scale != infos[0].scale:
        raise ArgumentError(f"scale: {scale} differs from the states' scale {infos[0].scale}, which shaped their "
                            f"history; leave scale out")
    return _States(paths, infos[0])


def _check_branch_sweep(sweep: Mapping[str, list[Any]], states: _States) -> None:
    """With from_state, a sweep may vary event fields (the engine refuses any that acted before the state's date),
    not parameters: a parameter's value holds over the whole run, and the history was run with one value."""
    since = states.first.date.isoformat()
    for key in sweep:
        if key.startswith("events."):
            continue
        if _fixed_at_start(key):
            reason = (f"is read when the run starts, so every value would change the history the states hold "
                      f"(a branch may change only what acts from {since} on)")
        else:
            reason = (f"holds over the whole run, but the states' history was run with one value: the swept values "
                      f"would act only from {since} on, which is not parameter uncertainty (a sweep or draws from a "
                      f"fit's posterior). For that, run from the start (Ensemble(..., sweep=...) or draws=... without "
                      f"from_state) or save one history per value (migsim.save_histories with the scenario set to "
                      f"it); for a change of behaviour from {since} on, pass the edited scenario itself (a branch)")
        raise ArgumentError(f"sweep[{key!r}] with from_state: the parameter {reason}; a sweep from saved states may "
                            f"vary only events.<label>.<field>")


def _refuse_branch_draws(states: _States) -> None:
    """Parameter draws cannot start from saved states: the states' history was run with one parameter set."""
    since = states.first.date.isoformat()
    raise ArgumentError(f"draws with from_state: a parameter holds over the whole run, but the states' history was "
                        f"run with one parameter set: drawn values would act only from {since} on, which is not "
                        f"parameter uncertainty. Run the draws from the start (leave from_state out), or save one "
                        f"history per parameter set (migsim.save_histories with the scenario set to it) and branch "
                        f"from those")


def _save_history(member: _Member) -> str:
    """Runs one member from the start and saves its state (save_histories, in a worker process)."""
    assert member.save_to is not None
    scenario = member.scenario if _is_path(member.scenario) else _load(member.scenario, member.overrides)
    simulation = migsim.Simulation(scenario, seed=member.seed, settings=member.settings)
    simulation.run(quiet=True)
    simulation.save_state(member.save_to)
    return member.save_to


@takes_settings("scale", "until", "threads", "processes", "quiet")
def save_histories(
    scenario: ScenarioLike = "kyrgyzstan",
    seeds: int | Iterable[int] = 10,
    *,
    folder: str | os.PathLike[str],
    scale: int | None = None,
    until: str | datetime.date | None = None,
    threads: int | None = None,
    processes: int | None = None,
    client: Client | None = None,
    master_seed: int | None = None,
    quiet: bool = False,
    settings: RunSettings | None = None,
) -> dict[int, Path]:
    """Runs a scenario's history once per seed, in parallel like an :class:`Ensemble`, and saves each run's state
    at its end, to branch many futures from: ``Ensemble(..., from_state=states)``, ``compare(..., from_state=
    states)`` or :meth:`migsim.Simulation.from_state`.

    Example::

        states = migsim.save_histories("kyrgyzstan", seeds=20, until="2025-12-31", scale=100, folder="out/states")
        future = migsim.Scenario.from_state(states[next(iter(states))]).set("calendar.end", "2028-12-31")

    Args:
        scenario: as for :class:`Ensemble`.
        seeds: a count (derived from ``master_seed`` with :func:`derive_seeds`) or the seeds themselves.
        folder: where the states go (created if missing), one file per seed, ``<scenario>-seed<seed>.state.h5``;
            a file of that name is replaced (atomically).
        until: the last date of the history (default: the scenario's end); the state is that at the end of the step
            containing it.
        scale, threads, processes, client, master_seed, quiet, settings: as for :class:`Ensemble`.

    Returns:
        The state file of every seed, in the order of the seeds.

    Raises:
        migsim.ArgumentError, migsim.ScenarioError: as for :class:`Ensemble`; migsim.OutputError: a state cannot be
            written.
    """
    options = for_parallel_runs(settings if settings is not None else RunSettings(), "save_histories")
    run_seeds, _ = _resolve_seeds(seeds, master_seed)
    if client is not None and not callable(getattr(client, "map", None)):
        raise ArgumentError(f"client: expected a dask.distributed.Client, found {type(client).__name__}")
    name = os.fspath(scenario) if isinstance(scenario, os.PathLike) else scenario
    base = _validate_scenario(name, {})
    target = Path(os.fspath(folder))
    if target.exists() and not target.is_dir():
        raise ArgumentError(f"folder: {target} exists and is not a folder")
    target.mkdir(parents=True, exist_ok=True)
    stem = str(getattr(base, "name", "scenario"))
    members = [_Member(name, seed, {}, options, None, f"history of {stem}",
                       save_to=str((target / f"{stem}-seed{seed}.state.h5").resolve()))
               for seed in run_seeds]
    saved = _execute(members, options, client, f"histories of {stem}", _save_history)
    return {member.seed: Path(path) for member, path in zip(members, saved)}


# -------------------------------------------------------------------------------------------- scenarios


def _check_sweep(sweep: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]]:
    if sweep is None:
        return {}
    if not isinstance(sweep, Mapping):
        raise ArgumentError(f"sweep: expected a mapping of key path to a list of values, found {sweep!r}")
    checked: dict[str, list[Any]] = {}
    for key, values in sweep.items():
        if not isinstance(key, str) or not key:
            raise ArgumentError(f"sweep: keys are parameter key paths such as 'behaviour.departure.base_rate', "
                                f"found {key!r}")
        path = key.replace("__", ".")
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, (Sequence, np.ndarray, pd.Index)):
            raise ArgumentError(f"sweep[{key!r}]: expected a list of values, found {values!r} "
                                f"({type(values).__name__}); write [{values!r}] for a single value")
        items = [value.item() if isinstance(value, np.generic) else value for value in values]
        if not items:
            raise ArgumentError(f"sweep[{key!r}]: empty list of values")
        for value in items:
            if not isinstance(value, (str, numbers.Number, datetime.date)):
                raise ArgumentError(f"sweep[{key!r}]: values must be numbers, text or dates, found {value!r}")
        if len({repr(value) for value in items}) != len(items):
            raise ArgumentError(f"sweep[{key!r}]: repeated values in {items!r}")
        if path in checked:
            raise ArgumentError(f"sweep: {path!r} appears twice")
        checked[path] = [value.isoformat() if isinstance(value, datetime.date) else value for value in items]
    return checked


@dataclasses.dataclass(frozen=True)
class _Draws:
    """Parameter sets (one row each, columns key paths and perhaps ``loss``) and the set each seed's runs use."""

    table: Any  # a pandas.DataFrame (parameter_draws)
    keys: tuple[str, ...]
    of_seed: dict[int, int]  # seed -> row position in table

    def values(self, position: int) -> dict[str, Any]:
        """The values of the set in row ``position``, as plain Python numbers."""
        row = self.table.iloc[position]
        return {key: row[key].item() if isinstance(row[key], np.generic) else row[key] for key in self.keys}

    def records(self) -> Any:
        """The sets with a fit's ``trial`` numbers as a column (a plain index dropped)."""
        return self.table.reset_index(drop=self.table.index.name is None)

    def describe(self) -> str:
        basis = self.table.attrs.get("basis")
        return f"{self.table.attrs.get('source', 'given sets')}" + (f"; {basis}" if basis else "")


def _assign_draws(n_sets: int, seeds: Sequence[int]) -> list[int]:
    """The set of every seed: a resample of the ``n_sets`` sets seeded by the seeds themselves (so by the master
    seed they derive from), without replacement unless there are fewer sets than seeds. The same seeds give the
    same assignment, so every scenario of a comparison pairs each seed with the same set."""
    rng = np.random.default_rng(np.random.SeedSequence([_DRAWS_TAG, *seeds]))
    return [int(i) for i in rng.choice(n_sets, size=len(seeds), replace=n_sets < len(seeds))]


def _resolve_draws(draws: Any, seeds: Sequence[int], sweep: Mapping[str, Any]) -> _Draws:
    from .calibration import parameter_draws  # calibration imports this module

    table = parameter_draws(draws)
    keys = tuple(str(c) for c in table.columns if c != "loss")
    both = [key for key in keys if key in sweep]
    if both:
        raise ArgumentError(f"draws and sweep both set {both[0]!r}; a key is either swept (every value for every "
                            f"seed) or drawn (one set per seed), not both")
    return _Draws(table, keys, dict(zip(seeds, _assign_draws(len(table), seeds))))


def _is_path(scenario: Any) -> bool:
    return isinstance(scenario, (str, os.PathLike))


def _load(scenario: ScenarioLike, overrides: Mapping[str, Any]) -> Any:
    """Load and validate ``scenario`` with ``overrides`` (raises migsim.ScenarioError naming the key)."""
    if isinstance(scenario, (str, os.PathLike)):
        return migsim.load_scenario(scenario, **overrides)
    copy = scenario.copy()
    for key, value in overrides.items():
        copy.set(key, value)
    if hasattr(copy, "validate"):
        copy.validate()
    return copy


def _keep_each_scenario_as_run(runs: xr.Dataset, parts: list[xr.Dataset]) -> xr.Dataset:
    """Holds each scenario's resolved YAML, and any other ``scenario_*`` attribute that is not the same in all
    of them (a table, where it was loaded from, the built-in it extends), along ``scenario`` (the attributes keep
    only what the parts share), so a report can list what each changed. One a scenario does not have is ""."""
    if not all(part.attrs.get("scenario_yaml") for part in parts):
        return runs
    keys = sorted({key for part in parts for key in part.attrs
                   if key.startswith("scenario_") and key not in ("scenario_yaml", "scenario_name")})
    differing = [key for key in keys if len({str(part.attrs.get(key, "")) for part in parts}) > 1]
    for key in ["scenario_yaml", *differing]:
        runs = runs.assign_coords({key: ("scenario", [str(part.attrs.get(key, "")) for part in parts])})
        runs.attrs.pop(key, None)
    return runs


def _scenario_yaml(loaded: Any) -> str | None:
    for name in ("resolved_yaml", "to_yaml"):
        method = getattr(loaded, name, None)
        if callable(method):
            return str(method())
    return None


def _validate_scenario(scenario: ScenarioLike | None, sweep: Mapping[str, list[Any]],
                       states: _States | None = None, draws: _Draws | None = None) -> Any:
    """Loads the scenario once, then once per sweep value and per parameter set drawn; returns the scenario loaded
    without overrides. With states, ``None`` is the states' own scenario."""
    if scenario is None:
        if states is None:
            raise ArgumentError("scenario: None stands for the states' own scenario; it needs from_state")
        scenario = migsim.Scenario.from_state(states.first.path)
    elif states is not None and callable(getattr(scenario, "to_scenario", None)) and hasattr(scenario, "uncertainty"):
        raise ArgumentError("scenario: a fit (migsim.CalibrationResult) with from_state: its values, and draws from "
                            "its posterior, would change the history the states hold; save the histories of "
                            "fit.to_scenario() with migsim.save_histories and branch from those")
    if not _is_path(scenario):
        if not (callable(getattr(scenario, "copy", None)) and callable(getattr(scenario, "set", None))):
            raise ArgumentError(f"scenario: expected a built-in name, a path or a migsim.Scenario, found "
                                f"{type(scenario).__name__}")
        try:
            pickle.dumps(scenario)
        except Exception as error:
            raise ArgumentError(f"scenario: cannot be sent to worker processes ({error}); pass its name or "
                                f"path, or a migsim.Scenario") from error
    base = _load(scenario, {})
    for key, values in sweep.items():
        for value in values:
            try:
                _load(scenario, {key: value})
            except MigsimError as error:
                raise _retyped(error, f"sweep[{key!r}] = {value!r}: {error}") from error
    if draws is not None:
        for position in sorted(set(draws.of_seed.values())):
            drawn = draws.values(position)
            try:
                _load(scenario, drawn)
            except MigsimError as error:
                raise _retyped(error, f"draws (set {position}: {drawn}): {error}") from error
    return base


def _retyped(error: BaseException, message: str) -> MigsimError:
    """``error``'s migsim exception type with a new message (migsim.MigsimError for other exceptions)."""
    if isinstance(error, MigsimError):
        try:
            return type(error)(message)
        except Exception:
            pass
    return MigsimError(message)


# ------------------------------------------------------------------------------------------------- members


@dataclasses.dataclass(frozen=True)
class _Member:
    """One run of an ensemble, as sent to a worker: plain picklable values, never engine objects."""

    scenario: Any
    seed: int
    overrides: dict[str, Any]
    settings: RunSettings
    variables: tuple[str, ...] | None
    label: str
    state: str | None = None  # the state file this member continues (from_state), or None: from the start
    save_to: str | None = None  # save_histories: where to save the state at the end of the run
    draw: int | None = None  # the parameter set drawn (its row in the draws), whose values are in overrides

    def describe(self) -> str:
        """``scenario 'quota_cut', seed=3, behaviour.departure.base_rate=0.03``."""
        parts = [self.label] if self.label else []
        parts.append(f"seed={self.seed}")
        parts += [f"{key}={value!r}" for key, value in self.overrides.items()]
        if self.draw is not None:
            parts.append(f"parameter set {self.draw}")
        if self.state is not None:
            parts.append(f"from state {self.state}")
        return ", ".join(parts)


def _run_member(member: _Member) -> xr.Dataset:
    """Runs one member (in a worker process or a Dask worker) and returns its Dataset."""
    options: dict[str, Any] = dict(seed=member.seed, quiet=True, settings=member.settings)
    if member.state is not None:
        # A branch: the state's own scenario (None) or the member's, with the sweep values; the engine refuses any
        # edit that would have changed a step already simulated.
        scenario = None
        if member.scenario is not None or member.overrides:
            base = migsim.Scenario.from_state(member.state) if member.scenario is None else member.scenario
            scenario = _load(base, member.overrides)
        simulation = migsim.Simulation.from_state(member.state, scenario=scenario, threads=member.settings.threads,
                                                  until=member.settings.until)
        results = simulation.run(quiet=True)
    elif _is_path(member.scenario):
        results = migsim.run(member.scenario, **options, **member.overrides)
    else:
        results = migsim.run(_load(member.scenario, member.overrides), **options)
    ds = results.to_xarray()
    if member.variables is not None:
        missing = [name for name in member.variables if name not in ds.data_vars]
        if missing:
            raise ArgumentError(f"variables: no output {missing[0]!r}; available: {', '.join(map(str, ds.data_vars))}")
        ds = _only_variables(ds, member.variables)
    return ds


def _check_variable_names(variables: Sequence[str] | None) -> None:
    """Refuses an unknown output name before any run starts (each run would otherwise fail on it in turn)."""
    from .tables import _hint

    known = [*OUTPUTS, "policy_state"]
    for name in variables or ():
        if name not in known:
            raise ArgumentError(f"variables: no output {name!r}{_hint(str(name), known)} (outputs: {', '.join(known)})")


def _only_variables(ds: Any, variables: Sequence[str]) -> Any:
    """The outputs ``variables`` of a run's Dataset, with the steps' bounds (``time_bnds``, which selecting variables
    would drop: its ``nv`` axis is theirs to none) kept, so periods are cut at the steps' true ends."""
    kept = ds[list(variables)]
    return kept.assign_coords(time_bnds=ds["time_bnds"]) if "time_bnds" in ds.variables else kept


def _default_processes(threads_per_run: int) -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, cores // threads_per_run)


def _execute(members: Sequence[_Member], settings: RunSettings, client: Client | None, desc: str,
             work: Callable[[_Member], Any] = _run_member) -> list[Any]:
    """Runs ``work`` (default: run the member and return its Dataset) on every member and returns the results in
    order (``settings``: processes, threads per run, quiet); re-raises a failure naming the member."""
    quiet, processes, threads_per_run = settings.quiet, settings.processes, settings.threads or 1

    results: list[Any] = [None] * len(members)
    with progress_bar(total=len(members), desc=desc, unit="run", disable=quiet) as bar:
        if client is not None:
            _execute_dask(members, client, results, bar.update, work)
        else:
            workers = min(len(members), processes or _default_processes(threads_per_run))
            if workers == 1:
                for index, member in enumerate(members):
                    try:
                        results[index] = work(member)
                    except Exception as error:
                        raise _member_error(member, error) from error
                    bar.update(1)
            else:
                _execute_local(members, workers, results, bar.update, work)
    return [result for result in results if result is not None]


def _member_error(member: _Member, error: BaseException) -> MigsimError:
    if isinstance(error, concurrent.futures.BrokenExecutor):
        detail = "the worker process died"
    elif isinstance(error, MigsimError):
        detail = str(error)
    else:
        detail = f"{type(error).__name__}: {error}"
    return _retyped(error, f"ensemble run {member.describe()} failed: {detail}")


def _execute_local(members: Sequence[_Member], workers: int, results: list[Any], advance: Callable[[int], Any],
                   work: Callable[[_Member], Any]) -> None:
    context = multiprocessing.get_context("spawn")
    executor = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures = {executor.submit(work, member): index for index, member in enumerate(members)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            error = future.exception()
            if error is not None:
                raise _member_error(members[index], error) from error
            results[index] = future.result()
            advance(1)
    except BaseException:
        # A failure or an interrupt: drop the queued runs and do not wait for the running ones.
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _execute_dask(members: Sequence[_Member], client: Client, results: list[Any], advance: Callable[[int], Any],
                  work: Callable[[_Member], Any]) -> None:
    # dask.distributed has no annotations of its own
    as_completed: Any = importlib.import_module("distributed").as_completed
    dask: Any = client
    futures = dask.map(work, list(members), pure=False)
    indices = {future.key: index for index, future in enumerate(futures)}
    try:
        for future in as_completed(futures):
            index = indices[future.key]
            if future.status == "error":
                error = future.exception()
                raise _member_error(members[index], error) from error
            results[index] = future.result()
            advance(1)
    finally:
        dask.cancel([future for future in futures if not future.done()])


# -------------------------------------------------------------------------------------------- ensembles


class Ensemble:
    """Runs of one scenario for many seeds and parameter values, stacked along a ``run`` dimension.

    Every combination of a seed and one value per sweep key is a run (seeds vary fastest); the same seeds are
    used for every sweep value, so differences between values are not blurred by different random draws. With
    ``draws``, every seed's runs also take one parameter set drawn from a fit's posterior (or top trials), so the
    spread over runs includes what the data leave unknown about the parameters.

    Example::

        ens = migsim.Ensemble("kyrgyzstan", seeds=8, sweep={"behaviour.departure.base_rate": [0.01, 0.03]},
                              scale=100, until="2016-01-01")
        ds = ens.run()                                   # 16 runs
        ds.departures.sum(["time", "origin", "location"]).groupby("behaviour.departure.base_rate").mean()
        ds.set_index(run=["behaviour.departure.base_rate", "seed"]).unstack("run")   # value x seed layout

    Args:
        scenario: a built-in name, a scenario folder or ``scenario.yaml`` path, or a (picklable)
            :class:`migsim.Scenario`. With ``from_state``, ``None`` (the default there) is the states' own scenario.
        seeds: a count ``n`` (``n`` seeds derived from ``master_seed`` with :func:`derive_seeds`) or the seeds
            themselves (whole numbers, used as given); default 10. With ``from_state``, the states' seeds (leave it
            out; seeds that disagree with the states raise).
        sweep: parameter key paths mapped to lists of values, e.g. ``{"behaviour.departure.base_rate": [0.01,
            0.02]}``; the runs cover the cartesian product of all lists. Every value is checked up front. With
            ``from_state``, only event fields (``events.<label>.<field>``) that act after the states' date.
        from_state: saved states to branch from, one per seed (:func:`save_histories`; a mapping of seed to state
            file, or a list of state files): each run continues its seed's state with ``scenario`` as a branch
            (:meth:`migsim.Simulation.from_state`), so every run shares its seed's history and its results hold
            the whole run from the scenario's start. The scenario may change only what acts after the states' date
            (else :class:`migsim.ArgumentError` naming the edit); seed and scale are the states'.
        draws: parameter sets to draw from (:func:`migsim.parameter_draws`: a :class:`migsim.CalibrationResult`, a
            saved fit folder, a DataFrame or a list of dicts of key path to value). Run ``k`` (the ``k``-th seed,
            in every sweep combination) uses set ``k`` of a resample of the sets seeded by the runs' seeds (so
            by ``master_seed``): without replacement, with replacement only when there are fewer sets than
            seeds. The values are set with :meth:`migsim.Scenario.set` (event fields ``events.<label>.<field>``
            too) and each set is checked up front. The runs get one coordinate per drawn key path and ``draw``
            (the set's row); ``attrs`` say where the sets came from. A key cannot be both swept and drawn, and
            draws cannot start from saved states (``from_state``).
        scale: people per agent (default: the scenario's ``run.scale``, as for :func:`migsim.run`).
        until: last date to simulate, ``YYYY-MM-DD`` (default: the scenario's end).
        threads: engine threads per run (default 1; results do not depend on it).
        processes: local worker processes (default: the available cores divided by ``threads``). With 1,
            the runs are made one after another in this process. Ignored when ``client`` is given.
        client: a ``dask.distributed.Client``; the runs are then sent to its cluster (``client.map``).
        master_seed: the seed the per-run seeds derive from when ``seeds`` is a count (default: a fresh random
            one, recorded in the results' ``master_seed`` attribute).
        quiet: no progress bar.
        variables: keep only these output variables (default: all); less memory and transfer for big ensembles.
        settings: the run settings as one :class:`migsim.RunSettings` (scale, until, threads, processes, quiet;
            its ``seed`` is not used: the runs' seeds are ``seeds``); the keyword arguments given override its
            fields.
        threads_per_run: the old name of ``threads`` (deprecated).

    Raises:
        migsim.ArgumentError: empty or repeated seeds, a sweep value that is not a list, bad options; with
            ``from_state``: seeds, a master seed or a scale that disagree with the states, states of different
            scenarios, scales or dates, a sweep over a parameter (it would change the past, or act only from the
            states' date: not parameter uncertainty), a fit's values, draws; bad draws (see
            :func:`migsim.parameter_draws`) or a key both swept and drawn.
        migsim.ScenarioError: the scenario does not load, or a sweep key is not a parameter or a value is invalid
            for it (the message names the key).
    """

    @takes_settings("scale", "until", "threads", "processes", "quiet", renamed={"threads_per_run": "threads"})
    def __init__(
        self,
        scenario: ScenarioLike | None = None,
        seeds: int | Iterable[int] | None = None,
        *,
        sweep: Mapping[str, Sequence[Any]] | None = None,
        scale: int | None = None,
        until: str | datetime.date | None = None,
        threads: int | None = None,
        processes: int | None = None,
        client: Client | None = None,
        master_seed: int | None = None,
        quiet: bool = False,
        variables: Sequence[str] | None = None,
        settings: RunSettings | None = None,
        threads_per_run: int | None = None,
        from_state: StatesLike | None = None,
        draws: DrawsLike | None = None,
    ) -> None:
        self._settings = for_parallel_runs(settings if settings is not None else RunSettings(), "an ensemble")
        self._states: _States | None = None
        if from_state is not None:
            self._states = _resolve_states(from_state, seeds, master_seed, self._settings.scale)
            self._seeds, self._master_seed = self._states.seeds, None
        else:
            self._seeds, self._master_seed = _resolve_seeds(10 if seeds is None else seeds, master_seed)
            if scenario is None:
                scenario = "kyrgyzstan"
        self._sweep = _check_sweep(sweep)
        if self._states is not None:
            _check_branch_sweep(self._sweep, self._states)
            if draws is not None:
                _refuse_branch_draws(self._states)
        self._draws = None if draws is None else _resolve_draws(draws, self._seeds, self._sweep)
        if client is not None and not callable(getattr(client, "map", None)):
            raise ArgumentError(f"client: expected a dask.distributed.Client, found {type(client).__name__}")
        if isinstance(variables, str):
            variables = [variables]
        self._variables = None if variables is None else tuple(variables)
        if self._variables is not None and not self._variables:
            raise ArgumentError("variables: empty; give at least one output variable or None for all")
        _check_variable_names(self._variables)
        self._scenario = os.fspath(scenario) if isinstance(scenario, os.PathLike) else scenario
        self._base = _validate_scenario(self._scenario, self._sweep, self._states, self._draws)
        self._client = client
        self._dataset: xr.Dataset | None = None

    @property
    def name(self) -> str:
        """The scenario's name."""
        return str(getattr(self._base, "name", self._scenario))

    @property
    def from_state(self) -> dict[int, Path] | None:
        """The state each seed's run continues (``from_state``), or ``None`` for runs from the start."""
        return None if self._states is None else {seed: Path(path) for seed, path in self._states.paths.items()}

    @property
    def settings(self) -> RunSettings:
        """The settings of the runs (threads per run, scale, until, processes, quiet)."""
        return self._settings

    @property
    def seeds(self) -> list[int]:
        """The per-run seeds (each used once per combination of sweep values)."""
        return list(self._seeds)

    @property
    def master_seed(self) -> int | None:
        """The seed the per-run seeds derive from (``None`` when the seeds were given)."""
        return self._master_seed

    @property
    def sweep(self) -> dict[str, list[Any]]:
        """The swept parameters: key path to the list of values."""
        return {key: list(values) for key, values in self._sweep.items()}

    @property
    def draws(self) -> pd.DataFrame | None:
        """The parameter set of every seed's runs (``None`` without ``draws``): indexed by seed, a ``draw`` column
        (the set's row in :func:`migsim.parameter_draws` of what was given), a fit's ``trial``, the values and
        ``loss`` when known; ``attrs`` as :func:`migsim.parameter_draws` gives them."""
        if self._draws is None:
            return None
        rows = list(self._draws.of_seed.values())
        frame = self._draws.records().iloc[rows].reset_index(drop=True)
        frame.insert(0, "draw", rows)
        frame.index = pd.Index(list(self._draws.of_seed), name="seed")
        frame.attrs = dict(self._draws.table.attrs)
        return frame

    def __len__(self) -> int:
        """The number of runs: seeds times the product of the sweep lists' lengths."""
        return len(self._combinations()) * len(self._seeds)

    def __repr__(self) -> str:
        sweep = "".join(f", {key}={values!r}" for key, values in self._sweep.items())
        drawn = "" if self._draws is None else f", draws={len(self._draws.table)} sets of {', '.join(self._draws.keys)}"
        return f"<migsim.Ensemble scenario={self.name!r} runs={len(self)} seeds={len(self._seeds)}{sweep}{drawn}>"

    def _combinations(self) -> list[dict[str, Any]]:
        keys = list(self._sweep)
        return [dict(zip(keys, values)) for values in itertools.product(*self._sweep.values())]

    def _members(self, variables: Sequence[str] | None = None, label: str = "") -> list[_Member]:
        chosen = self._variables if variables is None else tuple(variables)
        draws = self._draws
        return [
            _Member(self._scenario, seed, overrides if draws is None else {**overrides, **draws.values(
                        draws.of_seed[seed])}, self._settings, chosen, label,
                    state=None if self._states is None else self._states.paths[seed],
                    draw=None if draws is None else draws.of_seed[seed])
            for overrides in self._combinations()
            for seed in self._seeds
        ]

    def run(self) -> xr.Dataset:
        """Runs every member and returns them stacked along ``run``.

        Returns:
            An :class:`xarray.Dataset` whose data variables gain a leading ``run`` dimension, with coordinates
            ``seed`` and one per sweep key (named by its key path) along ``run``, per-run ``wall_time_seconds``,
            ``agent_steps`` and ``created_utc``, and the provenance (scenario, scale, version, git commit,
            ``sweep`` as JSON, ``master_seed``) in ``attrs``.

        Raises:
            migsim.MigsimError: a run failed; the exception has the type raised by that run (e.g.
                :class:`migsim.ArgumentError`) and names its seed and sweep values.
        """
        members = self._members()
        datasets = _execute(members, self._settings, self._client, self.name)
        self._dataset = self._assemble(members, datasets)
        return self._dataset

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the last :meth:`run`'s Dataset (running the ensemble first if needed) as one netCDF-4 file.

        Reopen it with ``xarray.open_dataset(path)`` or :func:`migsim.open_results`.
        """
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise ArgumentError(f"path: the folder {folder} does not exist")
        check_output_target(path)  # before the ensemble runs: a bad target fails fast
        _check_netcdf_name(path)
        dataset = self._dataset if self._dataset is not None else self.run()
        _write_atomically(_with_history(dataset, f"{len(self)} runs saved by migsim.Ensemble.save"), path)

    def plot(self, variable: str = "stock", where: Mapping[str, Any] | None = None, ax: Axes | None = None,
             quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> Axes:
        """The median and the band over runs of a variable's total, as :meth:`Comparison.plot` draws them (running
        the ensemble first if needed).

        Args:
            variable: an output variable.
            where: selections before summing, e.g. ``{"location_country": "RU"}``.
            ax: the Axes to draw on (default: a new figure).
            quantiles: the band's lowest and highest quantiles and the median.
        """
        runs = self._dataset if self._dataset is not None else self.run()
        stacked = runs.expand_dims(scenario=[self.name])
        return Comparison(stacked, quantiles).plot(variable, where, ax)

    def _assemble(self, members: Sequence[_Member], datasets: Sequence[xr.Dataset]) -> xr.Dataset:
        attrs = [dict(ds.attrs) for ds in datasets]
        common = {
            key: value
            for key, value in attrs[0].items()
            if key not in _DROPPED_ATTRS and key not in _PER_RUN_ATTRS
            and all(key in other and _same(other[key], value) for other in attrs[1:])
        }
        per_run: dict[str, list[Any]] = {}
        for key in attrs[0]:
            if key in common or key in _DROPPED_ATTRS or not all(key in other for other in attrs):
                continue
            values = [other[key] for other in attrs]
            numeric = all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in values)
            short = all(isinstance(v, str) and len(v) <= _MAX_COORD_TEXT for v in values)
            if numeric or short:
                per_run[key] = values

        stacked: xr.Dataset = xr.concat(
            list(datasets),
            dim="run",
            data_vars="all",
            coords="minimal",
            compat="override",
            join="outer",
            combine_attrs="drop_conflicts",
        )
        coords: dict[str, Any] = {"run": np.arange(len(members)), "seed": ("run", [m.seed for m in members])}
        for key in self._sweep:
            coords[key] = ("run", _coordinate([m.overrides[key] for m in members]))
        if self._draws is not None:
            coords["draw"] = ("run", np.asarray([m.draw for m in members]))
            for key in self._draws.keys:
                coords[key] = ("run", _coordinate([m.overrides[key] for m in members]))
        for key, values in per_run.items():
            name = key if key not in stacked.variables and key not in coords else f"run_{key}"
            coords[name] = ("run", np.asarray(values))
        stacked = stacked.assign_coords(coords)
        stacked["seed"].attrs["long_name"] = "random seed of the run"
        for key in self._sweep:
            stacked[key].attrs["long_name"] = f"value of the scenario parameter {key}"
        if self._draws is not None:
            stacked["draw"].attrs["long_name"] = "row of the parameter set drawn (see the draws attribute)"
            for key in self._draws.keys:
                stacked[key].attrs["long_name"] = f"value of the scenario parameter {key}, drawn"

        if "scenario_yaml" not in common:
            yaml = _scenario_yaml(self._base)
            if yaml is not None:
                common["scenario_yaml"] = yaml
                common["scenario_yaml_comment"] = "the scenario before the sweep overrides"
        common.update(
            title=f"migsim ensemble of scenario {self.name}: {len(members)} runs",
            ensemble_runs=len(members),
            ensemble_seeds=len(self._seeds),
            threads_per_run=self._settings.threads,
            sweep=json.dumps(self._sweep, default=str),
        )
        if self._master_seed is not None:
            common["master_seed"] = self._master_seed
        drawn = ""
        if self._draws is not None:
            # Where the sets came from and all of them, so a run's draw row can be traced back.
            common["draws_source"] = str(self._draws.table.attrs.get("source", ""))
            common["draws_basis"] = str(self._draws.table.attrs.get("basis", "parameter sets given"))
            common["draws"] = json.dumps(self._draws.records().to_dict(orient="records"), default=float)
            drawn = f", parameter draws from {self._draws.describe()}"
        branched = ""
        if self._states is not None:
            common["branched_at"] = self._states.first.date.isoformat()
            branched = (f", each branched at {common['branched_at']} from its seed's saved state (one history per "
                        f"seed)")
        first = str(attrs[0].get("history", "")).split(": run of scenario")[0]  # "<when> migsim <version> (commit)"
        common["history"] = (f"{first}: ensemble of {len(members)} runs of scenario {self.name}, seeds "
                             f"{', '.join(map(str, self._seeds))}" + (f", sweep {common['sweep']}" if self._sweep else "")
                             + drawn + branched)
        stacked.attrs = common
        return stacked


def _where_from_by(where: Mapping[str, Any] | None, by: Mapping[str, Any] | None,
                   method: str) -> Mapping[str, Any] | None:
    """``where``, or the deprecated ``by`` selection with a DeprecationWarning naming ``where``."""
    if by is None:
        return where
    if where is not None:
        raise ArgumentError(f"Comparison.{method}: give where= only (by= is its deprecated name)")
    warnings.warn(f"Comparison.{method}(by=...) is deprecated: it selects, so it is now where=...; by= groups "
                  f"elsewhere in migsim", DeprecationWarning, stacklevel=3)
    return by


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(np.array_equal(a, b))
    except Exception:
        return bool(a == b)


def _coordinate(values: Sequence[Any]) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype == object:
        array = np.asarray([str(value) for value in values])
    return array


# ------------------------------------------------------------------------------------------ comparisons


class Comparison:
    """Ensembles of several scenarios side by side, with quantile bands over runs.

    Attributes:
        runs: every run, dims ``(scenario, run, time, ...)``; coordinate ``scenario`` holds the labels given to
            :func:`compare`.
        quantiles: the quantiles of :attr:`bands`, e.g. ``(0.1, 0.5, 0.9)``.
    """

    def __init__(self, runs: xr.Dataset, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> None:
        self.runs = runs
        self.quantiles = tuple(float(q) for q in quantiles)
        self._bands: xr.Dataset | None = None

    @property
    def scenarios(self) -> list[str]:
        """The scenario labels, in the order given."""
        return [str(label) for label in self.runs["scenario"].values]

    @property
    def variables(self) -> list[str]:
        """The compared output variables."""
        return [str(name) for name in self.runs.data_vars]

    @property
    def bands(self) -> xr.Dataset:
        """Quantiles over runs of every cell, dims ``(scenario, quantile, time, ...)``.

        ``bands.stock.sel(quantile=0.5)`` is the median stock per origin, location and status. For a total (for
        example all of Russia), use :meth:`band`: quantiles of a sum are not sums of quantiles.
        """
        if self._bands is None:
            bands = self.runs.quantile(list(self.quantiles), dim="run")
            self._bands = bands.transpose("scenario", "quantile", ...)
        return self._bands

    def band(self, variable: str | None = None, where: Mapping[str, Any] | None = None,
             quantiles: Sequence[float] | None = None, *, by: Mapping[str, Any] | None = None) -> xr.DataArray:
        """Quantiles over runs of a variable's total over every dimension but time.

        Args:
            variable: an output variable (default: the first compared one).
            where: selections before summing, by dimension or coordinate: ``{"location": "moscow"}``,
                ``{"location_country": "RU", "status": ["irregular", "detained"]}`` (a list is summed).
            quantiles: default :attr:`quantiles`.
            by: the old name of ``where`` (deprecated: ``by=`` groups everywhere else in the API).

        Returns:
            A DataArray with dims ``(scenario, quantile, time)``.
        """
        data = self._select(variable, _where_from_by(where, by, "band"))
        keep = {"scenario", "run", "time"}
        totals = data.sum([dim for dim in data.dims if dim not in keep], min_count=1)
        band: xr.DataArray = totals.quantile(list(self.quantiles if quantiles is None else quantiles),
                                             dim="run").transpose("scenario", "quantile", "time")
        return band

    def _select(self, variable: str | None, by: Mapping[str, Any] | None) -> xr.DataArray:
        name = self.variables[0] if variable is None else variable
        if name not in self.runs.data_vars:
            raise ArgumentError(f"variable: no {name!r} in this comparison; compared: {', '.join(self.variables)}")
        data = self.runs[name]
        if "time" not in data.dims:
            raise ArgumentError(f"variable: {name!r} has no time dimension to plot")
        for key, wanted in (by or {}).items():
            values = list(wanted) if isinstance(wanted, (list, tuple, set, np.ndarray)) else [wanted]
            if key in data.dims:
                missing = [v for v in values if v not in data[key].values]
                if missing:
                    raise ArgumentError(f"by: no {key} {missing[0]!r}; available: "
                                        f"{', '.join(map(str, data[key].values))}")
                data = data.sel({key: values})
            elif key in data.coords and data[key].ndim == 1 and data[key].dims[0] not in ("scenario", "run", "time"):
                mask = np.isin(data[key].values, values)
                if not mask.any():
                    raise ArgumentError(f"by: no {key} {values[0]!r}; available: "
                                        f"{', '.join(sorted(set(map(str, data[key].values))))}")
                data = data.isel({data[key].dims[0]: mask})
            else:
                choices = [str(d) for d in data.dims if d not in ("scenario", "run", "time")]
                choices += [str(c) for c in data.coords if c not in data.dims and data[c].ndim == 1
                            and data[c].dims[0] in choices]
                raise ArgumentError(f"by: {name} has no dimension or coordinate {key!r}; available: "
                                    f"{', '.join(choices)}")
        return data

    def plot(self, variable: str | None = None, where: Mapping[str, Any] | None = None, ax: Axes | None = None, *,
             by: Mapping[str, Any] | None = None) -> Axes:
        """Median lines with a shaded band from the lowest to the highest quantile, one colour per scenario.

        Args:
            variable: an output variable (default: the first compared one).
            where: selections before summing, as in :meth:`band` (default: the total).
            ax: the matplotlib Axes to draw on (default: a new figure).
            by: the old name of ``where`` (deprecated).

        Returns:
            The matplotlib Axes (one median line per scenario in ``ax.get_lines()``).
        """
        import matplotlib.pyplot as plt

        where = _where_from_by(where, by, "plot")
        low, high = min(self.quantiles), max(self.quantiles)
        band = self.band(variable, where, sorted({low, 0.5, high}))
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        times = band["time"].values
        for index, label in enumerate(self.scenarios):
            colour = f"C{index % 10}"
            series = band.sel(scenario=label)
            ax.fill_between(times, series.sel(quantile=low).values, series.sel(quantile=high).values,
                            color=colour, alpha=0.25, linewidth=0)
            ax.plot(times, series.sel(quantile=0.5).values, color=colour, label=label)
        name = self.variables[0] if variable is None else variable
        units = display_units(str(self.runs[name].attrs.get("units", "")))
        ax.set_ylabel(f"{name} ({units})" if units else name)
        selection = ", ".join(f"{key}={value}" for key, value in (where or {}).items())
        runs = self.runs.sizes["run"]
        # Two lines and wrapping, so a long selection is not cut off at the figure's edge.
        ax.set_title(f"{name}{': ' + selection if selection else ''}\n(median, {low:.0%}-{high:.0%} of {runs} runs)",
                     fontsize="medium", wrap=True)
        ax.legend()
        return ax

    def to_dataframe(self, variable: str | None = None, by: str | Sequence[str] | None = None, freq: str = "week",
                     where: Mapping[str, Any] | None = None, stock: str = "end") -> pd.DataFrame:
        """Every run of every scenario as a tidy table: ``scenario``, ``run``, ``seed`` (and ``draw``, the parameter
        set of a comparison with ``draws=``) columns, one row per period and group (see :func:`migsim.table` for
        ``by``, ``freq``, ``where`` and ``stock``)."""
        from .tables import table

        return table(self.runs, self.variables[0] if variable is None else variable, by=by, freq=freq, where=where,
                     stock=stock)

    def differences(self, variable: str | None = None, baseline: str | None = None,
                    by: str | Sequence[str] | None = None, freq: str = "year",
                    where: Mapping[str, Any] | None = None, stock: str = "end",
                    quantiles: Sequence[float] | None = None) -> pd.DataFrame:
        """Paired differences from a baseline scenario: per seed, then quantiles over seeds.

        Every scenario of a comparison runs with the same seeds, so each run of a scenario is paired with the
        baseline's run of the same seed; the quantiles are those of the per-seed differences (never differences of
        quantile bands). With ``from_state`` the runs of a seed also share that seed's saved history, so the pairs
        differ only from the states' date on.

        Args:
            variable, by, freq, where, stock: as for :meth:`to_dataframe`.
            baseline: the scenario the others are compared with (default: the first).
            quantiles: default :attr:`quantiles`.

        Returns:
            Columns ``scenario, period, start, end, complete``, the ``by`` columns, ``runs`` (pairs) and one column
            per quantile (``q10``, ``q50``, ``q90``) of ``scenario - baseline``.
        """
        frame = self.to_dataframe(variable, by=by, freq=freq, where=where, stock=stock)
        base = self.scenarios[0] if baseline is None else str(baseline)
        if base not in self.scenarios:
            raise ArgumentError(f"baseline: expected one of {', '.join(self.scenarios)}, found {base!r}")
        levels = list(self.quantiles if quantiles is None else quantiles)
        keys = ["period", "start", "end", "complete", *[c for c in frame.columns
                                                        if c not in ("scenario", "run", "seed", "draw", "value",
                                                                     "period", "start", "end", "complete")]]
        reference = frame[frame["scenario"] == base].set_index([*keys, "seed"])["value"]
        out = []
        for label in self.scenarios:
            if label == base:
                continue
            other = frame[frame["scenario"] == label].set_index([*keys, "seed"])["value"]
            difference = (other - reference.reindex(other.index)).rename("difference").reset_index()
            grouped = difference.groupby(keys, sort=False)["difference"]
            summary = grouped.quantile(levels).unstack()
            summary.columns = [f"q{round(q * 100):d}" for q in levels]
            summary.insert(0, "runs", grouped.count())
            summary = summary.reset_index()
            summary.insert(0, "scenario", label)
            out.append(summary)
        result = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
        result.attrs.update(frame.attrs, baseline=base,
                            paired_by="seed and its parameter draw" if "draw" in self.runs.coords else "seed")
        return result

    def __repr__(self) -> str:
        return (f"<migsim.Comparison scenarios={self.scenarios} runs={self.runs.sizes['run']} "
                f"variables={self.variables} quantiles={list(self.quantiles)}>")


def _no_scenario(label: Any) -> ScenarioLike:
    raise ArgumentError(f"scenarios[{label!r}]: None stands for the states' own scenario; it needs from_state")


@takes_settings("scale", "until", "threads", "processes", "quiet", renamed={"threads_per_run": "threads"})
def compare(
    scenarios: Mapping[str, ScenarioLike | None],
    seeds: int | Iterable[int] | None = None,
    *,
    variables: str | Sequence[str] | None = "stock",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    scale: int | None = None,
    until: str | datetime.date | None = None,
    threads: int | None = None,
    processes: int | None = None,
    client: Client | None = None,
    master_seed: int | None = None,
    quiet: bool = False,
    settings: RunSettings | None = None,
    threads_per_run: int | None = None,
    variable: str | Sequence[str] | None = None,
    from_state: StatesLike | None = None,
    draws: DrawsLike | None = None,
) -> Comparison:
    """Runs an ensemble of every scenario with the same seeds and compares them with quantile bands.

    Example::

        cmp = migsim.compare({"baseline": "kyrgyzstan", "quota_cut": "quota-cut"}, seeds=20, scale=100)
        cmp.bands.stock.sel(quantile=0.9)           # per cell
        cmp.plot("stock", where={"location_country": "RU"})

    Args:
        scenarios: labels mapped to scenarios (built-in names, paths or :class:`migsim.Scenario` objects; with
            ``from_state``, ``None`` is the states' own scenario).
        seeds: a count (derived from ``master_seed``, the same for every scenario) or the seeds themselves; default
            10. With ``from_state``, the states' seeds.
        variables: the output variable(s) to keep (``None``: all), as for :class:`Ensemble`.
        quantiles: the quantiles over runs, each in ``[0, 1]``.
        scale, until, threads, processes, client, master_seed, quiet, settings: as for :class:`Ensemble` (the
            scale is each scenario's own ``run.scale`` unless given). All the scenarios' runs share one pool of
            workers and one progress bar.
        threads_per_run: the old name of ``threads`` (deprecated).
        variable: the old name of ``variables`` (deprecated).
        from_state: saved states, one per seed (:func:`save_histories`): every scenario's run of a seed continues
            that seed's state as a branch, so the futures of a seed share its history and its random draws until
            their events differ, and :meth:`Comparison.differences` pairs them by seed. See :class:`Ensemble`.
        draws: parameter sets to draw from, as for :class:`Ensemble` (a fit, a saved fit folder, a DataFrame or a
            list of dicts): every scenario's run of a seed uses the same set, so the runs stay paired by (seed,
            set) and the bands, and those of :meth:`Comparison.differences`, include the parameters'
            uncertainty. Not with ``from_state``.

    Returns:
        A :class:`Comparison`.

    Raises:
        migsim.ArgumentError: no scenarios, bad quantiles or options (see :class:`Ensemble`).
        migsim.ScenarioError: a scenario does not load.
        migsim.MigsimError: a run failed (the message names the scenario and the seed).
    """
    options = for_parallel_runs(settings if settings is not None else RunSettings(), "compare")
    if not isinstance(scenarios, Mapping) or not scenarios:
        raise ArgumentError("scenarios: expected a non-empty mapping of label to scenario, e.g. "
                            "{'baseline': 'kyrgyzstan', 'quota_cut': 'quota-cut'}")
    levels = [float(q) for q in quantiles] if isinstance(quantiles, Iterable) else []
    if not levels or any(not 0 <= q <= 1 for q in levels) or len(set(levels)) != len(levels):
        raise ArgumentError(f"quantiles: expected distinct numbers in [0, 1], found {quantiles!r}")
    if variable is not None:
        warnings.warn("compare(variable=...) is deprecated; use variables=...", DeprecationWarning, stacklevel=2)
        variables = variable
    variables = [variables] if isinstance(variables, str) else None if variables is None else list(variables)
    if from_state is not None:
        states = _resolve_states(from_state, seeds, master_seed, options.scale)
        if draws is not None:
            _refuse_branch_draws(states)
        run_seeds, master = states.seeds, None
        ensembles = {
            str(label): Ensemble(scenario, client=client, quiet=True, variables=variables, settings=options,
                                 from_state=states.paths)
            for label, scenario in scenarios.items()
        }
    else:
        run_seeds, master = _resolve_seeds(10 if seeds is None else seeds, master_seed)
        # Read once; each ensemble then assigns the same set to a seed (the resample is seeded by the seeds).
        sets = None if draws is None else _resolve_draws(draws, run_seeds, {}).table
        ensembles = {
            str(label): Ensemble(scenario if scenario is not None else _no_scenario(label), run_seeds, client=client,
                                 quiet=True, variables=variables, settings=options, draws=sets)
            for label, scenario in scenarios.items()
        }
    members = {label: ens._members(label=f"scenario {label!r}") for label, ens in ensembles.items()}
    everything = [member for group in members.values() for member in group]
    datasets = _execute(everything, options, client, "compare")
    parts = []
    start = 0
    for label, ens in ensembles.items():
        count = len(members[label])
        parts.append(ens._assemble(members[label], datasets[start:start + count]))
        start += count
    runs = xr.concat(
        parts,
        dim=pd.Index(list(ensembles), name="scenario"),
        data_vars="all",
        coords="different",
        compat="equals",
        join="outer",
        combine_attrs="drop_conflicts",
    )
    runs = runs.assign_coords(scenario_name=("scenario", [ens.name for ens in ensembles.values()]))
    runs = _keep_each_scenario_as_run(runs, parts)
    runs.attrs["title"] = f"migsim comparison of {', '.join(ensembles)}: {len(run_seeds)} runs each"
    if master is not None:
        runs.attrs["master_seed"] = master
    return Comparison(runs, levels)
