"""Step-wise runs with adaptive policies.

A :class:`Simulation` owns one engine run. Between steps you can read the last step's
aggregates (:meth:`Simulation.current`), issue events (:meth:`Simulation.issue`) or let
adaptive policies do it: a function or :class:`Policy` called once before every step.
Events issued during a run go through the same checks as a scenario's events and are recorded,
with the step they were decided in, in ``policy_state`` and the resolved scenario.
"""

from __future__ import annotations

import copy as _copy
import datetime as _dt
import os
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence, Union

from . import _core
from ._progress import progress_bar
from .events import Event, event_from_dict
from .results import Results
from .scenario import PathLike, Scenario, as_scenario
from .settings import RunSettings, takes_settings

if TYPE_CHECKING:
    import xarray as xr


class PolicyError(_core.MigsimError):
    """An adaptive policy raised or returned something that is not an event.

    The step it was deciding for has not run; the simulation can go on (without the policy, or
    after fixing it)."""


PolicyError.__module__ = "migsim"


class StepState:
    """What an adaptive policy sees before a step: the date, the last step's aggregates and the
    events it may issue."""

    def __init__(self, simulation: "Simulation", policy_name: str = "") -> None:
        self._simulation = simulation
        self._current: xr.Dataset | None = None
        self._policy_name = policy_name
        self._pending: list[tuple[Event, str]] = []

    @property
    def date(self) -> _dt.date:
        """First day of the step about to run."""
        return self._simulation.date

    @property
    def step(self) -> int:
        """Number of steps done so far."""
        return self._simulation.steps_done

    @property
    def current(self) -> xr.Dataset:
        """The last completed step's aggregates (people), e.g. ``state.current.stock``."""
        if self._current is None:
            self._current = self._simulation.current()
        return self._current

    @property
    def scenario(self) -> Scenario:
        """A copy of the scenario being run, with the events issued so far."""
        return self._simulation.scenario

    def in_force(self, label: str) -> bool:
        """Whether the event `label` was in force during the last step."""
        current = self.current
        if "policy_state" not in current or label not in current.event.values:
            return False
        return bool(current.policy_state.sel(event=label).values.reshape(-1)[-1])

    def issue(self, event: Event | dict[str, Any]) -> str:
        """Issues an event from the step about to run on, with the policy's other decisions of
        this step (all or none are applied); returns its label."""
        checked = self._simulation._prepare(event, self._policy_name)
        self._pending.append((checked, self._policy_name))
        return str(checked.label)


class Policy:
    """Base class of adaptive policies: override :meth:`decide`.

    ``decide`` is called once before every step with a :class:`StepState`; it returns nothing,
    an event or a list of events to issue (or calls ``state.issue``). Keep state on ``self``,
    e.g. whether the policy has already acted::

        class FlightsWhenStranded(migsim.Policy):
            def __init__(self, threshold):
                self.threshold, self.done = threshold, False

            def decide(self, state):
                stranded = float(state.current.stranded.sum())
                if not self.done and stranded > self.threshold:
                    self.done = True
                    return migsim.BorderClosure(...)
    """

    name: str = ""

    def decide(self, state: StepState) -> Event | Iterable[Event] | None:
        """Called before every step: return None, an event or a list of events to issue."""
        raise NotImplementedError

    def __call__(self, state: StepState) -> Event | Iterable[Event] | None:
        return self.decide(state)


PolicyLike = Union[Policy, Callable[[StepState], Any]]


def _policy_name(policy: PolicyLike) -> str:
    return getattr(policy, "name", "") or getattr(policy, "__name__", "") or type(policy).__name__


def _parse_date(text: Any, what: str) -> _dt.date:
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    try:
        return _dt.date.fromisoformat(str(text))
    except ValueError:
        raise _core.ArgumentError(f"{what}: expected a date YYYY-MM-DD, found {text!r}") from None


