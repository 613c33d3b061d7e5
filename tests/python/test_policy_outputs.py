"""Policy events seen from outside: CLI overrides of events, scenario variants, new output variables."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import xarray as xr

from migsim.schema import OUTPUTS, STATUS_NAMES

Cli = Callable[..., subprocess.CompletedProcess[str]]


def run(cli: Cli, out: Path, *args: str) -> xr.Dataset:
    result = cli("run", *args, "--quiet", "-o", out)
    assert result.returncode == 0, result.stderr
    return xr.open_dataset(out, decode_coords="all")  # time_bnds, the CF bounds of the steps, as a coordinate


def test_institution_outputs_are_written_with_their_dimensions(cli: Cli, tmp_path: Path) -> None:
    ds = run(cli, tmp_path / "k.h5", "kyrgyzstan", "--scale", "500", "--until", "2016-01-01")
    # Every output the engine declares, with its dimensions and attributes, and nothing else.
    assert sorted(ds.data_vars) == sorted([*OUTPUTS, "policy_state"])
    for name, spec in OUTPUTS.items():
        assert ds[name].dims == spec.dims, name
        assert (ds[name].attrs["units"], ds[name].attrs["long_name"]) == (spec.units, spec.long_name), name
    assert ds.policy_state.dims == ("time", "event")
    assert ds.status.values.tolist() == list(STATUS_NAMES)
    # The policy record names every event and says which were in force: Kyrgyzstan's EAEU
    # accession (12 Aug 2015) is off before and on after.
    state = ds.policy_state.sel(event="eaeu_kyrgyzstan")
    assert ds.event_type.sel(event="eaeu_kyrgyzstan").item() == "eaeu_accession"
    assert state.sel(time=slice(None, "2015-08-01")).max() == 0
    assert state.sel(time=slice("2015-08-14", None)).min() == 1
    # Patents are issued to Kyrgyz citizens in Russia before accession, none after.
    permits_ru = ds.permits_issued.sel(country="RU")
    assert permits_ru.sel(time=slice("2014-01-01", "2014-12-31")).sum() > 0
    assert permits_ru.sel(time=slice("2015-08-21", None)).sum() == 0
    assert np.isnan(ds.quota_remaining.sel(country="TR")).all()


def test_event_fields_can_be_overridden_from_the_command_line(cli: Cli, tmp_path: Path) -> None:
    common = ["covid-returns", "--scale", "200", "--until", "2020-09-30"]
    # A base capacity below the queue, so that more seats evacuate more.
    base = run(cli, tmp_path / "base.h5", *common, "--set", "events.closure_russia.evacuation_capacity=100")
    faster = run(cli, tmp_path / "faster.h5", *common, "--set", "events.closure_russia.evacuation_capacity=20000")
    assert faster.evacuated.sum() > base.evacuated.sum()
    assert faster.stranded.sum(["location", "origin"]).max() < base.stranded.sum(["location", "origin"]).max()


def test_unknown_event_label_in_an_override_exits_2_with_a_suggestion(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "x.h5"
    result = cli("run", "covid-returns", "--set", "events.closure_rusia.end=2020-06-01", "-o", out)
    assert result.returncode == 2
    assert "closure_rusia" in result.stderr and "did you mean 'closure_russia'" in result.stderr
    assert not out.exists()


def test_misspelt_event_field_exits_2_naming_file_line_and_key(cli: Cli, scenario_copy: Callable[[str], Path], tmp_path: Path) -> None:
    folder = scenario_copy("kyrgyzstan")
    yaml = folder / "scenario.yaml"
    text = yaml.read_text()
    assert "evacuation_capacity:" in text
    yaml.write_text(text.replace("evacuation_capacity:", "evacuation_capacty:", 1))
    out = tmp_path / "x.h5"
    result = cli("run", folder, "-o", out)
    assert result.returncode == 2
    assert str(yaml) in result.stderr
    assert "evacuation_capacty" in result.stderr and "did you mean 'evacuation_capacity'" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["no-eaeu", "covid-returns", "quota-cut"])
def test_exported_variants_validate_on_their_own(cli: Cli, scenario_copy: Callable[[str], Path], name: str) -> None:
    folder = scenario_copy(name)
    result = cli("validate", folder)
    assert result.returncode == 0, result.stderr
    assert "events" in result.stdout


def test_events_reference_lists_every_type(cli: Cli) -> None:
    result = cli("events")
    assert result.returncode == 0
    for name in ("quota", "permit_fee", "border_closure", "amnesty", "displacement", "bilateral_scheme"):
        assert f"### `{name}`" in result.stdout
