"""The analysis notebooks run top to bottom, twice in a row, draw their plots and write the files they say they
write, under the output folder only (``MIGSIM_OUT``; the repository's ``out/`` by default, never ``analysis/``).

Each notebook is executed with nbclient in a fresh kernel (the ``python3`` kernel of this interpreter:
jupyter_client starts a spec whose command is ``python`` with ``sys.executable``), in a temporary
working folder. Figures are drawn with the headless inline backend (Agg rendering to PNG), so they
become ``image/png`` outputs that the test can count. The committed notebooks must be clean: no
outputs, no execution counts.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import migsim

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[2]
ANALYSIS = REPO / "analysis"

# Each notebook with the files (relative to its output folder, MIGSIM_OUT) it writes.
NOTEBOOKS: dict[str, list[str]] = {
    "01-quickstart": ["kyrgyzstan-baseline.h5", "kyrgyzstan-remittances-0.4.h5", "lower-remittances/scenario.yaml"],
    "02-quota-scenarios": [],
    "03-crisis-returns": ["crisis-2020.html"],
    "04-ensembles-and-uncertainty": ["quota-cut-ensemble.h5"],
    "05-branching-futures": [f"states-2025/kyrgyzstan-seed{seed}.state.h5" for seed in range(1, 7)],
}
TIMEOUT_PER_CELL = 300  # seconds; the notebooks take well under a minute each on two cores

# Appended to the executed copy only: the kernel must import the migsim under test.
_CHECK_KERNEL = "import sys, migsim\nprint(sys.executable)\nprint(migsim.__file__)"


def _load(name: str) -> "nbformat.NotebookNode":
    return nbformat.read(ANALYSIS / f"{name}.ipynb", as_version=4)


def test_every_notebook_is_tested() -> None:
    found = sorted(p.stem for p in ANALYSIS.glob("*.ipynb"))
    assert found == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_is_clean(name: str) -> None:
    nb = _load(name)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name} cell {index}: outputs committed (clear them before committing)"
            assert cell.execution_count is None, f"{name} cell {index}: execution count committed"


def _execute(name: str, folder: Path) -> tuple["nbformat.NotebookNode", float]:
    nb = _load(name)
    nb.cells.append(nbformat.v4.new_code_cell(_CHECK_KERNEL))
    # Headless: matplotlib renders with Agg into PNG outputs (MPLBACKEND=Agg alone would draw nothing).
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MIGSIM_OUT": str(folder / "out")}
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=TIMEOUT_PER_CELL, resources={"metadata": {"path": str(folder)}}
    )
    started = time.monotonic()
    try:
        client.execute(env=env)
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{name}: a cell failed:\n{error}")
    return nb, time.monotonic() - started


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_runs_twice_and_writes_only_under_out(name: str, tmp_path: Path) -> None:
    before = sorted(p.name for p in ANALYSIS.iterdir())
    _execute(name, tmp_path)  # the first run; the second must not fail on what the first wrote
    nb, elapsed = _execute(name, tmp_path)

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert not errors, errors
    images = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    assert images, f"{name}: no plot was drawn"

    kernel_lines = "".join(o.get("text", "") for o in code[-1].outputs).split()
    assert kernel_lines[-1] == migsim.__file__, f"the kernel imported {kernel_lines[-1]}, not {migsim.__file__}"

    for relative in NOTEBOOKS[name]:
        assert (tmp_path / "out" / relative).is_file(), f"{name}: {relative} was not written"
    assert [p.name for p in tmp_path.iterdir()] in ([], ["out"]), f"{name}: wrote outside out/"
    assert sorted(p.name for p in ANALYSIS.iterdir()) == before, f"{name}: wrote into analysis/"
    print(f"{name}: {elapsed:.1f} s, {len(images)} plots ({sys.executable})")
