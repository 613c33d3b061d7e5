"""How runs are made: one set of run settings shared by every entry point.

:func:`migsim.run`, :class:`migsim.Simulation`, :class:`migsim.Ensemble`, :func:`migsim.compare`,
:func:`migsim.calibrate` and :func:`migsim.sensitivity` take the same run settings, either as keyword arguments
(``scale=100, until="2016-01-01"``) or as one :class:`RunSettings` value (``settings=``), which can be kept and
reused::

    import migsim

    fast = migsim.RunSettings(scale=1000, until="2016-01-01", quiet=True)
    results = migsim.run("kyrgyzstan", settings=fast)
    ens = migsim.Ensemble("kyrgyzstan", seeds=10, settings=fast)
    results = migsim.run("kyrgyzstan", settings=fast, scale=100)   # a keyword overrides the settings

Every entry point has the same defaults: the scale is the scenario's own ``run.scale`` unless given, as for
``migsim run``.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import inspect
import numbers
import warnings
from typing import Any, Callable, Mapping, ParamSpec, TypeVar

from ._core import ArgumentError

__all__ = ["RunSettings"]

_P = ParamSpec("_P")
_R = TypeVar("_R")


MAX_SEED = 2**64 - 1
"""The largest seed of a single run (seeds are unsigned 64-bit numbers, recorded exactly in the output)."""


def _whole(name: str, value: Any, low: int, high: int | None = None) -> int | None:
    """``value`` as an int in ``[low, high]`` (None stays None); ArgumentError naming the setting otherwise."""
    if value is None:
        return None
    expected = f"a whole number >= {low}" if high is None else f"a whole number from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(f"{name}: expected {expected}, found {value!r}")
    if int(value) < low or (high is not None and int(value) > high):
        raise ArgumentError(f"{name}: expected {expected}, found {int(value)}")
    return int(value)


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ArgumentError(f"{name}: expected True or False, found {value!r}")
    return value


def _date(name: str, value: Any) -> str | None:
    """A date as ``YYYY-MM-DD`` text (None stays None)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ArgumentError(f"{name}: expected a date YYYY-MM-DD, found {value!r}")


@dataclasses.dataclass(frozen=True, init=False)
class RunSettings:
    """How runs are made: seed, scale, threads, last date, progress bar, MPI and worker processes.

    One value serves every entry point (``settings=``); keyword arguments given to an entry point override the
    matching fields. Every field is checked when the settings are made (:class:`migsim.ArgumentError` naming it).

    Attributes:
        seed: the random seed of a single run (``None``: the scenario's ``run.seed``). Ensembles and fits derive
            the seed of each of their runs from their own seeds (``seeds``/``master_seed`` of :class:`Ensemble`,
            ``seed`` of :func:`calibrate` and :func:`sensitivity`) and do not use it.
        scale: people per agent (``None``: the scenario's ``run.scale``, as ``migsim run`` does). Outputs are
            always in people.
        threads: engine threads per run (``None``: every core for a single run, 1 for each run of an ensemble or
            fit, which run several at once; 0: every core, single runs only). Results do not depend on it.
        until: last date to simulate, ``YYYY-MM-DD`` (``None``: the scenario's end; :func:`calibrate`: the end of
            the calibration period if that is earlier).
        quiet: no progress bar.
        mpi: split a single run over the processes of an MPI job (:func:`run` and :class:`Simulation`;
            ensembles and fits reject it). See docs/distributed.md.
        processes: worker processes of an ensemble or fit (``None``: the available cores divided by ``threads``;
            1: the runs are made one after another in this process). Single runs do not use it.
    """

    seed: int | None
    scale: int | None
    threads: int | None
    until: str | None
    quiet: bool
    mpi: bool
    processes: int | None

    def __init__(
        self,
        *,
        seed: int | None = 1,
        scale: int | None = None,
        threads: int | None = None,
        until: str | datetime.date | None = None,
        quiet: bool = False,
        mpi: bool = False,
        processes: int | None = None,
    ) -> None:
        object.__setattr__(self, "seed", _whole("seed", seed, 0, MAX_SEED))
        object.__setattr__(self, "scale", _whole("scale", scale, 1))
        object.__setattr__(self, "threads", _whole("threads", threads, 0))
        object.__setattr__(self, "until", _date("until", until))
        object.__setattr__(self, "quiet", _flag("quiet", quiet))
        object.__setattr__(self, "mpi", _flag("mpi", mpi))
        object.__setattr__(self, "processes", _whole("processes", processes, 1))

    def replace(self, **changes: Any) -> RunSettings:
        """A copy with some fields changed (checked like new settings): ``settings.replace(scale=100)``."""
        unknown = sorted(set(changes) - {field.name for field in dataclasses.fields(self)})
        if unknown:
            raise TypeError(f"RunSettings has no field {unknown[0]!r}")
        return dataclasses.replace(self, **changes)


