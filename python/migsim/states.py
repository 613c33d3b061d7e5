"""Saved states: what a state file says about itself, and refusing one where an output file is expected.

A state file (``Simulation.save_state``, ``migsim run --save-state-at``) holds a whole simulation between two steps;
:meth:`migsim.Simulation.from_state` continues it, and ``Ensemble``/``compare`` with ``from_state=`` branch many
futures from one history per seed (docs/python.md, "Saved states and branches").
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from pathlib import Path
from typing import Any

from . import _core
from ._core import ArgumentError

__all__ = ["StateInfo", "state_info"]

_RESUME_HINT = "continue it with migsim run --resume or migsim.Simulation.from_state"


@dataclasses.dataclass(frozen=True)
class StateInfo:
    """What a state file says about itself, after its checksum is verified (:func:`migsim.state_info`).

    Attributes:
        path: the file.
        scenario: the scenario's name (``scenario_source``: where it was loaded from).
        seed, scale: those of the run that saved it (a branch keeps them).
        steps_done: steps simulated; ``date`` is the first day of the next step (a branch's events that start on or
            after it may change).
        agents: agents ever created.
        fingerprint: a digest of what shaped the past (inputs, seed, scale, steps): the states of one history and its
            branches' past share it.
        resumed_from: the state the saving run had itself continued from ("" if none).
        migsim_version, git_commit, created_utc, format, bytes: provenance and the file's format and size.
        description: the lines ``migsim info`` prints.
    """

    path: Path
    scenario: str
    scenario_source: str
    seed: int
    scale: int
    steps_done: int
    date: datetime.date
    agents: int
    fingerprint: str
    resumed_from: str
    migsim_version: str
    git_commit: str
    created_utc: str
    format: int
    bytes: int
    description: str

    def summary(self) -> str:
        """``after 835 steps of kyrgyzstan, next step 2026-01-02``."""
        return f"after {self.steps_done} steps of {self.scenario}, next step {self.date.isoformat()}"


def state_info(path: str | os.PathLike[str]) -> StateInfo:
    """Reads and verifies a state file's header and metadata (nothing else is loaded).

    Raises:
        migsim.ArgumentError: no such file, not a state file, damaged or truncated, or written by another version or
            state format (the message says which).
    """
    target = Path(os.fspath(path))
    if not target.is_file():
        raise ArgumentError(f"{target}: no such file (expected a state file saved by Simulation.save_state or "
                            f"migsim run --save-state-at)")
    raw: dict[str, Any] = dict(_core.state_info(os.fspath(target)))
    return StateInfo(
        path=target, scenario=str(raw["scenario_name"]), scenario_source=str(raw["scenario_source"]),
        seed=int(raw["seed"]), scale=int(raw["scale"]), steps_done=int(raw["steps_done"]),
        date=datetime.date.fromisoformat(str(raw["date"])), agents=int(raw["agents"]),
        fingerprint=str(raw["fingerprint"]), resumed_from=str(raw["resumed_from"]),
        migsim_version=str(raw["migsim_version"]), git_commit=str(raw["git_commit"]),
        created_utc=str(raw["created_utc"]), format=int(raw["format"]), bytes=int(raw["bytes"]),
        description=str(raw["description"]))


def refuse_state_file(path: str | os.PathLike[str]) -> None:
    """Raises :class:`migsim.ArgumentError` saying what the file is if ``path`` is a state file, where an output
    file (``migsim run -o``, ``Results.save``) is expected."""
    if not _core.looks_like_state_file(os.fspath(path)):
        return
    try:
        what = state_info(path).summary()
    except _core.MigsimError as error:
        what = f"unreadable: {error}"
    raise ArgumentError(f"{os.fspath(path)}: a migsim state file ({what}), not an output file; {_RESUME_HINT}")
