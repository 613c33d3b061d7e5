"""Running scenarios from Python in one call."""

import datetime
from collections.abc import Sequence
from typing import Any

from .results import Results
from .scenario import PathLike, Scenario
from .simulation import PolicyLike

def load_scenario(scenario: PathLike = "kyrgyzstan", **overrides: Any) -> Scenario: ...
def run(
    scenario: Scenario | PathLike = "kyrgyzstan",
    seed: int | None = 1,
    threads: int | None = None,
    scale: int | None = 10,
    output: PathLike | None = None,
    until: str | datetime.date | None = None,
    quiet: bool = False,
    policies: Sequence[PolicyLike] = (),
    mpi: bool = False,
    **overrides: Any,
) -> Results: ...
