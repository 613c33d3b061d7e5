"""Observed series, their mapping to model quantities, the error metrics and the validation report command.

Small scale throughout (one agent per 1000 people, two seeds, runs to 2016), so the file takes seconds.
"""

from __future__ import annotations

import json
import hashlib
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import migsim
from migsim import observed as obs
from migsim.schema import ABROAD_STATUSES_EXCLUDING_NATURALISED, STATUS_NAMES
from migsim.validation_doc import MUST_SHOW

REPO = Path(__file__).resolve().parents[2]
OBSERVED = REPO / "scenarios" / "kyrgyzstan" / "observed"


@pytest.fixture(scope="module")
def targets() -> migsim.Targets:
    return migsim.load_targets("kyrgyzstan")


@pytest.fixture(scope="module")
def small_run() -> migsim.Results:
    return migsim.run("kyrgyzstan", seed=3, scale=1000, until="2016-12-31", quiet=True, threads=1)


# ------------------------------------------------------------------------------------------- the data


def test_every_observed_file_has_a_target(targets: migsim.Targets) -> None:
    files = sorted(p.name for p in OBSERVED.glob("*.csv"))
    assert sorted(t.file for t in targets) == files
    assert files, OBSERVED  # the folder is found and not empty
    assert targets.calibration_end == "2019-12-31"
    for target in targets:
        if not target.compare:
            assert target.reason, target.name


def test_observed_is_tidy_and_flags_rows(targets: migsim.Targets) -> None:
    table = migsim.load_observed("kyrgyzstan")
    assert list(table.columns[:4]) == ["series", "date", "region", "value"]
    assert len(table) == sum(len(targets.frame(n)) for n in targets.names)
    assert set(table["period"]) == {"calibration", "validation"}
    stock = table[table["series"] == "stock_russia"].set_index("date")
    assert stock.loc["2014-07-01", "circular"] and not stock.loc["2013-10-18", "circular"]
    bans = table[table["series"] == "entry_bans"].set_index("date")
    assert "implausible" in bans.loc["2015-02-18", "excluded"]
    oblast = table[table["series"] == "stock_by_oblast_2018"]
    assert set(oblast["region"]) == {"batken", "jalal_abad", "osh_oblast", "chuy"}


def test_the_installed_observed_folder_is_the_source_one() -> None:
    """The package data (migsim/observed/kyrgyzstan, copied by CMake) matches scenarios/kyrgyzstan/observed."""
    folder = migsim.observed_folder("kyrgyzstan")
    assert (folder / "targets.yaml").is_file()
    for path in OBSERVED.iterdir():
        copy = folder / path.name
        assert copy.is_file(), f"{copy} is missing: rebuild with `make build`"
        assert hashlib.sha256(copy.read_bytes()).digest() == hashlib.sha256(path.read_bytes()).digest(), path.name
    assert migsim.observed_folder(REPO / "scenarios" / "kyrgyzstan") == OBSERVED
    assert migsim.observed_folder(OBSERVED) == OBSERVED


def test_the_sets_of_statuses_are_the_engines(targets: migsim.Targets) -> None:
    """ABROAD of targets.yaml is the engine's statuses abroad, naturalised excepted (the migrant statistics do not
    count people who took the destination's citizenship); every set names only the engine's statuses."""
    assert targets.sets["ABROAD"] == ABROAD_STATUSES_EXCLUDING_NATURALISED
    assert "naturalised" in STATUS_NAMES and "naturalised" not in ABROAD_STATUSES_EXCLUDING_NATURALISED
    for name, statuses in targets.sets.items():
        assert set(statuses) <= set(STATUS_NAMES), name
    assert set(targets.sets["LEGAL"]) < set(targets.sets["WORKING"]) < set(targets.sets["ABROAD"])


def test_no_observed_folder_is_a_clear_error() -> None:
    with pytest.raises(migsim.ArgumentError, match="no observed series"):
        migsim.load_targets("quota-cut")


def test_unknown_series_has_a_hint(targets: migsim.Targets) -> None:
    with pytest.raises(migsim.ArgumentError, match="did you mean 'stock_russia'"):
        targets.select(["stock_rusia"])
    with pytest.raises(migsim.ArgumentError, match="not compared"):
        targets.select(["entry_ban_removals"])


