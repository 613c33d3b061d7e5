"""Ensembles and comparisons: parallel runs equal to single runs, sweeps, Dask, seeds, bands and plots, errors."""

from __future__ import annotations

import json

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402

import migsim  # noqa: E402
from migsim.ensemble import derive_seeds  # noqa: E402

TINY = dict(scale=2000, until="2011-06-30")
RATE = "behaviour.departure.base_rate"


@pytest.fixture(scope="module")
def eight() -> tuple[migsim.Ensemble, xr.Dataset]:
    """8 seeds derived from master seed 2024, on 2 local processes."""
    ens = migsim.Ensemble("kyrgyzstan", seeds=8, master_seed=2024, processes=2, quiet=True, **TINY)
    return ens, ens.run()


def test_ensemble_equals_runs_made_one_by_one(eight: tuple[migsim.Ensemble, xr.Dataset], tmp_path: Path) -> None:
    ens, ds = eight
    assert ds.sizes["run"] == 8 == len(ens)
    assert ds["seed"].values.tolist() == ens.seeds
    for index, seed in enumerate(ens.seeds):
        single = migsim.run("kyrgyzstan", seed=seed, threads=1, **TINY).to_xarray()
        assert set(single.data_vars) == set(ds.data_vars)
        for name in single.data_vars:
            np.testing.assert_array_equal(ds[name].isel(run=index).values, single[name].values, err_msg=name)
    # Different seeds give different runs.
    assert not np.array_equal(ds.departures.isel(run=0).values, ds.departures.isel(run=1).values)
    # Provenance: common attributes kept, per-run ones as coordinates.
    assert ds.attrs["scenario_name"] == "kyrgyzstan"
    assert ds.attrs["scale"] == 2000
    assert ds.attrs["migsim_version"] == migsim.__version__
    assert "git_commit" in ds.attrs and "seed" not in ds.attrs and "wall_time_seconds" not in ds.attrs
    assert ds["wall_time_seconds"].dims == ("run",)
    # One netCDF-4 file that reads back the same.
    path = tmp_path / "ensemble.h5"
    ens.save(path)
    with xr.open_dataset(path) as back:
        np.testing.assert_array_equal(back.stock.values, ds.stock.values)
        assert back["seed"].values.tolist() == ens.seeds
        assert back.attrs["master_seed"] == 2024


def test_seeds_derive_from_a_recorded_master_seed(eight: tuple[migsim.Ensemble, xr.Dataset]) -> None:
    ens, ds = eight
    assert ens.master_seed == 2024 == ds.attrs["master_seed"]
    assert ens.seeds == derive_seeds(2024, 8)
    assert migsim.Ensemble("kyrgyzstan", seeds=8, master_seed=2024, **TINY).seeds == ens.seeds
    assert derive_seeds(2024, 12)[:8] == ens.seeds  # more runs extend the same seeds
    assert derive_seeds(2025, 8) != ens.seeds
    assert len(set(ens.seeds)) == 8 and all(0 <= seed < 2**63 for seed in ens.seeds)
    # Without a master seed a fresh one is drawn and recorded, so the ensemble can be made again.
    fresh = migsim.Ensemble("kyrgyzstan", seeds=3, **TINY)
    assert fresh.master_seed is not None and fresh.seeds == derive_seeds(fresh.master_seed, 3)
    # Given seeds are used as they are.
    given = migsim.Ensemble("kyrgyzstan", seeds=range(5, 9), **TINY)
    assert given.seeds == [5, 6, 7, 8] and given.master_seed is None


def test_sweep_gives_runs_for_every_seed_and_value() -> None:
    low = migsim.Scenario.load("kyrgyzstan").get(RATE)  # the scenario's own rate
    high = 3 * low
    ens = migsim.Ensemble("kyrgyzstan", seeds=[1, 2, 3], sweep={RATE: [low, high]}, processes=2, quiet=True, **TINY)
    ds = ens.run()
    assert ds.sizes["run"] == 6
    assert ds[RATE].values.tolist() == [low, low, low, high, high, high]
    assert ds["seed"].values.tolist() == [1, 2, 3, 1, 2, 3]
    assert ds.attrs["sweep"] == json.dumps({"behaviour.departure.base_rate": [low, high]})
    grid = ds.departures.sum(["time", "origin", "location"]).set_index(run=[RATE, "seed"]).unstack("run")
    assert grid.dims == (RATE, "seed") and grid.shape == (2, 3)
    assert (grid.sel({RATE: high}).values > grid.sel({RATE: low}).values).all()
    # The low-rate runs are the plain runs with those seeds.
    plain = migsim.run("kyrgyzstan", seed=2, threads=1, **TINY)
    np.testing.assert_array_equal(ds.departures.isel(run=1).values, plain["departures"])


