"""The C++ engine stays made of small functions: measured with lizard over every source under sim/.

A function fails if its line span (lizard's `length`, first to last line) exceeds MAX_LENGTH or
its cyclomatic complexity exceeds MAX_COMPLEXITY; sim/src/engine/simulation.cpp fails at
MAX_SIMULATION_LINES lines or more. The failure lists every offender with file:line, length and
complexity, so split what it names (or, for a purely declarative table, see TABLES).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import lizard
import pytest

REPO = Path(__file__).resolve().parents[2]
SIM = REPO / "sim"
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}
MAX_LENGTH = 80
MAX_COMPLEXITY = 20
SIMULATION = SIM / "src" / "engine" / "simulation.cpp"
MAX_SIMULATION_LINES = 400  # the file must stay below this

# Declarative tables written as functions: a list of specifications, one entry after another,
# long but without logic. They are exempt from MAX_LENGTH only, never from MAX_COMPLEXITY (a table
# has none). Matched by (file, unqualified function name), both fnmatch patterns relative to the
# repository. Tables at namespace scope are not functions and need no entry: the parameter schema
# (kSchema in sim/src/scenario/parameters.cpp), the outputs (kOutputs, output_schema.cpp) and the
# statuses (kStatuses, migsim/status.hpp). Every entry must match a function that exists.
TABLES = [
    # One event kind per type: its EventTypeSpec (summary, mechanics text, example, field list)
    # and the hooks it sets (quota_kind, border_closure_kind, ...).
    ("sim/src/events/*.cpp", "*_kind"),
]


@dataclass(frozen=True)
class Function:
    file: str  # relative to the repository
    line: int
    name: str  # qualified, as lizard reports it
    length: int  # line span
    nloc: int
    complexity: int

    @property
    def short_name(self) -> str:
        return self.name.rsplit("::", 1)[-1]

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line} {self.name}: length {self.length}, complexity {self.complexity} "
            f"(nloc {self.nloc})"
        )


def measure() -> list[Function]:
    functions = []
    for path in sorted(SIM.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        relative = path.relative_to(REPO).as_posix()
        for f in lizard.analyze_file(str(path)).function_list:
            functions.append(Function(relative, f.start_line, f.name, f.length, f.nloc, f.cyclomatic_complexity))
    return functions


def is_table(function: Function) -> bool:
    return any(
        fnmatch.fnmatchcase(function.file, file) and fnmatch.fnmatchcase(function.short_name, name)
        for file, name in TABLES
    )


def test_functions_are_short_and_simple() -> None:
    functions = measure()
    assert functions, f"lizard found no functions under {SIM}"
    offenders = [
        f
        for f in functions
        if f.complexity > MAX_COMPLEXITY or (f.length > MAX_LENGTH and not is_table(f))
    ]
    offenders.sort(key=lambda f: (f.file, f.line))
    if offenders:
        pytest.fail(
            f"{len(offenders)} functions longer than {MAX_LENGTH} lines or more complex than {MAX_COMPLEXITY} "
            "(split them; a purely declarative table may go in TABLES):\n" + "\n".join(f"  {f}" for f in offenders),
            pytrace=False,
        )


def test_simulation_cpp_is_small() -> None:
    lines = len(SIMULATION.read_text().splitlines())
    if lines >= MAX_SIMULATION_LINES:
        pytest.fail(
            f"{SIMULATION.relative_to(REPO)} has {lines} lines (limit: fewer than {MAX_SIMULATION_LINES}); "
            "move rules out of it",
            pytrace=False,
        )


def test_every_table_entry_matches_a_function() -> None:
    functions = measure()
    for file, name in TABLES:
        assert any(
            fnmatch.fnmatchcase(f.file, file) and fnmatch.fnmatchcase(f.short_name, name) for f in functions
        ), f"TABLES entry ({file!r}, {name!r}) matches no function: remove or update it"
