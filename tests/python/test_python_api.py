"""The Python package: runs, results, typed errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import migsim

SMALL = dict(scale=500, until="2011-12-31")


@pytest.fixture(scope="module")
def small_run() -> migsim.Results:
    return migsim.run("kyrgyzstan", seed=1, **SMALL)


def test_run_returns_labelled_results(small_run: migsim.Results) -> None:
    ds = small_run.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert {"population", "stock", "departures", "returns", "remittances_usd"} <= set(ds.data_vars)
    assert ds.stock.dims == ("time", "origin", "location", "status")
    assert ds.returns.dims == ("time", "location", "origin")
    assert "location_country" in ds.coords
    assert np.issubdtype(ds.time.dtype, np.datetime64)
    np.testing.assert_array_equal(ds.stock.sum(["location", "status"]).values, ds.population.values)
    assert small_run.attrs["scale"] == 500
    assert small_run["population"].shape == (ds.sizes["time"], 9)


def test_overrides_by_keyword_and_by_key_path() -> None:
    base = migsim.run("kyrgyzstan", seed=1, **SMALL)
    more = migsim.run("kyrgyzstan", seed=1, behaviour__departure__base_rate=0.03, **SMALL)
    same = migsim.run("kyrgyzstan", seed=1, **{"behaviour.departure.base_rate": 0.03}, **SMALL)
    assert more["departures"].sum() > base["departures"].sum()
    np.testing.assert_array_equal(more["departures"], same["departures"])


def test_threads_do_not_change_results() -> None:
    one = migsim.run("kyrgyzstan", seed=5, threads=1, **SMALL)
    two = migsim.run("kyrgyzstan", seed=5, threads=2, **SMALL)
    for name in one.variables:
        np.testing.assert_array_equal(np.asarray(one[name]), np.asarray(two[name]), err_msg=name)


def test_output_file_matches_in_memory_results(tmp_path: Path) -> None:
    out = tmp_path / "r.h5"
    results = migsim.run("kyrgyzstan", seed=2, output=out, **SMALL)
    with migsim.open_results(out) as ds:
        np.testing.assert_array_equal(ds.stock.values, results["stock"])
        np.testing.assert_array_equal(ds.remittances_usd.values, results["remittances_usd"])


def test_errors_are_typed_and_clear(tmp_path: Path) -> None:
    with pytest.raises(migsim.ScenarioError, match="did you mean 'behaviour.departure.base_rate'"):
        migsim.run("kyrgyzstan", behaviour__departure__base_rat=0.1, **SMALL)
    with pytest.raises(migsim.ScenarioError, match="expected a number"):
        migsim.run("kyrgyzstan", behaviour__departure__base_rate="fast", **SMALL)
    with pytest.raises(migsim.ScenarioError, match="built-in"):
        migsim.run("atlantis")
    with pytest.raises(migsim.ArgumentError):
        migsim.run("kyrgyzstan", scale=0)
    with pytest.raises(migsim.ArgumentError, match="until"):
        migsim.run("kyrgyzstan", scale=1000, until="1999-01-01")
    with pytest.raises(migsim.ArgumentError, match="folder"):
        migsim.run("kyrgyzstan", output=tmp_path / "missing" / "x.h5", scale=1000, until="2010-02-01")
    assert issubclass(migsim.TableError, migsim.ScenarioError)
    assert issubclass(migsim.ScenarioError, migsim.MigsimError)
    # The engine stays usable after an error.
    assert migsim.run("kyrgyzstan", scale=1000, until="2010-02-01")["population"].sum() > 0


def test_broken_table_raises_table_error(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    migsim._core.export_builtin("kyrgyzstan", str(folder))
    text = (folder / "regions.csv").read_text().replace(",KG,origin,", ",KX,origin,", 1)
    (folder / "regions.csv").write_text(text)
    with pytest.raises(migsim.TableError, match=r"regions\.csv:\d+: column 'country': unknown country 'KX'"):
        migsim.load_scenario(folder)


def test_builtin_scenarios_and_version() -> None:
    assert "kyrgyzstan" in migsim.builtin_scenarios()
    assert migsim.__version__.count(".") == 2