@pytest.mark.skipif(not hasattr(migsim, "Scenario"), reason="migsim.Scenario is not built yet")
def test_scenario_objects_are_sent_to_workers() -> None:
    scenario = migsim.Scenario.load("kyrgyzstan")
    ds = migsim.Ensemble(scenario, seeds=[4, 5], sweep={RATE: [0.03]}, processes=2, quiet=True, **TINY).run()
    for index, seed in enumerate([4, 5]):
        single = migsim.run("kyrgyzstan", seed=seed, threads=1, **{RATE: 0.03}, **TINY)
        np.testing.assert_array_equal(ds.departures.isel(run=index).values, single["departures"])


def test_dask_cluster_gives_the_same_arrays(eight: tuple[migsim.Ensemble, xr.Dataset]) -> None:
    distributed = pytest.importorskip("distributed")
    _, local = eight
    with distributed.Client(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None) as client:
        ds = migsim.Ensemble("kyrgyzstan", seeds=8, master_seed=2024, client=client, quiet=True, **TINY).run()
        with pytest.raises(migsim.ArgumentError, match=r"ensemble run seed=(3|4) failed: until"):
            migsim.Ensemble("kyrgyzstan", seeds=[3, 4], client=client, quiet=True, until="1999-01-01").run()
    assert ds["seed"].values.tolist() == local["seed"].values.tolist()
    for name in local.data_vars:
        np.testing.assert_array_equal(ds[name].values, local[name].values, err_msg=name)


def test_compare_gives_ordered_bands_and_plots_them() -> None:
    cmp = migsim.compare(
        {"baseline": "kyrgyzstan", "more_departures": "kyrgyzstan"},
        seeds=5,
        master_seed=7,
        variables=["stock", "departures"],
        processes=2,
        quiet=True,
        **TINY,
    )
    assert isinstance(cmp, migsim.Comparison)
    assert cmp.scenarios == ["baseline", "more_departures"] and cmp.variables == ["stock", "departures"]
    assert cmp.runs.stock.dims[:2] == ("scenario", "run") and cmp.runs.sizes["run"] == 5
    bands = cmp.bands.stock
    assert bands.dims[:2] == ("scenario", "quantile")
    q10, q50, q90 = (bands.sel(quantile=q).values for q in (0.1, 0.5, 0.9))
    assert (q10 <= q50).all() and (q50 <= q90).all() and (q10 < q90).any()
    total = cmp.band("departures", where={"location_country": "RU"})
    assert total.dims == ("scenario", "quantile", "time")
    assert (total.sel(quantile=0.1) <= total.sel(quantile=0.9)).all()
    # Same scenario, same seeds: identical bands.
    np.testing.assert_array_equal(bands.sel(scenario="baseline").values, bands.sel(scenario="more_departures").values)

    ax = cmp.plot("stock", where={"location_country": "RU", "status": ["irregular", "permit_holder"]})
    assert isinstance(ax, matplotlib.axes.Axes)
    assert len(ax.get_lines()) == 2 and len(ax.collections) == 2
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["baseline", "more_departures"]
    fig, given = plt.subplots()
    assert cmp.plot(ax=given) is given and len(given.get_lines()) == 2
    plt.close("all")
    with pytest.raises(migsim.ArgumentError, match="available"):
        cmp.plot("stock", where={"region": "moscow"})
    with pytest.raises(migsim.ArgumentError, match="compared: stock, departures"):
        cmp.plot("returns")


def test_progress_bar_unless_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    migsim.Ensemble("kyrgyzstan", seeds=[1, 2], processes=1, quiet=True, **TINY).run()
    assert capsys.readouterr().err == ""
    migsim.Ensemble("kyrgyzstan", seeds=[1, 2], processes=1, **TINY).run()
    assert "kyrgyzstan" in capsys.readouterr().err


