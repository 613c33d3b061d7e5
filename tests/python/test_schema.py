"""migsim.schema: the statuses and output variables come from the engine and describe what a run writes."""

from __future__ import annotations

import pytest

import migsim
from migsim import schema


@pytest.fixture(scope="module")
def results() -> migsim.Results:
    return migsim.run("kyrgyzstan", seed=1, scale=2000, until="2010-06-30", quiet=True)


def test_statuses_are_the_engines_in_code_order() -> None:
    assert [s.code for s in schema.STATUSES] == list(range(len(schema.STATUSES)))
    assert schema.STATUS_NAMES == tuple(s["name"] for s in migsim._core.status_schema())
    assert len(set(schema.STATUS_NAMES)) == len(schema.STATUS_NAMES)
    assert all(s.description for s in schema.STATUSES)


def test_the_sets_of_statuses_partition_them() -> None:
    home, abroad = set(schema.HOME_STATUSES), set(schema.ABROAD_STATUSES_INCLUDING_NATURALISED)
    assert home and abroad and not home & abroad and home | abroad == set(schema.STATUS_NAMES)
    # The two sets abroad differ by the naturalised only, in the same order.
    assert "naturalised" in abroad
    assert schema.ABROAD_STATUSES_EXCLUDING_NATURALISED == tuple(
        s for s in schema.ABROAD_STATUSES_INCLUDING_NATURALISED if s != "naturalised")
    assert migsim.results.HOME_STATUSES == schema.HOME_STATUSES


def test_a_run_has_the_engines_statuses_and_outputs(results: migsim.Results) -> None:
    ds = results.to_xarray()
    assert ds.status.values.tolist() == list(schema.STATUS_NAMES)
    assert [v for v in results.data_variables if v != "policy_state"] == list(schema.OUTPUTS)
    for name, spec in schema.OUTPUTS.items():
        assert ds[name].dims == spec.dims, name
        assert ds[name].attrs["units"] == spec.units and ds[name].attrs["long_name"] == spec.long_name, name
        assert spec.cell_method in ("time: point", "time: sum") and spec.kind in ("count", "money", "derived")


def test_the_summary_counts_the_naturalised_abroad(results: migsim.Results) -> None:
    ds = results.to_xarray()
    abroad = ds.stock.sel(status=list(schema.ABROAD_STATUSES_INCLUDING_NATURALISED)).sum(["origin", "location", "status"])
    assert results.summary()["migrants_abroad"].iloc[-1] == int(abroad.isel(time=-1))


def test_output_reference_lists_every_output() -> None:
    text = schema.output_reference()
    assert all(f"`{name}`" in text for name in schema.OUTPUTS)
