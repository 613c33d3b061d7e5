"""Runs of one scenario with many parameter values in a pool of worker processes that lives as long as a fit.

Used by :func:`migsim.calibrate` and :func:`migsim.sensitivity`: unlike :class:`migsim.Ensemble`, which runs a fixed
set of runs, these ask for runs in batches (an optimiser proposes the next values after seeing the last ones), so
the pool is started once and reused. Workers are started with ``spawn`` (the engine uses TBB threads) and return
only what the caller needs: the simulated values at the observed dates, or a few output variables.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import os
from typing import Any, Callable, Mapping, Sequence

import migsim

from ._core import ArgumentError, MigsimError
from .ensemble import _check_int, _default_processes, _load, _retyped, _only_variables
from .settings import RunSettings


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One run: plain picklable values (a scenario name, path or :class:`migsim.Scenario`, never engine objects)."""

    scenario: Any
    overrides: Mapping[str, Any]
    seed: int
    settings: RunSettings  # scale, until and threads of the run
    remove_events: tuple[str, ...] = ()
    targets: Any = None  # a migsim.Targets: return its simulated values
    variables: tuple[str, ...] | None = None  # else return these output variables

    def describe(self) -> str:
        """``seed=3, behaviour.departure.base_rate=0.02, without quota_halved``: the run in a message."""
        parts = [f"seed={self.seed}"] + [f"{k}={v!r}" for k, v in self.overrides.items()]
        if self.remove_events:
            parts.append(f"without {', '.join(self.remove_events)}")
        return ", ".join(parts)


def run_spec(spec: RunSpec) -> Any:
    """Runs one spec (in a worker) and returns the targets' simulated values or a Dataset of some variables."""
    scenario = _load(migsim.Scenario.load(spec.scenario) if isinstance(spec.scenario, (str, os.PathLike))
                     else spec.scenario, dict(spec.overrides))
    for label in spec.remove_events:
        scenario.remove_event(label)
    results = migsim.run(scenario, seed=spec.seed, quiet=True, settings=spec.settings)
    if spec.targets is not None:
        return spec.targets.simulate(results)[0].to_numpy(dtype=float)
    ds = results.to_xarray()
    return _only_variables(ds, spec.variables) if spec.variables is not None else ds


class WorkerPool:
    """A pool of ``processes`` worker processes (1: runs in this process; default: the available cores divided by
    the ``threads`` of each run), as a context manager."""

    def __init__(self, processes: int | None, threads: int = 1) -> None:
        self.processes = _check_int("processes", processes, 1, None) if processes is not None else \
            _default_processes(threads)
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        if self.processes > 1:
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=exc[0] is None, cancel_futures=True)
            self._executor = None

    def map(self, specs: Sequence[RunSpec], on_error: str = "raise",
            advance: Callable[[int], Any] | None = None) -> list[Any]:
        """Results in the order of ``specs``. A failed run raises (naming it) or, with ``on_error="keep"``, gives
        the exception in its place."""
        results: list[Any] = [None] * len(specs)

        def failed(index: int, error: BaseException) -> None:
            if on_error == "keep":
                results[index] = error
                return
            detail = str(error) if isinstance(error, MigsimError) else f"{type(error).__name__}: {error}"
            raise _retyped(error, f"run {specs[index].describe()} failed: {detail}") from error

        if self._executor is None:
            for index, spec in enumerate(specs):
                try:
                    results[index] = run_spec(spec)
                except Exception as error:
                    failed(index, error)
                if advance:
                    advance(1)
            return results
        futures = {self._executor.submit(run_spec, spec): index for index, spec in enumerate(specs)}
        try:
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                problem = future.exception()
                if problem is not None:
                    if isinstance(problem, concurrent.futures.BrokenExecutor):
                        raise MigsimError(f"run {specs[index].describe()} failed: the worker process died")
                    failed(index, problem)
                else:
                    results[index] = future.result()
                if advance:
                    advance(1)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results


def check_replicates(replicates: int) -> int:
    """``replicates`` as a whole number >= 1 (ArgumentError otherwise)."""
    if isinstance(replicates, bool):
        raise ArgumentError(f"replicates: expected a whole number, found {replicates!r}")
    return _check_int("replicates", replicates, 1, None)
