"""The references in docs/ are generated from the engine's schemas and must match them, and the
output schema must match what a run writes."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

import migsim
import xarray as xr

from conftest import SMALL

REPO = Path(__file__).resolve().parents[2]
# Data variables a file holds beyond the output schema: the record of the scenario's events in
# force per step, laid out by the event list rather than by the output schema.
NOT_IN_OUTPUT_SCHEMA = {"policy_state"}


def test_generated_docs_are_current() -> None:
    """docs/scenarios.md (parameters, events) and docs/outputs.md (outputs): `make docs`."""
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "generate_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_schema_key_is_documented() -> None:
    text = (REPO / "docs" / "scenarios.md").read_text()
    for spec in migsim._core.parameter_schema():
        assert f"`{spec['key']}`" in text, spec["key"]


def test_every_output_is_documented() -> None:
    text = (REPO / "docs" / "outputs.md").read_text()
    for spec in migsim._core.output_schema():
        assert f"| `{spec['name']}` |" in text, spec["name"]


def test_output_files_hold_exactly_the_output_schema(
    tmp_path: Path, cli: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    out = tmp_path / "small.h5"
    result = cli("run", "-q", "-o", out, *SMALL)
    assert result.returncode == 0, result.stderr
    schema = [(s["name"], tuple(s["dims"]), s["units"]) for s in migsim._core.output_schema()]
    # decode_coords="all": the CF bounds of the steps, time_bnds, are a coordinate.
    with xr.open_dataset(out, decode_times=False, decode_coords="all") as ds:
        assert "time_bnds" in ds.coords  # (xarray moves the bounds attribute of time into its encoding)
        assert NOT_IN_OUTPUT_SCHEMA <= set(ds.data_vars)
        written = [
            (name, tuple(var.dims), var.attrs.get("units", ""))
            for name, var in ds.data_vars.items()
            if name not in NOT_IN_OUTPUT_SCHEMA
        ]
    assert written == schema


def _documented_runs_with_set() -> list[tuple[str, str, list[str]]]:
    """Every `migsim run SCENARIO ... --set KEY=VALUE` example in the README, docs/ and the scenarios' NOTES
    (continuation lines joined; branches from a state left out): (file, scenario, the --set values)."""
    sources = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "scenarios").glob("*/NOTES.md"))]
    examples = []
    for path in sources:
        text = re.sub(r"\\\n\s*", " ", path.read_text())
        for match in re.finditer(r"migsim run ([^\n`]*)", text):
            try:
                args = shlex.split(match.group(1), comments=True)
            except ValueError:  # a run quoted inside prose, not a command
                continue
            if "--set" not in args or "--resume" in args or not args or args[0].startswith("-"):
                continue
            if not ((REPO / "scenarios" / args[0]).is_dir() or (REPO / args[0]).exists()):
                continue  # a folder the reader makes (`migsim export kyrgyzstan my-scenario/`)
            sets = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--set"]
            examples.append((str(path.relative_to(REPO)), args[0], sets))
    return examples


def test_the_documented_set_examples_are_accepted(cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    """A `--set` example in the docs must still name a real key and a value the scenario accepts: an event
    renamed or a field given new rules (an evacuation_schedule entry before evacuation_from) breaks it."""
    examples = _documented_runs_with_set()
    assert len(examples) >= 5, examples  # the README's and covid-returns' examples at least
    for where, scenario, sets in examples:
        result = cli("validate", scenario, *[arg for value in sets for arg in ("--set", value)], cwd=REPO)
        assert result.returncode == 0, f"{where}: migsim run {scenario} --set {' --set '.join(sets)}\n{result.stderr}"