def test_misuse_raises_typed_errors() -> None:
    with pytest.raises(migsim.ArgumentError, match="seeds: empty"):
        migsim.Ensemble("kyrgyzstan", seeds=[], **TINY)
    with pytest.raises(migsim.ArgumentError, match="at least one run"):
        migsim.Ensemble("kyrgyzstan", seeds=0, **TINY)
    with pytest.raises(migsim.ArgumentError, match="more than once"):
        migsim.Ensemble("kyrgyzstan", seeds=[1, 2, 1], **TINY)
    with pytest.raises(migsim.ArgumentError, match="master_seed: only used when seeds is a count"):
        migsim.Ensemble("kyrgyzstan", seeds=[1, 2], master_seed=3, **TINY)
    with pytest.raises(migsim.ScenarioError, match=r"did you mean 'behaviour\.departure\.base_rate'"):
        migsim.Ensemble("kyrgyzstan", seeds=2, sweep={"behaviour.departure.base_rat": [0.01]}, **TINY)
    with pytest.raises(migsim.ScenarioError, match=r"sweep\['behaviour\.departure\.base_rate'\] = 'fast'"):
        migsim.Ensemble("kyrgyzstan", seeds=2, sweep={RATE: [0.01, "fast"]}, **TINY)
    with pytest.raises(migsim.ArgumentError, match=r"expected a list of values.*write \[0\.03\]"):
        migsim.Ensemble("kyrgyzstan", seeds=2, sweep={RATE: 0.03}, **TINY)
    with pytest.raises(migsim.ArgumentError, match="empty list"):
        migsim.Ensemble("kyrgyzstan", seeds=2, sweep={RATE: []}, **TINY)
    with pytest.raises(migsim.ScenarioError, match="built-in"):
        migsim.Ensemble("atlantis", seeds=2)
    with pytest.raises(migsim.ArgumentError, match="processes"):
        migsim.Ensemble("kyrgyzstan", seeds=2, processes=0, **TINY)
    with pytest.raises(migsim.ArgumentError, match="expected a built-in name, a path or a migsim.Scenario"):
        migsim.Ensemble(42, seeds=2, **TINY)  # type: ignore[arg-type]

    class Local:  # a scenario-like object that pickle cannot send
        def copy(self) -> "Local":
            return self

        def set(self, key: str, value: object) -> "Local":
            return self

    with pytest.raises(migsim.ArgumentError, match="cannot be sent to worker processes"):
        migsim.Ensemble(Local(), seeds=2, **TINY)  # type: ignore[arg-type]
    with pytest.raises(migsim.ArgumentError, match="scenarios"):
        migsim.compare({}, seeds=2, **TINY)
    with pytest.raises(migsim.ArgumentError, match="quantiles"):
        migsim.compare({"a": "kyrgyzstan"}, seeds=2, quantiles=(0.1, 1.5), **TINY)


def test_a_failing_run_names_its_seed() -> None:
    # `until` is checked by each run, so both runs fail in their worker processes.
    with pytest.raises(migsim.ArgumentError, match=r"ensemble run seed=(5|6), behaviour.* failed: until"):
        migsim.Ensemble(
            "kyrgyzstan", seeds=[5, 6], sweep={RATE: [0.02]}, scale=2000, until="1999-01-01", processes=2, quiet=True
        ).run()
    # An unknown output is refused before any run starts, not by each run in turn.
    with pytest.raises(migsim.ArgumentError, match=r"^variables: no output 'stok'; did you mean 'stock'\?"):
        migsim.Ensemble("kyrgyzstan", seeds=[1], variables=["stok"], processes=1, quiet=True, **TINY)
    with pytest.raises(migsim.ArgumentError, match=r"^variables: no output 'remitances_usd'; did you mean"):
        migsim.compare({"a": "kyrgyzstan"}, seeds=[1], variables="remitances_usd", processes=1, quiet=True, **TINY)
    with pytest.raises(migsim.ArgumentError, match=r"ensemble run scenario 'b', seed=5 failed: until"):
        migsim.compare({"b": "kyrgyzstan"}, seeds=[5, 6], scale=2000, until="1999-01-01", processes=1, quiet=True)