def test_bad_targets_yaml_names_series_and_field(tmp_path: Path) -> None:
    folder = tmp_path / "observed"
    shutil.copytree(OBSERVED, folder)
    text = (folder / "targets.yaml").read_text()
    (folder / "targets.yaml").write_text(text.replace("    time: year_mean\n", "    time: yearly\n", 1))
    with pytest.raises(migsim.ScenarioError, match=r"series\.stock_russia_alt_working\.time: expected one of"):
        migsim.load_targets(observed=folder)
    # The output variable and the statuses are checked against the engine's when the file is read.
    (folder / "targets.yaml").write_text(text.replace("    variable: bans_active\n", "    variable: bans\n"))
    with pytest.raises(migsim.ScenarioError, match=r"entry_bans\.variable: no output 'bans'; did you mean 'bans_active'"):
        migsim.load_targets(observed=folder)
    (folder / "targets.yaml").write_text(text.replace("  WORKING: [resident,", "  WORKING: [resdent,", 1))
    with pytest.raises(migsim.ScenarioError, match=r"\.status: no status 'resdent'; did you mean 'resident'"):
        migsim.load_targets(observed=folder)


# ------------------------------------------------------------------------------------------ the mapping


def test_model_values_follow_the_readme(targets: migsim.Targets, small_run: migsim.Results) -> None:
    ds = small_run.to_xarray()
    sim = targets.simulate(small_run).set_index(["series", "date", "region"])[0]
    in_russia = ds.stock.isel(location=np.flatnonzero(ds.location_country.values == "RU"))
    starts = ds.time.values.astype("datetime64[D]")
    ends = starts + np.timedelta64(7, "D")

    def share_of_days(first: str, last: str) -> np.ndarray:  # of each step's days in [first, last], day by day
        days = np.arange(np.datetime64(first), np.datetime64(last) + np.timedelta64(1, "D"))
        return np.array([np.isin(np.arange(s, e), days).sum() / 7 for s, e in zip(starts, ends)])

    # A stock at the end of the last step that ends by the end of the date (migsim.periods).
    step = ds.time.values[np.flatnonzero(ends <= np.datetime64("2016-04-06"))[-1]]
    expected = float(in_russia.sel(time=step, status=list(ABROAD_STATUSES_EXCLUDING_NATURALISED)).sum())
    assert sim[("stock_russia", "2016-04-05", "")] == expected
    # An annual flow: the steps' values times the share of their days in the year (a step across New Year is split).
    total = ds.remittances_usd.sum("origin").values
    assert sim[("remittances", "2010-12-31", "")] == pytest.approx(float(total @ share_of_days("2010-01-01",
                                                                                            "2010-12-31")))
    # A share: LEGAL / WORKING in Russia and Kazakhstan, means over the steps ending in the year.
    eaeu = ds.stock.isel(location=np.flatnonzero(np.isin(ds.location_country.values, ["RU", "KZ"])))
    in_2016 = (ends > np.datetime64("2016-01-01")) & (ends <= np.datetime64("2017-01-01"))
    y2016 = eaeu.isel(time=np.flatnonzero(in_2016))
    legal = y2016.sel(status=list(targets.sets["LEGAL"])).sum(["origin", "location", "status"]).mean()
    working = y2016.sel(status=list(targets.sets["WORKING"])).sum(["origin", "location", "status"]).mean()
    assert sim[("legal_share_russia", "2016-07-01", "")] == pytest.approx(float(legal / working))
    # Year-on-year change of the flow from 1 January to the date.
    y15 = float(total @ share_of_days("2015-01-01", "2015-12-31"))
    y14 = float(total @ share_of_days("2014-01-01", "2014-12-31"))
    assert sim[("remittances_yoy_change", "2015-12-31", "")] == pytest.approx(y15 / y14 - 1)
    # By region: one origin each.
    oblast = ds.stock.isel(location=np.flatnonzero(ds.location_country.values != "KG"))
    # (2018 is after this run's end: not simulated.)
    assert math.isnan(sim[("stock_by_oblast_2018", "2018-11-01", "batken")])
    assert oblast.sizes["origin"] == 9
    # Entry bans in Russia, at the date; a date after the run: NaN.
    assert sim[("entry_bans", "2015-07-01", "")] > 0
    assert math.isnan(sim[("stock_russia", "2018-06-01", "")])


