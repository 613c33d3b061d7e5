"""Saved states from Python (issue 14): one history per seed (save_histories), futures branched from it with
compare/Ensemble(from_state=...), equal bit for bit to straight runs of the changed scenario; what is refused; state
files refused where output files are expected; fork and deepcopy."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
import xarray as xr

import migsim

SCALE = 2000
FORK = "2011-06-30"  # the history's last day; the states' next step starts 2011-07-01
UNTIL = "2012-03-31"  # the futures' last day
SEEDS = [3, 4]
CLOSURE = migsim.BorderClosure("2011-09-01", "2011-11-09", countries=["KG", "RU"], label="closure_test")


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("states")
    return migsim.save_histories("kyrgyzstan", seeds=SEEDS, until=FORK, scale=SCALE, folder=folder, processes=1,
                                 quiet=True)


def _closure() -> migsim.Scenario:
    sc = migsim.Scenario.load("kyrgyzstan")
    sc.add_event(CLOSURE)
    return sc


def _assert_same(a: xr.Dataset, b: xr.Dataset) -> None:
    assert sorted(a.data_vars) == sorted(b.data_vars)
    for name in a.data_vars:
        mine = a[name]
        if "event" in mine.dims:  # a comparison joins the scenarios' events: select this run's, in its order
            mine = mine.sel(event=b[name].event.values)
        assert np.array_equal(mine.values, b[name].values, equal_nan=True), name


def test_save_histories_writes_one_state_per_seed(states: dict[int, Path]) -> None:
    assert list(states) == SEEDS
    for seed, path in states.items():
        assert path.name == f"kyrgyzstan-seed{seed}.state.h5"
        info = migsim.state_info(path)
        assert (info.seed, info.scale, info.scenario) == (seed, SCALE, "kyrgyzstan")
        assert info.date.isoformat() == "2011-07-01" and info.steps_done == 78
        assert info.summary() == "after 78 steps of kyrgyzstan, next step 2011-07-01"
    assert migsim.state_info(states[3]).fingerprint != migsim.state_info(states[4]).fingerprint


def test_compare_from_state_equals_straight_runs(states: dict[int, Path]) -> None:
    cmp = migsim.compare({"baseline": None, "closure": _closure()}, from_state=states, variables=None, until=UNTIL,
                         processes=1, quiet=True)
    assert list(cmp.runs.seed.values) == SEEDS
    assert str(cmp.runs.time.values[0])[:10] == "2010-01-01"  # the whole history, not only the future
    for label, scenario in (("baseline", "kyrgyzstan"), ("closure", _closure())):
        for index, seed in enumerate(SEEDS):
            straight = migsim.run(scenario, seed=seed, scale=SCALE, until=UNTIL, threads=1, quiet=True).to_xarray()
            member = cmp.runs.sel(scenario=label).isel(run=index)
            _assert_same(member[list(straight.data_vars)], straight)

    # Paired by seed: the differences are those of each seed's two runs, zero before the fork.
    frame = cmp.differences("returns", freq="quarter", where={"location_country": "RU"})
    assert frame.attrs["paired_by"] == "seed"
    assert (frame[frame["end"] <= "2011-06-30"][["q10", "q50", "q90"]] == 0).all().all()
    totals = cmp.runs.returns.where(cmp.runs.location_country == "RU", 0).sum(["location", "origin"])
    quarter = totals.sel(time=slice("2011-10-01", "2011-12-29")).sum("time")  # steps wholly inside 2011Q4
    by_hand = (quarter.sel(scenario="closure") - quarter.sel(scenario="baseline")).values
    assert by_hand.shape == (len(SEEDS),) and (by_hand < 0).all()  # the closure holds returns back in each seed
    row = frame[frame["period"] == "2011Q4"].iloc[0]
    assert row["runs"] == 2 and row["q10"] <= row["q50"] <= row["q90"]


def test_ensemble_from_state_takes_the_states_seeds_and_scenario(states: dict[int, Path]) -> None:
    ens = migsim.Ensemble(from_state=states, until="2011-08-31", processes=1, quiet=True, variables=["stock"])
    assert ens.seeds == SEEDS and ens.master_seed is None and ens.from_state == states
    ds = ens.run()
    assert ds.attrs["branched_at"] == "2011-07-01" and "branched at 2011-07-01" in ds.attrs["history"]
    straight = migsim.run("kyrgyzstan", seed=4, scale=SCALE, until="2011-08-31", threads=1, quiet=True)
    assert np.array_equal(ds.stock.isel(run=1).values, straight["stock"])
    # A list of state files works as the mapping does; a sweep of an event field is a set of branches.
    swept = migsim.Ensemble(_closure(), from_state=list(states.values()), until="2011-12-31", processes=1,
                            quiet=True, variables=["stranded"],
                            sweep={"events.closure_test.end": ["2011-10-01", "2011-11-09"]}).run()
    assert list(swept.seed.values) == SEEDS * 2
    assert list(swept["events.closure_test.end"].values) == ["2011-10-01"] * 2 + ["2011-11-09"] * 2


@pytest.mark.parametrize("options, message", [
    (dict(seeds=[3, 5]), "disagrees with the seeds of the states"),
    (dict(seeds=2), "disagrees with the seeds of the states"),
    (dict(master_seed=7), "master_seed: with from_state"),
    (dict(scale=500), "differs from the states' scale 2000"),
    (dict(sweep={"population.initial_stock_year": [2011]}), "is read when the run starts"),
    (dict(sweep={"run.scale": [100]}), "is read when the run starts"),
    (dict(sweep={"behaviour.departure.base_rate": [0.01, 0.02]}), "draws from a fit's posterior"),
])
def test_from_state_refuses_what_would_change_the_past(states: dict[int, Path], options: dict[str, Any],
                                                      message: str) -> None:
    with pytest.raises(migsim.ArgumentError, match=message):
        migsim.Ensemble(from_state=states, processes=1, quiet=True, **options)
    if "sweep" not in options:
        with pytest.raises(migsim.ArgumentError, match=message):
            migsim.compare({"baseline": None}, from_state=states, processes=1, quiet=True, **options)


def test_from_state_refuses_bad_states_and_edits(states: dict[int, Path], tmp_path: Path) -> None:
    with pytest.raises(migsim.ArgumentError, match="given for seed 4 .* was saved by a run with seed 3"):
        migsim.Ensemble(from_state={4: states[3]}, processes=1, quiet=True)
    later = migsim.save_histories("kyrgyzstan", seeds=[5], until="2011-07-31", scale=SCALE, folder=tmp_path,
                                  processes=1, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="has date 2011-08-05.*one history per seed"):
        migsim.Ensemble(from_state=[states[3], later[5]], processes=1, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="from_state: .*no such file"):
        migsim.Ensemble(from_state=[tmp_path / "missing.h5"], processes=1, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="needs from_state"):
        migsim.compare({"baseline": None}, seeds=[1], processes=1, quiet=True)

    class Fit:  # what calibrate returns, as far as the check looks: a fit's values would change the past
        uncertainty = None

        def to_scenario(self) -> migsim.Scenario:
            return migsim.Scenario.load("kyrgyzstan")

    with pytest.raises(migsim.ArgumentError, match="CalibrationResult"):
        migsim.Ensemble(Fit(), from_state=states, processes=1, quiet=True)  # type: ignore[arg-type]

    # An edit of an event that acted before the states' date: the engine refuses the branch, naming the edit.
    past = migsim.Scenario.load("kyrgyzstan").set("events.eaeu_russia.start", "2011-01-01")
    with pytest.raises(migsim.ArgumentError, match="seed=3.*cannot branch: .*eaeu_russia"):
        migsim.compare({"edited": past}, from_state=states, until=UNTIL, processes=1, quiet=True)
    # A state's tables shaped its past: the refusal names the Python call, not the CLI's --set.
    with pytest.raises(migsim.ArgumentError) as refused:
        migsim.Scenario.from_state(states[3]).set("tables.regions", "regions.csv")
    assert str(refused.value).startswith("Scenario.set('tables.regions', 'regions.csv'): a branch from a saved state "
                                         "cannot change its tables"), str(refused.value)


def test_state_files_are_refused_where_outputs_are_expected(states: dict[int, Path], tmp_path: Path,
                                                            cli: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    path = states[3]
    expected = (f"{path}: a migsim state file (after 78 steps of kyrgyzstan, next step 2011-07-01), not an output "
                f"file; continue it with migsim run --resume or migsim.Simulation.from_state")
    with pytest.raises(migsim.ArgumentError) as error:
        migsim.open_results(path)
    assert str(error.value) == expected
    with pytest.raises(migsim.ArgumentError, match="a migsim state file"):
        migsim.table(path, "stock")
    with pytest.raises(migsim.ArgumentError, match="a migsim state file"):
        migsim.report(path, tmp_path / "report.html")
    table = cli("table", path, "stock", "-o", tmp_path / "t.csv")
    assert table.returncode == 2 and expected in table.stderr, table.stderr
    report = cli("report", path, "-o", tmp_path / "r.html")
    assert report.returncode == 2 and expected in report.stderr, report.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    damaged = tmp_path / "damaged.h5"
    damaged.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(migsim.ArgumentError, match=r"a migsim state file \(unreadable: .*truncated"):
        migsim.open_results(damaged)
    with pytest.raises(migsim.ArgumentError, match="truncated"):
        migsim.state_info(damaged)


def test_fork_is_independent_and_deepcopy_continues_alike() -> None:
    sim = migsim.Simulation("kyrgyzstan", seed=2, scale=SCALE, until="2011-12-31", threads=1)
    sim.run(until="2011-06-30", quiet=True)
    fork = sim.fork()
    twin = copy.deepcopy(sim)
    assert fork.fingerprint == sim.fingerprint == twin.fingerprint
    label = fork.issue(CLOSURE)
    assert label == "closure_test"
    assert "closure_test" not in [e.label for e in sim.scenario.events]
    forked = fork.run(quiet=True).to_xarray()
    original = sim.run(quiet=True).to_xarray()
    assert "closure_test" in forked.event.values and "closure_test" not in original.event.values
    straight = migsim.run("kyrgyzstan", seed=2, scale=SCALE, until="2011-12-31", threads=1, quiet=True).to_xarray()
    _assert_same(original, straight)
    _assert_same(twin.run(quiet=True).to_xarray(), straight)
    assert not np.array_equal(forked.returns.values, original.returns.values)
