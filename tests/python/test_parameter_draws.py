"""Parameter uncertainty in ensembles (issue 13): sets drawn from a fit's posterior (ABC) or top trials.

``CalibrationResult.draws()`` and ``migsim.parameter_draws`` give the parameter sets; ``Ensemble(..., draws=)`` and
``compare(..., draws=)`` give every seed's runs one set, the same in every scenario. The runs are checked against
direct runs of the scenario with that set's values and that seed. Small scale (one agent per 2000 people) and short
runs, so the file takes a few seconds.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import migsim

pytest.importorskip("yaml")

KEY = "behaviour.return.base_rate"
EVENT_KEY = "events.ban_russia_overstay_30.share"  # acts from 2013-11-25
FAST = dict(scale=2000, until="2012-01-01", processes=1, quiet=True)


@pytest.fixture(scope="module")
def fit() -> migsim.CalibrationResult:
    return migsim.calibrate("kyrgyzstan", parameters=[KEY], method="abc", n_trials=8, replicates=1, seed=3, **FAST)


@pytest.fixture(scope="module")
def saved(fit: migsim.CalibrationResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fit.save(tmp_path_factory.mktemp("draws") / "fit")


def _direct(seed: int, values: dict[str, float], until: str = "2012-01-01") -> np.ndarray:
    """The stock of a direct run of kyrgyzstan with ``values`` set and ``seed``."""
    sc = migsim.Scenario.load("kyrgyzstan")
    for key, value in values.items():
        sc.set(key, value)
    return migsim.run(sc, seed=seed, scale=2000, until=until, quiet=True).to_xarray().stock.values


# ------------------------------------------------------------------------------------------- the draws


def test_abc_draws_are_the_accepted_draws(fit: migsim.CalibrationResult) -> None:
    draws = fit.draws()
    row = fit.uncertainty.set_index("parameter").loc[KEY]
    assert list(draws.columns) == [KEY, "loss"] and draws.index.name == "trial"
    assert len(draws) == row["n"] == 2  # top 10% of 8, at least 2
    finite = fit.trials[np.isfinite(fit.trials["loss"])].nsmallest(len(draws), "loss")
    assert list(draws.index) == list(finite["trial"]) and list(draws[KEY]) == list(finite[KEY])
    assert draws["loss"].is_monotonic_increasing
    # The uncertainty is the spread of these very sets.
    assert np.quantile(draws[KEY], 0.1) == pytest.approx(row["low"])
    assert np.median(draws[KEY]) == pytest.approx(fit.values[KEY])
    assert draws.attrs["posterior"] is True and "approximate posterior" in draws.attrs["basis"]
    assert migsim.parameter_draws(fit).equals(draws)


def test_a_saved_fit_gives_the_same_draws(fit: migsim.CalibrationResult, saved: Path) -> None:
    from_folder = migsim.parameter_draws(saved)
    pd.testing.assert_frame_equal(from_folder, fit.draws())  # the same floats: trials.csv round-trips them
    assert str(saved) in from_folder.attrs["source"] and from_folder.attrs["method"] == "abc"
    assert from_folder.attrs["basis"] == fit.draws().attrs["basis"]


def test_optuna_draws_are_the_top_trials_not_a_posterior(saved: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(saved, tmp_path / "optuna"))
    record = (folder / "calibration.yaml").read_text()
    (folder / "calibration.yaml").write_text(record.replace("method: abc", "method: optuna"))
    draws = migsim.parameter_draws(folder)
    assert len(draws) == 3 and draws.attrs["posterior"] is False  # at least 3 near-best trials
    assert "not a posterior" in draws.attrs["basis"]


def test_tables_and_lists_of_dicts_are_draws() -> None:
    from_list = migsim.parameter_draws([{"behaviour__return__base_rate": 0.2, EVENT_KEY: 0.5},
                                        {"behaviour__return__base_rate": 0.4, EVENT_KEY: 0.1}])
    assert list(from_list.columns) == [KEY, EVENT_KEY] and from_list[KEY].tolist() == [0.2, 0.4]
    trials = pd.DataFrame({"trial": [0, 1], KEY: [0.3, 0.5], "loss": [0.1, 0.2], "state": ["complete"] * 2,
                           "error:stock_russia": [0.1, 0.2]})
    from_table = migsim.parameter_draws(trials)  # a fit's trials table: every trial is a set
    assert list(from_table.columns) == [KEY, "loss"] and len(from_table) == 2


@pytest.mark.parametrize(("source", "message"), [
    ([], "no parameter sets"),
    (pd.DataFrame({KEY: []}), "no parameter sets"),
    ([{"behaviour.return.base_rat": 0.1}], "did you mean 'behaviour.return.base_rate'"),
    ([{KEY: float("nan")}], "expected finite numbers, found nan"),
    (pd.DataFrame({KEY: [0.1, float("inf")]}), "expected finite numbers, found inf in set 1"),
    ([{KEY: "0.1"}], "expected a number, found '0.1'"),
    ([{KEY: True}], "expected a number, found True"),
    (pd.DataFrame({KEY: ["a"]}), "expected numbers, found 'a'"),
    ({KEY: 0.1}, "for one set write [{...}]"),
    ([{KEY: 0.1}, {"behaviour.departure.base_rate": 0.01}], "differ from those of draws[0]"),
    ([0.1], "expected a dict of key path to value"),
    (42, "found int"),
    (pd.DataFrame({"loss": [0.1]}), "no parameter columns"),
    ([{"events.ban": 0.1}], "'events.<label>.<field>'"),
])
def test_bad_draws_are_refused(source: object, message: str) -> None:
    with pytest.raises(migsim.ArgumentError, match="^draws") as error:
        migsim.parameter_draws(source)  # type: ignore[arg-type]
    assert message in str(error.value)


def test_bad_fit_folders_are_refused(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(migsim.ArgumentError, match="does not exist"):
        migsim.parameter_draws(tmp_path / "missing")
    with pytest.raises(migsim.ArgumentError, match="a file"):
        migsim.parameter_draws(saved / "trials.csv")
    partial = tmp_path / "partial"
    partial.mkdir()
    shutil.copy(saved / "calibration.yaml", partial)
    with pytest.raises(migsim.ArgumentError, match="has no trials.csv"):
        migsim.parameter_draws(partial)
    shutil.copy(saved / "trials.csv", partial)
    (partial / "trials.csv").write_text((partial / "trials.csv").read_text().replace(KEY, "value", 1))
    with pytest.raises(migsim.ArgumentError, match=f"has no column '{KEY}'"):
        migsim.parameter_draws(partial)
    (partial / "calibration.yaml").write_text("calibration: {method: abc}\n")
    with pytest.raises(migsim.ArgumentError, match="lacks the method, settings.top or parameters"):
        migsim.parameter_draws(partial)


# ------------------------------------------------------------------------------------------- ensembles


def test_every_run_is_the_direct_run_of_its_seed_and_draw() -> None:
    sets = [{KEY: 0.1, EVENT_KEY: 0.9}, {KEY: 0.6, EVENT_KEY: 0.0}, {KEY: 1.2, EVENT_KEY: 0.3}]
    ens = migsim.Ensemble("kyrgyzstan", seeds=2, master_seed=5, draws=sets, sweep={"behaviour.departure.base_rate":
                          [0.01, 0.02]}, variables=["stock"], scale=2000, until="2014-06-30", processes=1, quiet=True)
    ds = ens.run()
    assert ds.sizes["run"] == 4 and len(set(ds.draw.values[:2])) == 2  # without replacement: 3 sets >= 2 seeds
    assert list(ds.draw.values[:2]) == list(ds.draw.values[2:])  # a seed keeps its set in every sweep value
    for run in range(4):
        seed, draw = int(ds.seed[run]), int(ds.draw[run])
        assert ds[KEY].values[run] == sets[draw][KEY] and ds[EVENT_KEY].values[run] == sets[draw][EVENT_KEY]
        values = {**sets[draw], "behaviour.departure.base_rate": float(ds["behaviour.departure.base_rate"][run])}
        np.testing.assert_array_equal(ds.stock.values[run], _direct(seed, values, "2014-06-30"))
    table = ens.draws
    assert table is not None and list(table.index) == ens.seeds and list(table["draw"]) == list(ds.draw.values[:2])
    assert json.loads(ds.attrs["draws"]) == sets and ds.attrs["draws_source"] == "a list of 3 parameter sets"
    assert "parameter draws from a list of 3 parameter sets" in ds.attrs["history"]


# Saving a subset of variables leaves out time_bnds, which xarray notes on reading (not about draws).
@pytest.mark.filterwarnings("ignore:Variable\\(s\\) referenced in bounds not in variables")
def test_the_draws_are_saved_with_the_runs(tmp_path: Path) -> None:
    ens = migsim.Ensemble("kyrgyzstan", seeds=2, master_seed=5, draws=[{KEY: 0.2}, {KEY: 0.7}], variables=["stock"],
                          **FAST)
    ens.save(tmp_path / "drawn.h5")
    with migsim.open_results(tmp_path / "drawn.h5") as reopened:
        assert sorted(reopened.draw.values.tolist()) == [0, 1]
        assert reopened[KEY].values.tolist() == [[0.2, 0.7][d] for d in reopened.draw.values]
        assert reopened.attrs["draws_source"] == "a list of 2 parameter sets"
        assert json.loads(reopened.attrs["draws"]) == [{KEY: 0.2}, {KEY: 0.7}]


def test_without_draws_the_runs_are_unchanged() -> None:
    ens = migsim.Ensemble("kyrgyzstan", seeds=2, master_seed=5, variables=["stock"], **FAST)
    ds = ens.run()
    assert ens.draws is None and "draw" not in ds.coords and not any("draws" in key for key in ds.attrs)
    for run, seed in enumerate(ens.seeds):
        np.testing.assert_array_equal(ds.stock.values[run], _direct(seed, {}))


def test_the_draws_of_the_seeds_are_a_seeded_resample() -> None:
    many = [{KEY: 0.05 * (i + 1)} for i in range(12)]
    one = migsim.Ensemble("kyrgyzstan", seeds=12, master_seed=1, draws=many, **FAST).draws
    assert one is not None and sorted(one["draw"]) == list(range(12))  # as many sets as seeds: each once
    again = migsim.Ensemble("kyrgyzstan", seeds=12, master_seed=1, draws=many, **FAST).draws
    other = migsim.Ensemble("kyrgyzstan", seeds=12, master_seed=2, draws=many, **FAST).draws
    assert again is not None and other is not None
    assert list(again["draw"]) == list(one["draw"]) and list(other["draw"]) != list(one["draw"])
    few = migsim.Ensemble("kyrgyzstan", seeds=12, master_seed=1, draws=many[:3], **FAST).draws
    assert few is not None and set(few["draw"]) <= {0, 1, 2} and len(few) == 12  # fewer sets: with replacement
    assert few[KEY].tolist() == [many[i][KEY] for i in few["draw"]]


def test_compare_gives_every_scenario_the_same_seed_and_draw(fit: migsim.CalibrationResult) -> None:
    no_bans = migsim.Scenario.load("kyrgyzstan").set("behaviour.departure.base_rate", 0.03)
    cmp = migsim.compare({"base": "kyrgyzstan", "more": no_bans}, seeds=3, master_seed=4, draws=fit, **FAST)
    assert cmp.runs.draw.dims == ("run",) and cmp.runs[KEY].dims == ("run",)  # one (seed, draw) pair per run
    ens = migsim.Ensemble("kyrgyzstan", seeds=3, master_seed=4, draws=fit, variables=["stock"], **FAST)
    alone = ens.run()
    assert list(alone.draw.values) == list(cmp.runs.draw.values)
    np.testing.assert_array_equal(cmp.runs.stock.sel(scenario="base").values, alone.stock.values)
    differences = cmp.differences("stock", where={"location_country": "RU"})
    assert differences.attrs["paired_by"] == "seed and its parameter draw" and set(differences["runs"]) == {3}
    assert cmp.runs.attrs["draws_source"].startswith("abc fit of kyrgyzstan")
    # Tables name each run's parameter set next to its seed, the same in every scenario.
    frame = cmp.to_dataframe("stock", freq="year")
    assert {"seed", "draw"} <= set(frame.columns)
    assert (frame.groupby("seed")["draw"].nunique() == 1).all()
    assert dict(zip(frame["seed"], frame["draw"])) == dict(zip(cmp.runs.seed.values, cmp.runs.draw.values))


def test_draws_change_the_bands() -> None:
    wide = [{KEY: 0.05}, {KEY: 0.3}, {KEY: 1.5}]
    russia = {"location_country": "RU"}
    seeds_only = migsim.compare({"base": "kyrgyzstan"}, seeds=6, master_seed=9, **FAST)
    drawn = migsim.compare({"base": "kyrgyzstan"}, seeds=6, master_seed=9, draws=wide, **FAST)

    def width(cmp: migsim.Comparison) -> float:
        band = cmp.band("stock", where=russia).isel(time=-1).sel(scenario="base")
        return float(band.sel(quantile=0.9) - band.sel(quantile=0.1))

    assert width(drawn) > 2 * width(seeds_only)


def test_refusals(tmp_path: Path) -> None:
    with pytest.raises(migsim.ArgumentError, match=f"draws and sweep both set '{KEY}'"):
        migsim.Ensemble("kyrgyzstan", seeds=2, sweep={"behaviour__return__base_rate": [0.2]}, draws=[{KEY: 0.3}],
                        **FAST)
    with pytest.raises(migsim.ScenarioError, match=r"draws \(set 0: .*-1\.0"):
        migsim.Ensemble("kyrgyzstan", seeds=2, draws=[{KEY: -1.0}], **FAST)
    with pytest.raises(migsim.ScenarioError, match=r"draws \(set 0"):
        migsim.Ensemble("kyrgyzstan", seeds=2, draws=[{"events.no_such_event.share": 0.5}], **FAST)
    states = migsim.save_histories("kyrgyzstan", seeds=[1], until="2010-03-01", scale=2000, folder=tmp_path,
                                   processes=1, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="draws with from_state: .* one parameter set"):
        migsim.Ensemble("kyrgyzstan", from_state=states, draws=[{KEY: 0.3}], quiet=True)
    with pytest.raises(migsim.ArgumentError, match="draws with from_state"):
        migsim.compare({"a": None}, from_state=states, draws=[{KEY: 0.3}], quiet=True)
    with pytest.raises(migsim.ArgumentError, match="or draws=... without from_state"):
        migsim.Ensemble("kyrgyzstan", from_state=states, sweep={KEY: [0.3]}, quiet=True)