def test_a_month_on_the_same_month_a_year_earlier(tmp_path: Path, small_run: migsim.Results) -> None:
    # A `since` period moves a year back whole for a change: March 2016 against March 2015, as a difference
    # (in the series' unit) and as a ratio minus one; a bad `change` is named with the ones allowed.
    folder = tmp_path / "observed"
    shutil.copytree(OBSERVED, folder)
    (folder / "march.csv").write_text("date,value,unit,concept,source,quote\n"
                                      "2016-03-31,-1000000,USD,test,test,test\n")
    (folder / "march_ratio.csv").write_text("date,value,unit,concept,source,quote\n"
                                            "2016-03-31,-0.1,share,test,test,test\n")
    series = "".join(f"""
  {name}:
    file: {name}.csv
    variable: remittances_usd
    time: since
    since: 2016-03-01
    change: {change}
    weight: 0
""" for name, change in (("march", "difference_on_year"), ("march_ratio", "year_on_year")))
    text = (folder / "targets.yaml").read_text().replace("\nseries:\n", "\nseries:\n" + series, 1)
    (folder / "targets.yaml").write_text(text)
    sim = migsim.load_targets(observed=folder).simulate(small_run).set_index(["series", "date"])[0]
    ds = small_run.to_xarray()
    total = ds.remittances_usd.sum("origin").values
    starts = ds.time.values.astype("datetime64[D]")

    def month(first: str, last: str) -> float:  # the steps' values times the share of their days in the month
        days = np.arange(np.datetime64(first), np.datetime64(last) + np.timedelta64(1, "D"))
        return float(total @ np.array([np.isin(np.arange(s, s + 7), days).sum() / 7 for s in starts]))

    now, before = month("2016-03-01", "2016-03-31"), month("2015-03-01", "2015-03-31")
    assert sim[("march", "2016-03-31")] == pytest.approx(now - before)
    assert sim[("march_ratio", "2016-03-31")] == pytest.approx(now / before - 1)
    (folder / "targets.yaml").write_text(text.replace("change: difference_on_year", "change: difference", 1))
    with pytest.raises(migsim.ScenarioError, match=r"series\.march\.change: expected one of year_on_year, "
                                                   r"difference_on_year, found 'difference'"):
        migsim.load_targets(observed=folder)


def test_metrics() -> None:
    assert migsim.mape([100, 200], [110, 180]) == pytest.approx(0.1)
    assert math.isnan(migsim.mape([0.0], [1.0]))
    # ARD: per date, sum of absolute differences over the sum of observations, then the mean over dates.
    assert migsim.ard([100, 300, 50], [150, 300, 25], dates=["a", "a", "b"]) == pytest.approx((50 / 400 + 0.5) / 2)
    assert migsim.ard([100, 200], [110, 180]) == pytest.approx(migsim.mape([100, 200], [110, 180]))


def test_fit_table_and_patterns(targets: migsim.Targets) -> None:
    ens = migsim.Ensemble("kyrgyzstan", seeds=2, scale=1000, until="2016-12-31", processes=1, quiet=True,
                          master_seed=1, variables=sorted({t.variable for t in targets if t.variable}))
    sim = targets.simulate(ens.run())
    assert [c for c in sim.columns if isinstance(c, int)] == [0, 1]
    comparison = targets.compare(sim)
    assert (comparison["low"] <= comparison["simulated"]).all() or comparison["simulated"].isna().any()
    table = migsim.fit_table(comparison)
    row = table[(table["series"] == "stock_russia") & (table["period"] == "calibration")].iloc[0]
    rows = comparison[(comparison["series"] == "stock_russia") & comparison["simulated"].notna()]
    assert row["n"] == len(rows)
    assert row["mape"] == pytest.approx(float((abs(rows.simulated - rows.observed) / rows.observed).mean()))
    assert "all series" in set(table["series"])
    shares = table[table["series"] == "legal_share_russia"].iloc[0]
    assert math.isnan(shares["mape"]) and shares["mae"] >= 0
    patterns = migsim.pattern_table(targets, sim)
    fall = patterns.set_index("pattern").loc["remittance_fall_2015"]
    assert fall["observed"] == -0.258 and fall["low"] <= fall["simulated"] <= fall["high"]
    assert math.isfinite(targets.select().loss(comparison))


# -------------------------------------------------------------------------------------------- the report


