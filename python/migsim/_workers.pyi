"""Runs of one scenario with many parameter values in a pool of worker processes that lives as long as a fit."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

class RunSpec:
    scenario: Any

    __match_args__ = ("scenario", "overrides", "seed", "scale", "until", "remove_events", "targets", "variables")
    overrides: Mapping[str, Any]
    seed: int
    scale: int | None
    until: str | None
    remove_events: tuple[str, ...]
    targets: Any
    variables: tuple[str, ...] | None
    def __init__(self, scenario: Any, overrides: Mapping[str, Any], seed: int, scale: int | None, until: str | None,
                 remove_events: tuple[str, ...] = (), targets: Any = None,
                 variables: tuple[str, ...] | None = None) -> None: ...
    def describe(self) -> str: ...

def run_spec(spec: RunSpec) -> Any: ...

class WorkerPool:
    processes: int
    def __init__(self, processes: int | None) -> None: ...
    def __enter__(self) -> WorkerPool: ...
    def __exit__(self, *exc: Any) -> None: ...
    def map(self, specs: Sequence[RunSpec], on_error: str = "raise",
            advance: Callable[[int], Any] | None = None) -> list[Any]: ...

def check_replicates(replicates: int) -> int: ...