_FIELDS = frozenset(field.name for field in dataclasses.fields(RunSettings))


def for_parallel_runs(settings: RunSettings, entry_point: str) -> RunSettings:
    """The settings of the runs of an ensemble or a fit, which run several at once: one thread per run unless
    given, and no MPI.

    Raises:
        migsim.ArgumentError: ``mpi`` is set, or ``threads`` is 0.
    """
    if settings.mpi:
        raise ArgumentError(f"mpi: {entry_point} makes many runs in separate processes and cannot split them over "
                            f"MPI; run a single simulation with migsim.run(..., mpi=True) under mpirun")
    if settings.threads == 0:
        raise ArgumentError(f"threads: {entry_point} needs a whole number of threads per run >= 1 (None: 1), "
                            f"found 0")
    return settings if settings.threads is not None else settings.replace(threads=1)


def takes_settings(*fields: str, renamed: Mapping[str, str] | None = None
                   ) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorates an entry point whose parameters include ``settings`` and the run settings ``fields`` as keyword
    arguments.

    The entry point is called with ``settings`` holding the :class:`RunSettings` given (default ``RunSettings()``)
    with every keyword of ``fields`` that the caller gave in place, and with those keywords set to the resulting
    values: a keyword given always wins over ``settings``, a keyword left out takes its value from ``settings``.
    A keyword of ``renamed`` (old name -> new name) works as the new one with a DeprecationWarning.
    """
    unknown = sorted(set(fields) - _FIELDS)
    if unknown:
        raise ValueError(f"takes_settings: {unknown[0]!r} is not a RunSettings field")
    moved = dict(renamed or {})

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        signature = inspect.signature(function)
        missing = sorted((set(fields) | set(moved) | set(moved.values()) | {"settings"}) - set(signature.parameters))
        if missing:
            raise ValueError(f"takes_settings: {function.__qualname__} has no parameter {missing[0]!r}")
        name = function.__qualname__.replace(".__init__", "")

        @functools.wraps(function)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:  # as Python words it for the function itself
                raise TypeError(f"{function.__qualname__}() {error}") from None
            given = bound.arguments
            for old, new in moved.items():
                if old not in given:
                    continue
                if new in given:
                    raise TypeError(f"{name}: give {new}= only ({old}= is its deprecated name)")
                warnings.warn(f"{name}: {old}= is deprecated; use {new}=", DeprecationWarning, stacklevel=2)
                given[new] = given.pop(old)
            base = given.get("settings")
            if base is None:
                base = RunSettings()
            elif not isinstance(base, RunSettings):
                raise TypeError(f"{name}: settings: expected a migsim.RunSettings, found {type(base).__name__}")
            explicit = {field: given[field] for field in fields if field in given}
            settings = base.replace(**explicit) if explicit else base
            given["settings"] = settings
            for field in fields:
                given[field] = getattr(settings, field)
            return function(*bound.args, **bound.kwargs)

        return wrapper

    return decorate