def _validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "migsim.validate", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_report_command_writes_figures_and_tables(tmp_path: Path, targets: migsim.Targets) -> None:
    result = _validate("kyrgyzstan", "--seeds", "2", "--scale", "1000", "--until", "2016-12-31", "--processes", "2",
                       "-q", "-o", str(tmp_path / "report"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "calibration-period MAPE" in result.stdout
    folder = tmp_path / "report"
    compared = [t.name for t in targets if t.compare]
    for name in compared:
        png = folder / f"{name}.png"
        assert png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    for name in ("fit_table.csv", "fit_table.md", "fit_table_independent.csv", "patterns.csv", "comparison.csv",
                 "crisis_2020.csv", "crisis_2020_observed.csv", "README.md", "report.json"):
        assert (folder / name).is_file(), name
    record = json.loads((folder / "report.json").read_text())
    assert record["settings"]["seeds"] == 2 and record["settings"]["git_commit"]
    assert record["units"]["stock_russia"] == "people" and record["units"]["remittances"] == "USD"
    import pandas as pd

    table = pd.read_csv(folder / "fit_table.csv")
    assert {"series", "period", "mape", "ard", "mae", "bias", "in_band"} <= set(table.columns)
    assert "stock_russia" in set(table["series"])
    text = (folder / "README.md").read_text()
    assert "| series | period |" in text and "![stock_russia](stock_russia.png)" in text
    assert "entry_ban_removals" in text  # listed as not compared, with its reason


def test_report_command_is_installed() -> None:
    script = Path(sys.executable).parent / "migsim-validate-fit"
    assert script.is_file(), "run `make build`: pyproject's [project.scripts] installs migsim-validate-fit"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--seeds" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--series", "stock_rusia"], "unknown observed series 'stock_rusia'; did you mean 'stock_russia'"),
    (["--seeds", "0"], "seeds"),
    (["quota-cut"], "has no observed series"),
    (["--observed", "no/such/folder"], "--observed"),
    (["--until", "2016-13-45"], "until"),
])
def test_report_command_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = _validate(*args, "--scale", "2000", "--seeds", "1", "-q", "-o", str(tmp_path / "r"), cwd=tmp_path) \
        if "--seeds" not in args else _validate(*args, "--scale", "2000", "-q", "-o", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------- the 2020 table


def _weekly(values: list[float], first: str = "2020-01-24") -> "xarray.DataArray":  # noqa: F821
    import pandas as pd
    import xarray as xr

    times = pd.date_range(first, periods=len(values), freq="7D")
    return xr.DataArray(np.asarray(values, dtype=float), coords={"time": times}, dims=["time"])


def test_plots_draw_flows_at_the_middle_of_their_period(targets: migsim.Targets) -> None:
    from migsim.validate import plot_positions

    # A year's total in mid-year (not at 31 December, which reads as the next year), January-April on 2
    # March, a month in mid-month, a yearly mean in mid-year; a stock stays at its date.
    year, ytd = plot_positions(targets["remittances"], ["2017-12-31", "2018-04-30"])
    assert str(year.date()) == "2017-07-02" and str(ytd.date()) == "2018-03-02"
    (month,) = plot_positions(targets["remittances_monthly"], ["2020-04-30"])
    assert str(month.date()) == "2020-04-16"
    (mean,) = plot_positions(targets["legal_share_russia"], ["2016-07-01"])
    assert str(mean.date()) == "2016-07-02"
    (stock,) = plot_positions(targets["stock_russia"], ["2018-06-01"])
    assert str(stock.date()) == "2018-06-01"


def test_monthly_values_split_flows_by_days_and_take_stocks_at_the_last_step_ending_in_the_month() -> None:
    from migsim.validate import monthly_values

    # Steps start on Fridays from 24 Jan 2020; a flow of 7 a step is 1 a day.
    flow = monthly_values(_weekly([7.0] * 9), "flow", 2020)
    assert flow.index.tolist() == ["2020-02"]  # January starts before the run, March ends after it
    assert flow.loc["2020-02", 0] == pytest.approx(29.0)  # 2020 is a leap year
    flows = monthly_values(_weekly([7.0] * 15, first="2019-12-27"), "flow", 2020)
    assert flows.index.tolist() == ["2020-01", "2020-02", "2020-03"]
    assert flows[0].tolist() == pytest.approx([31.0, 29.0, 31.0])  # the steps across the 1st are split
    # A stock: the step ending on or before the month's end. Steps end 31 Jan, 7 Feb, ..., 28 Feb, 6 Mar.
    stock = monthly_values(_weekly(list(range(9))), "stock", 2020)
    assert stock.loc["2020-02", 0] == 4  # the step of 21-28 February (index 4)


def test_the_2020_table_has_the_months_the_run_covers(tmp_path: Path) -> None:
    from migsim.validate import CRISIS_VARIABLES, crisis_table

    ds = migsim.run("covid-returns", seed=1, scale=1000, until="2020-06-20", quiet=True).to_xarray()
    table = crisis_table(ds)
    assert table["month"].tolist() == [f"2020-{m:02d}" for m in range(1, 6)]  # the last step ends on 26 June
    for column in CRISIS_VARIABLES:
        assert (table[column + "_p10"] <= table[column]).all() and (table[column] <= table[column + "_p90"]).all()
    assert table.loc[table["month"] == "2020-01", "stranded_in_russia"].item() == 0  # before the closure
    assert table.loc[table["month"] == "2020-04", "stranded_in_russia"].item() > 0
    assert table.loc[table["month"] == "2020-04", "evacuated_from_russia"].item() == 0  # seats from 15 May
    assert table.loc[table["month"] == "2020-05", "evacuated_from_russia"].item() > 0
    # Remittances also against the same month of 2019, by the same rule (one run: the median is its value);
    # blank for the months of 2019 before the scenario starts.
    from migsim.validate import _select, monthly_values

    months_2019 = monthly_values(_select(ds, "remittances_usd", {}), "flow", 2019)[0]
    assert 0 < len(months_2019) < 12, "covid-returns starts within 2019"
    for month, before, change, value in zip(table["month"], table["remittances_usd_year_before"],
                                            table["remittances_usd_change"], table["remittances_usd"]):
        if "2019" + month[4:] in months_2019.index:
            assert before == months_2019["2019" + month[4:]]
            assert change == pytest.approx(value / before - 1, rel=1e-12)
        else:
            assert math.isnan(before) and math.isnan(change)


def test_the_reopening_peak_compares_the_largest_week_after_it_with_the_year_before() -> None:
    from migsim.validate import _select, reopening_peak

    ds = migsim.run("covid-returns", seed=1, scale=1000, until="2021-01-31", quiet=True).to_xarray()
    peak = reopening_peak(ds)
    assert peak is not None and peak["reopened"] == "2020-09-21"  # closure_russia ends on 20 September
    returns = _select(ds, "returns", {"location_country": "RU"}).to_pandas()
    after = returns["2020-09-21":].iloc[:26]
    assert peak["peak"] == after.max() and peak["peak_step"] == str(after.idxmax().date())
    assert peak["median_before"] == returns["2019-01-01":"2019-12-31"].median()
    assert peak["ratio"] == peak["peak"] / peak["median_before"]
    # No re-opening within the run: nothing to compare.
    assert reopening_peak(migsim.run("covid-returns", seed=1, scale=1000, until="2020-06-20", quiet=True)
                          .to_xarray()) is None


def test_the_report_finds_the_reopening_of_the_crisis_year(tmp_path: Path) -> None:
    # The report's ensemble keeps only the variables it compares: the closures' flags must be among them.
    report = migsim.validate_fit("kyrgyzstan", seeds=2, scale=2000, output=tmp_path / "report", processes=1,
                                 quiet=True, until="2021-06-30", backtests=False)
    assert report.reopening is not None and report.reopening["reopened"] == "2020-09-25"
    assert report.reopening["ratio"] <= MUST_SHOW.reopening_ratio  # no week above three ordinary weeks
    assert "Returns from Russia after the re-opening of 2020-09-25" in (tmp_path / "report" / "README.md").read_text()


def test_the_fitted_naturalisation_rate_gives_the_counts_it_was_fitted_to(targets: migsim.Targets) -> None:
    """`naturalisation_russia_eaeu.rate` is fitted to the MVD's counts of 2017-2019 (tools/fit_naturalisation.py:
    0.88, 1.16 and 0.98 of them); the derived rate before the fit gave a third. Scale 20 holds about 450
    naturalisations a year, so one seed's noise is about 5 %."""
    run = migsim.run("kyrgyzstan", seed=1, scale=20, until="2020-01-10", quiet=True)
    rows = targets.select(["naturalisations", "naturalisations_multiyear"]).compare(run).dropna(subset=["simulated"])
    assert set(rows["date"]) == {"2017-12-31", "2019-12-31", "2019-06-30"}
    ratio = rows["simulated"] / rows["observed"]
    assert ((ratio > 0.75) & (ratio < 1.35)).all(), rows[["series", "date", "observed", "simulated"]]