class Simulation:
    """One run of a scenario, step by step.

    Args:
        scenario: a :class:`Scenario`, a built-in name or a folder; the simulation keeps a frozen
            copy, so editing the scenario afterwards does not change the run.
        seed: random seed (None: the scenario's ``run.seed``).
        threads: worker threads (None or 0: all cores); results do not depend on it.
        scale: people per agent (default: the scenario's ``run.scale``, as for ``migsim run``).
        until: last date to simulate (default: the scenario's end).
        policies: adaptive policies, called in order before every step.
        mpi: split the agents over the processes of an MPI job (``mpirun -np N python script.py``);
            every process gets the same results, bit for bit the same as one process would. See
            docs/distributed.md.
        settings: the run settings as one :class:`migsim.RunSettings` (its ``quiet`` is the default of
            :meth:`run`); the keyword arguments given override its fields.

    >>> sim = migsim.Simulation("covid-returns", seed=1, scale=100)
    >>> sim.run(until="2020-03-01")
    >>> sim.current().stock.sum()       # the last step, in people
    >>> sim.issue(migsim.BorderClosure(...))
    >>> results = sim.run()             # to the end
    """

    @takes_settings("seed", "threads", "scale", "until", "mpi")
    def __init__(self, scenario: Scenario | PathLike = "kyrgyzstan", seed: int | None = 1, threads: int | None = None,
                 scale: int | None = None, until: str | _dt.date | None = None,
                 policies: Sequence[PolicyLike] = (), mpi: bool = False, *,
                 settings: RunSettings | None = None) -> None:
        options = settings if settings is not None else RunSettings()
        self._scenario = as_scenario(scenario)
        core_scenario = self._scenario.core
        # The scenario's own seed and scale where none was given (run.seed, run.scale), as `migsim run` does.
        seed = core_scenario.seed if options.seed is None else options.seed
        scale = core_scenario.scale if options.scale is None else options.scale
        self._settings = options.replace(seed=seed, scale=scale)
        self._core = _core.Simulation(core_scenario, seed=seed, threads=options.threads or 0, scale=scale,
                                      until=options.until, distributed=options.mpi)
        self._policies: list[PolicyLike] = []
        self._issued = 0
        for policy in policies:
            self.add_policy(policy)

    @classmethod
    def from_state(cls, path: str | os.PathLike[str], scenario: Scenario | None = None, *,
                   policies: Sequence[PolicyLike] = (), threads: int | None = None,
                   until: str | _dt.date | None = None, mpi: bool = False, seed: int | None = None,
                   scale: int | None = None) -> "Simulation":
        """Continues a state saved by :meth:`save_state` (or ``migsim run --save-state-at``).

        Without `scenario` the run goes on exactly as the one that saved it would have, bit for bit,
        on any number of threads or MPI processes. With `scenario` (e.g.
        ``migsim.Scenario.from_state(path)`` edited) it is a branch: it may change only what acts
        after the state's date (events that start then or later, the end or later schedule of events
        in force, parameters other than ``calendar.start``, ``calendar.step``, ``run.*`` and
        ``population.initial_*``); any other edit raises :class:`migsim.ArgumentError` naming it.
        Seed and scale are the state's (others raise). Adaptive policies are not saved in a state:
        pass them again (their own Python attributes are yours to restore).
        """
        state_scenario = scenario.copy() if scenario is not None else Scenario.from_state(path)
        until_text = None if until is None else _parse_date(until, "until").isoformat()
        core = _core.Simulation.from_state(os.fspath(path), scenario=None if scenario is None else scenario.core,
                                           seed=seed, scale=scale, threads=threads or 0, until=until_text,
                                           distributed=mpi)
        self = cls.__new__(cls)
        self._scenario = state_scenario
        self._settings = RunSettings(seed=int(core.seed), scale=int(core.scale), threads=threads, until=until_text,
                                     mpi=mpi)
        self._core = core
        self._policies = []
        self._issued = 0
        for policy in policies:
            self.add_policy(policy)
        return self

    def save_state(self, path: str | os.PathLike[str]) -> None:
        """Writes the complete state after the last step done (agents, policy state, history, the
        scenario as run, seed and scale) to `path`, atomically: the file is complete or absent.
        Continue it with :meth:`from_state`; ``migsim info PATH`` describes it. The adaptive
        policies' own Python state is not included."""
        self._core.save_state(os.fspath(path))

    def fork(self, policies: Sequence[PolicyLike] | None = None) -> "Simulation":
        """An independent copy in memory that continues on its own, e.g. to branch into futures
        with :meth:`issue`. Its policies are `policies`, or deep copies of this simulation's (so
        that their attributes evolve separately in each branch)."""
        other = Simulation.__new__(Simulation)
        other._core = self._core.fork()
        other._scenario = self._scenario.copy()
        other._settings = self._settings
        other._policies = []
        other._issued = self._issued
        for policy in (_copy.deepcopy(self._policies) if policies is None else policies):
            other.add_policy(policy)
        return other

    def __deepcopy__(self, memo: dict[int, Any]) -> "Simulation":
        return self.fork()

    @property
    def fingerprint(self) -> str:
        """A digest of what shaped the steps done so far (inputs, seed, scale, steps): equal for
        the branches of one history, different when the past differs."""
        return str(self._core.fingerprint)

    # ---- state ----------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """A copy of the scenario being run (events issued so far are in ``events``)."""
        return self._scenario.copy()

    @property
    def settings(self) -> RunSettings:
        """The run settings, with the seed and the scale in use (the scenario's where none was given)."""
        return self._settings

    @property
    def date(self) -> _dt.date:
        """First day of the next step (after the end: the last day simulated)."""
        return _dt.date.fromisoformat(self._core.current_date)

    @property
    def steps_done(self) -> int:
        """Number of steps run so far."""
        return int(self._core.steps_done)

    @property
    def total_steps(self) -> int:
        """Number of steps of the whole run (to `until` or the scenario's end)."""
        return int(self._core.total_steps)

    @property
    def done(self) -> bool:
        """Whether every step has run."""
        return bool(self._core.done)

    def current(self) -> xr.Dataset:
        """The last completed step's aggregates as an :class:`xarray.Dataset` (people), with one
        time point; before the first step, an empty time dimension."""
        first = max(self.steps_done - 1, 0)
        return Results(self._core.results_since(first)).to_xarray()

    def results(self) -> Results:
        """Every step so far, with the run's provenance."""
        return Results(self._core.results())

    def stats(self) -> dict[str, Any]:
        """Steps, agent-steps, wall time, agents and memory of the run so far."""
        return dict(self._core.stats())

    # ---- policies -------------------------------------------------------------------------

    def add_policy(self, policy: PolicyLike) -> None:
        """Adds an adaptive policy: a function ``f(state)`` or a :class:`Policy`."""
        if not callable(policy):
            raise TypeError(f"policy: expected a function of the step state or a migsim.Policy, found {policy!r}")
        self._policies.append(policy)

    def remove_policy(self, policy: PolicyLike) -> None:
        """Removes an adaptive policy added before (ValueError if it is not there)."""
        self._policies.remove(policy)

    def issue(self, event: Event | dict[str, Any]) -> str:
        """Adds an event from the next step on; returns its label.

        Raises :class:`migsim.ScenarioError` for a bad event (unknown region, field out of range)
        and :class:`migsim.ArgumentError` if it starts before the next step or the run is over;
        the simulation is unchanged in both cases.
        """
        return self._issue_all([(self._prepare(event, ""), "")])[0]

    def _prepare(self, event: Any, decided_by: str) -> Event:
        """Type-checks an event and gives a policy's event a label and a source naming the policy."""
        if isinstance(event, dict):
            event = event_from_dict(event)
        if not isinstance(event, Event):
            raise TypeError(f"expected a migsim event such as migsim.Quota(...), found {event!r}")
        prepared: Event = event
        if decided_by:
            changes: dict[str, Any] = {}
            if prepared.label is None:
                self._issued += 1
                changes["label"] = f"{decided_by}_{self._issued}"
            if prepared.source is None:
                changes["source"] = f"adaptive policy {decided_by}, decided before the step of {self.date}"
            if changes:
                prepared = prepared.replace(**changes)
        return prepared

    def _issue_all(self, events: list[tuple[Event, str]]) -> list[str]:
        """Adds events all or nothing (the engine checks every one before any is added)."""
        batch = [(e.to_yaml(), f"event {e.label or e.type}" + (f" of policy {p!r}" if p else "")) for e, p in events]
        added = self._core.add_events(batch)
        core_scenario = self._core.scenario
        for values in added:
            self._scenario._record_issued(values, core_scenario)
        return [str(values["label"]) for values in added]

    def _decide(self) -> None:
        """Calls every policy, then issues all their events at once; on any error nothing is issued."""
        if not self._policies:
            return
        decided: list[tuple[Event, str]] = []
        for policy in self._policies:
            name = _policy_name(policy)
            state = StepState(self, name)
            try:
                decision = policy(state)
            except Exception as error:  # noqa: BLE001 - re-raised with the policy's name
                raise PolicyError(f"policy {name!r} raised {type(error).__name__}: {error} "
                                  f"(before the step starting {self.date}; that step has not run)") from error
            decided += state._pending
            if decision is None:
                continue
            if isinstance(decision, (Event, dict)):
                decision = [decision]
            if isinstance(decision, (str, bytes)) or not isinstance(decision, Iterable):
                raise PolicyError(f"policy {name!r} returned {decision!r}; expected None, an event or a list "
                                  "of events")
            for event in decision:
                if not isinstance(event, (Event, dict)):
                    raise PolicyError(f"policy {name!r} returned {event!r}; expected migsim events")
                try:
                    decided.append((self._prepare(event, name), name))
                except TypeError as error:
                    raise PolicyError(f"policy {name!r} returned a bad event: {error}") from error
        if decided:
            try:
                self._issue_all(decided)
            except _core.MigsimError as error:
                # Every policy event has a label, and the engine's message names the event's label.
                culprits = [f"policy {p!r}" for e, p in decided if f"'{e.label}'" in str(error)] or ["a policy"]
                raise PolicyError(f"{culprits[0]} issued a bad event: {error} (none of the events "
                                  f"decided before the step starting {self.date} were issued)") from error

    # ---- running --------------------------------------------------------------------------

    def step(self) -> None:
        """Runs the adaptive policies, then one step."""
        if self.done:
            raise _core.ArgumentError("step: the simulation has reached its end")
        self._decide()
        self._core.step()

    def run(self, until: str | _dt.date | None = None, quiet: bool | None = None) -> Results:
        """Runs to `until` (inclusive: every step starting on or before it) or to the end, with a
        progress bar unless `quiet` (default: that of the run settings); returns the results so far."""
        if quiet is None:
            quiet = self._settings.quiet
        target = self.total_steps
        if until is not None:
            day = _parse_date(until, "until")
            target = min(target, int(self._core.steps_until(day.isoformat())))
        remaining = max(target - self.steps_done, 0)
        bar = None
        if not quiet and remaining > 0:
            bar = progress_bar(total=remaining, unit="step", desc=self._scenario.name, leave=False)
        try:
            if not self._policies and target == self.total_steps:
                # One call into the engine; the GIL is taken only to move the bar.
                self._core.run(None if bar is None else (lambda done, total: bar.update(1)))
            else:
                while self.steps_done < target:
                    self.step()
                    if bar is not None:
                        bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        return self.results()

    def __repr__(self) -> str:
        return (f"<migsim.Simulation {self._scenario.name!r}: step {self.steps_done}/{self.total_steps}, "
                f"next {self.date}, {len(self._policies)} policies>")
