"""Output files follow the CF conventions and look alike from the CLI and from Python (compression, metadata).

The IOOS compliance checker (pinned in requirements-dev.txt, with the standard-name table it bundles: no network)
runs its CF 1.9 test on a CLI file and on a file saved from Python. Its only errors are the units of money
(UDUNITS has no currencies), explained in docs/outputs.md; the files are copied to `.nc` because the checker
asks for that extension.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import h5py
import numpy as np
import pytest
import xarray as xr

import migsim
from migsim.schema import OUTPUTS

RUN = {"scale": 1000, "seed": 2, "until": "2011-06-30", "quiet": True}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("conventions")
    results = migsim.run("kyrgyzstan", output=folder / "cli.h5", **RUN)  # written by the engine's writer
    results.save(folder / "python.h5")
    return {"cli": folder / "cli.h5", "python": folder / "python.h5"}


@pytest.mark.parametrize("which", ["cli", "python"])
def test_cf_attributes(files: dict[str, Path], which: str) -> None:
    ds = xr.open_dataset(files[which], decode_times=False)
    assert ds.attrs["Conventions"] == "CF-1.9"  # CF 1.9 allows the int64 counts
    assert "run of scenario kyrgyzstan, seed 2, scale 1000, until 2011-06-30" in ds.attrs["history"]
    for name, spec in OUTPUTS.items():
        assert ds[name].attrs["cell_methods"].startswith(spec.cell_method + " ("), name
        assert ds[name].attrs["units"] in ("1", "USD"), name
    assert ds["stock"].attrs["cell_methods"] == "time: point (at the end of the step, time + 7 days)"
    assert ds["returns"].attrs["cell_methods"] == "time: sum (over the step, from time to time + 7 days)"
    assert ds["time"].attrs["standard_name"] == "time" and ds["time"].attrs["axis"] == "T"
    # time stays the step's start; time_bnds holds [start, end) of each step, in the same units.
    assert ds["time"].attrs["bounds"] == "time_bnds"
    bounds = ds["time_bnds"].values
    assert bounds.shape == (ds.sizes["time"], 2)
    np.testing.assert_array_equal(bounds[:, 0], ds["time"].values)
    assert (bounds[:, 1] - bounds[:, 0] == 7).all() and (bounds[1:, 0] == bounds[:-1, 1]).all()
    flags = ds["policy_state"].attrs["flag_values"]
    assert np.asarray(flags).dtype.kind == "i" and list(flags) == [0, 1]
    assert ds["policy_state"].attrs["flag_meanings"] == "not_in_force in_force"


def test_python_saved_file_is_compressed_like_the_cli_and_keeps_its_metadata(
        files: dict[str, Path], cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    cli_size, python_size = files["cli"].stat().st_size, files["python"].stat().st_size
    assert python_size < 1.3 * cli_size, (cli_size, python_size)  # uncompressed it was about 20 times larger
    with h5py.File(files["python"]) as f:
        assert f["stock"].compression == "gzip" and f["stock"].shuffle
    info = cli("info", files["python"])
    assert info.returncode == 0, info.stderr
    assert "scenario_name: kyrgyzstan" in info.stdout and "migsim_version: " + migsim.__version__ in info.stdout
    assert "saved by migsim.Results.save" in xr.open_dataset(files["python"]).attrs["history"]


def test_ensemble_save_is_compressed(tmp_path: Path) -> None:
    ensemble = migsim.Ensemble("kyrgyzstan", seeds=[1, 2], processes=1, scale=1000, until="2010-12-31", quiet=True)
    ensemble.save(tmp_path / "ens.h5")
    with h5py.File(tmp_path / "ens.h5") as f:
        assert f["stock"].compression == "gzip"
    assert "2 runs saved by migsim.Ensemble.save" in xr.open_dataset(tmp_path / "ens.h5").attrs["history"]


@pytest.mark.parametrize("which", ["cli", "python"])
def test_compliance_checker_cf_reports_only_currency_units(files: dict[str, Path], which: str, tmp_path: Path) -> None:
    checker = Path(sys.executable).parent / "compliance-checker"
    assert checker.exists(), "compliance-checker is missing: `make test` installs it (requirements-dev.txt)"
    copy = tmp_path / f"{which}.nc"
    shutil.copy(files[which], copy)
    report = tmp_path / "report.json"
    subprocess.run([str(checker), "--test", "cf:1.9", "--criteria", "normal", "-f", "json_new", "-o", str(report),
                    str(copy)], capture_output=True, text=True, timeout=300)
    result = json.loads(report.read_text())[str(copy)]["cf:1.9"]
    errors = {check["name"]: check["msgs"] for check in result["high_priorities"] if check["msgs"]}
    assert list(errors) == ["§3.1 Units"], errors
    in_dollars = sorted(name for name, spec in migsim.schema.OUTPUTS.items() if spec.units == "USD")
    assert len(in_dollars) >= 2
    assert sorted(errors["§3.1 Units"]) == [f'units for {name}, "USD" are not recognized by UDUNITS'
                                            for name in in_dollars]
