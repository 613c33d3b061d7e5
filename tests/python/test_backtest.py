"""Rolling-origin backtests (migsim.backtest): refits see no data after their origin, forecasts are scored by
horizon against persistence, and the recorded refits of `kyrgyzstan` feed the validation report."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

import migsim
from migsim import backtest as bt

from conftest import REPO

TINY_FIT = {"n_trials": 3, "replicates": 1, "scale": 2000, "processes": 1, "quiet": True}


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """An editable copy of scenarios/kyrgyzstan with its fit of record and observed series."""
    copy = tmp_path / "kyrgyzstan"
    shutil.copytree(REPO / "scenarios" / "kyrgyzstan", copy, ignore=shutil.ignore_patterns("backtests.yaml"))
    return copy


def test_the_fit_of_record_is_read_with_its_ranges_and_priors() -> None:
    spec = bt.fit_of_record(REPO / "scenarios" / "kyrgyzstan")
    record = yaml.safe_load((REPO / "scenarios" / "kyrgyzstan" / "calibration.yaml").read_text())
    assert list(spec) == list(record["calibration"]["parameters"])
    assert spec["behaviour.return.base_rate"] == {"low": 0.2, "high": 1.0, "log": True, "prior": "loguniform"}
    assert spec["behaviour.remittances.share"]["prior_args"] == (0.6, 0.15)


def test_a_bad_range_in_the_fit_of_record_names_the_file_and_key(folder: Path) -> None:
    path = folder / "calibration.yaml"
    path.write_text(path.read_text().replace("range: '[0.2, 1] log, loguniform'", "range: 'wide'"))
    with pytest.raises(migsim.ScenarioError, match=r"calibration.yaml: calibration.parameters."
                                                   r"behaviour.return.base_rate.range: expected .* found 'wide'"):
        bt.fit_of_record(folder)


def test_a_refit_sees_no_observation_after_its_origin(folder: Path, tmp_path: Path) -> None:
    first = bt.load_backtests(folder, bt.refit(folder, [2014], output=tmp_path / "a.yaml", **TINY_FIT))
    # Every observation after the origin doubled: the refit must not move.
    for csv in (folder / "observed").glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if "value" not in frame or "date" not in frame:
            continue
        later = frame["date"] > "2014-12-31"
        frame.loc[later, "value"] = [str(float(v) * 2) if v else v for v in frame.loc[later, "value"]]
        frame.to_csv(csv, index=False)
    second = bt.load_backtests(folder, bt.refit(folder, [2014], output=tmp_path / "b.yaml", **TINY_FIT))
    assert first == second
    assert first[2014]["calibration_end"] == "2014-12-31"
    # Only weighted series with an observation by the origin are fitted (Kazakhstan's first is 2015).
    assert "stock_russia" in first[2014]["targets"] and "stock_kazakhstan" not in first[2014]["targets"]
    # ... while an observation before the origin does move it.
    frame = pd.read_csv(folder / "observed" / "stock_russia.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["date"] <= "2014-12-31", "value"] = "100000"
    frame.to_csv(folder / "observed" / "stock_russia.csv", index=False)
    third = bt.load_backtests(folder, bt.refit(folder, [2014], output=tmp_path / "c.yaml", **TINY_FIT))
    assert third[2014]["loss"] != first[2014]["loss"]


def test_forecasts_are_scored_by_horizon_against_persistence(folder: Path, tmp_path: Path) -> None:
    record = bt.refit(folder, [2014], output=folder / "observed" / "backtests.yaml", **TINY_FIT)
    assert record == folder / "observed" / "backtests.yaml"
    scores = bt.backtest(folder, seeds=2, scale=2000, processes=1, quiet=True)
    assert not scores.empty
    assert set(scores["origin"]) == {2014} and set(scores["horizon"]) <= {1, 2, 3}
    assert (scores["date"] > "2014-12-31").all() and (scores["date"] <= "2017-12-31").all()
    assert (scores["horizon"] == scores["date"].str[:4].astype(int) - 2014).all()
    # Rows used to build the inputs are never scored.
    targets = migsim.load_targets(folder)
    assert not any(targets[s].is_circular(d) for s, d in zip(scores["series"], scores["date"]))
    # Persistence: the series' last observation on or before the origin (stock in Russia: 2014-07-01).
    russia = scores[scores["series"] == "stock_russia"]
    observed = pd.read_csv(folder / "observed" / "stock_russia.csv")
    last = observed[observed["date"] <= "2014-12-31"].sort_values("date")["value"].iloc[-1]
    assert len(russia) and (russia["persistence"] == last).all()
    assert ((russia["persistence_error"] - (russia["persistence"] - russia["observed"]).abs() / russia["observed"])
            .abs() < 1e-12).all()
    # The refit's best trials are recorded, and the bands run over them: wider than chance alone.
    recorded = bt.load_backtests(folder)[2014]
    assert len(recorded["draws"]) >= 2 and all(set(d) == set(recorded["values"]) for d in recorded["draws"])
    plain = bt.backtest(folder, seeds=2, scale=2000, processes=1, quiet=True, with_draws=False)
    assert ((plain["high"] - plain["low"]).sum() < (scores["high"] - scores["low"]).sum())
    skill = bt.skill_table(scores)
    overall = skill[skill["series"] == "all series"]
    assert list(overall["horizon"]) == sorted(set(scores["horizon"]))
    assert ((overall["skill"] - (1 - overall["model"] / overall["persistence"])).abs() < 1e-12).all()


def test_the_validation_report_carries_the_backtests(folder: Path, tmp_path: Path) -> None:
    bt.refit(folder, [2015], output=folder / "observed" / "backtests.yaml", **TINY_FIT)
    report = migsim.validate_fit(folder, seeds=2, scale=2000, output=tmp_path / "report", processes=1, quiet=True,
                                 until="2019-01-01")
    assert report.backtests is not None and not report.backtests.empty
    assert (tmp_path / "report" / "backtest.csv").is_file()
    assert "## Rolling-origin backtests" in (tmp_path / "report" / "README.md").read_text()


def test_the_recorded_refits_of_kyrgyzstan_cover_the_default_origins() -> None:
    recorded = bt.load_backtests("kyrgyzstan")
    assert sorted(recorded) == list(bt.DEFAULT_ORIGINS)
    for origin, fit in recorded.items():
        assert fit["calibration_end"] == f"{origin}-12-31"
        assert set(fit["values"]) == set(bt.fit_of_record(REPO / "scenarios" / "kyrgyzstan"))
        assert len(fit["draws"]) >= 10  # the top 10 % of the trials, for the forecast bands


def test_the_command_refuses_bad_input_with_exit_2(tmp_path: Path) -> None:
    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "migsim.backtest", *map(str, args)], capture_output=True,
                              text=True, cwd=tmp_path)

    bad = run("refit", REPO / "scenarios" / "kyrgyzstan", "--origins", "twenty", "-o", tmp_path / "x.yaml")
    assert bad.returncode == 2 and "origins: expected years" in bad.stderr
    assert not (tmp_path / "x.yaml").exists()
    none = run("refit", REPO / "scenarios" / "covid-returns", "-o", tmp_path / "y.yaml")
    assert none.returncode == 2 and "observed" in none.stderr, none.stderr


def test_scoring_without_recorded_refits_says_what_to_run(folder: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "migsim.backtest", "score", str(folder), "--seeds", "1"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "no backtests.yaml" in result.stderr and "migsim.backtest refit" in result.stderr
