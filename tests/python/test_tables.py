"""Calendar periods (migsim.periods), tidy tables (migsim.table) and the `migsim table` command."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import migsim
from migsim import periods

# Nine weekly steps starting on Friday 2 January 2015: the last one covers 27 February to 5 March.
TIMES = np.arange(np.datetime64("2015-01-02"), np.datetime64("2015-03-06"), np.timedelta64(7, "D"))
FLOW = 7.0 * np.arange(1, 10)  # 7, 14, ..., 63 over each step
STOCK = np.arange(1.0, 10.0)  # 1, 2, ..., 9 at the end of each step


def _toy() -> xr.Dataset:
    """A tiny output file's layout: a flow and a stock by origin, two origins (the second twice the first)."""
    origins = ["north", "south"]
    flow = np.stack([FLOW, 2 * FLOW], axis=1)
    stock = np.stack([STOCK, 2 * STOCK], axis=1)
    return xr.Dataset(
        {"departures": (("time", "origin"), flow, {"units": "1", "cell_methods": "time: sum"}),
         "stock": (("time", "origin"), stock, {"units": "1", "cell_methods": "time: point"})},
        coords={"time": TIMES, "origin": origins, "origin_country": ("origin", ["KG", "KZ"])})


def test_periods_split_a_straddling_flow_by_days_hand_computed() -> None:
    months = periods.calendar_periods(TIMES[0], TIMES[-1] + np.timedelta64(7, "D"), "month")
    assert [p.label for p in months] == ["2015-01", "2015-02", "2015-03"]
    sums = periods.aggregate(FLOW, TIMES, months, "flow")
    # January: 7+14+21+28, plus 2 of the 7 days of the step from 30 January (35 * 2/7 = 10).
    # February: 35 * 5/7 + 42+49+56 + 63 * 2/7 (27 and 28 February); March: 63 * 5/7.
    assert sums == pytest.approx([80.0, 25 + 147 + 18, 45.0])
    assert sums.sum() == pytest.approx(FLOW.sum())


def test_periods_stock_at_the_end_of_the_last_step_ending_in_the_period() -> None:
    months = periods.calendar_periods(TIMES[0], TIMES[-1] + np.timedelta64(7, "D"), "month")
    # Steps end on 9, 16, 23, 30 January, 6, 13, 20, 27 February, 6 March.
    assert periods.aggregate(STOCK, TIMES, months, "stock") == pytest.approx([4.0, 8.0, 9.0])
    assert periods.aggregate(STOCK, TIMES, months, "stock", "mean")[:2] == pytest.approx([2.5, 6.5])
    years = periods.calendar_periods(TIMES[0], TIMES[-1] + np.timedelta64(7, "D"), "quarter")
    assert [p.label for p in years] == ["2015Q1"]
    assert periods.aggregate(FLOW, TIMES, years, "flow") == pytest.approx([FLOW.sum()])


def test_a_period_ending_before_any_step_ends_has_no_stock() -> None:
    first = [periods.Period("x", np.datetime64("2015-01-01"), np.datetime64("2015-01-05"))]
    assert np.isnan(periods.aggregate(STOCK, TIMES, first, "stock")[0])
    assert periods.aggregate(FLOW, TIMES, first, "flow")[0] == pytest.approx(7 * 3 / 7)  # 2, 3, 4 January


def test_table_by_coordinate_where_and_weeks() -> None:
    ds = _toy()
    monthly = migsim.table(ds, "departures", by="origin", freq="month")
    assert list(monthly.columns) == ["period", "start", "end", "complete", "origin", "value"]
    north = monthly[monthly.origin == "north"].set_index("period")["value"]
    south = monthly[monthly.origin == "south"].set_index("period")["value"]
    assert north.tolist() == pytest.approx([80.0, 190.0, 45.0])
    assert south.tolist() == pytest.approx([160.0, 380.0, 90.0])
    assert monthly.set_index(["period", "origin"])["complete"].xs("north", level="origin").tolist() == [False, True,
                                                                                                         False]
    assert monthly.attrs["kind"] == "flow"
    grouped = migsim.table(ds, "stock", by="origin_country", freq="month", where={"origin": ["south"]})
    assert grouped["origin_country"].unique().tolist() == ["KZ"]
    assert grouped["value"].tolist() == pytest.approx([8.0, 16.0, 18.0])
    weekly = migsim.table(ds, "departures", freq="week")
    assert weekly["value"].tolist() == pytest.approx(3 * FLOW)
    assert weekly["start"].iloc[0] == "2015-01-02" and weekly["end"].iloc[0] == "2015-01-08"


@pytest.mark.parametrize("kwargs, expected", [
    ({"variable": "departure"}, "did you mean 'departures'"),
    ({"variable": "stock", "by": "oblast"}, "by: stock has no dimension or coordinate 'oblast'"),
    ({"variable": "stock", "freq": "daily"}, "freq: expected one of week, month, quarter, year, found 'daily'"),
    ({"variable": "stock", "where": {"origin": "east"}}, "where: origin has no value 'east'"),
    ({"variable": "stock", "stock": "max"}, "stock: expected one of end, mean"),
])
def test_table_refuses_bad_input_naming_what_was_expected(kwargs: dict, expected: str) -> None:
    variable = kwargs.pop("variable")
    with pytest.raises(migsim.ArgumentError, match=expected):
        migsim.table(_toy(), variable, **kwargs)


def test_a_window_keeps_the_periods_overlapping_it_whole_and_refuses_one_outside_the_run() -> None:
    whole = migsim.table(_toy(), "departures", freq="month")
    # 15 January to 1 February overlaps January and February: both are kept whole, March is not.
    cut = migsim.table(_toy(), "departures", freq="month", since="2015-01-15", until="2015-02-01")
    assert cut["period"].tolist() == ["2015-01", "2015-02"]
    assert cut["value"].tolist() == whole["value"].tolist()[:2]
    assert cut.index.tolist() == [0, 1] and cut.attrs["freq"] == "month"
    assert migsim.table(_toy(), "stock", freq="week", since=datetime.date(2015, 2, 26))["start"].tolist() == [
        "2015-02-20", "2015-02-27"]  # the step of 20-26 February holds the 26th
    for kwargs, expected in [
        ({"since": "2016-01-01"}, "since/until: expected a window overlapping the run (simulated 2015-01-02 to "
                                  "2015-03-05), found 2016-01-01 to the end"),
        ({"since": "2015-02-30"}, "since: expected a date YYYY-MM-DD, found '2015-02-30'"),
        ({"until": ""}, "until: expected a date YYYY-MM-DD, found ''"),  # an empty $VAR is not "no limit"
        ({"since": "2015-03-01", "until": "2015-02-01"}, "since: expected a date on or before until (2015-02-01), "
                                                         "found 2015-03-01"),
    ]:
        with pytest.raises(migsim.ArgumentError, match=re.escape(expected)):
            migsim.table(_toy(), "departures", freq="month", **kwargs)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_table_round_trips(tmp_path: Path, suffix: str) -> None:
    frame = migsim.table(_toy(), "departures", by="origin", freq="month")
    path = migsim.write_table(frame, tmp_path / f"t{suffix}")
    back = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix](path)
    assert back["value"].tolist() == pytest.approx(frame["value"].tolist())
    assert back["period"].astype(str).tolist() == frame["period"].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"t{suffix}"]  # no temporary file left


def test_write_table_refuses_an_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(migsim.ArgumentError, match=r"expected a file ending in \.csv, \.xlsx, \.parquet, found '\.txt'"):
        migsim.write_table(migsim.table(_toy(), "stock"), tmp_path / "t.txt")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("table") / "k.h5"
    results = migsim.run("kyrgyzstan", scale=1000, seed=3, until="2011-06-30", quiet=True, output=path)
    assert path.is_file() and results is not None
    return path


def test_migsim_table_monthly_sums_equal_the_weekly_flows_split_by_days(
        cli: Callable[..., subprocess.CompletedProcess[str]], small_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "returns.csv"
    proc = cli("table", small_run, "returns", "--by", "origin", "--freq", "month", "-o", out)
    assert proc.returncode == 0, proc.stderr
    monthly = pd.read_csv(out)
    ds = xr.open_dataset(small_run)
    weekly = ds["returns"].sum("location").transpose("time", "origin").values.astype(float)
    starts, ends = periods.step_edges(ds["time"].values)
    for origin_index, origin in enumerate(ds["origin"].values.astype(str)):
        rows = monthly[monthly["origin"] == origin]
        for _, row in rows.iterrows():
            lo, hi = np.datetime64(row["start"]), np.datetime64(row["end"]) + np.timedelta64(1, "D")
            expected = 0.0
            for k in range(len(starts)):  # day by day, independently of periods.flow_weights
                days = [d for d in np.arange(starts[k], ends[k]) if lo <= d < hi]
                expected += weekly[k, origin_index] * len(days) / 7
            assert row["value"] == pytest.approx(expected), (origin, row["period"])
    assert monthly.groupby("origin")["value"].sum().sum() == pytest.approx(weekly.sum())


def test_migsim_table_stock_at_month_end_where_and_formats(
        cli: Callable[..., subprocess.CompletedProcess[str]], small_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "stock.parquet"
    proc = cli("table", small_run, "stock", "--by", "location_country", "--where", "status=irregular",
               "--freq", "month", "-o", out)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_parquet(out)
    ds = xr.open_dataset(small_run)
    ru = ds["stock"].sel(status="irregular").isel(location=ds["location_country"].values.astype(str) == "RU")
    ru = ru.sum(["origin", "location"])
    ends = ds["time"].values.astype("datetime64[D]") + np.timedelta64(7, "D")
    row = table[(table["period"] == "2011-03") & (table["location_country"] == "RU")].iloc[0]
    last = int(np.flatnonzero(ends <= np.datetime64("2011-04-01"))[-1])
    assert row["value"] == pytest.approx(float(ru[last]))
    xlsx = tmp_path / "stock.xlsx"
    assert cli("table", small_run, "departures", "--freq", "year", "-o", xlsx).returncode == 0
    assert pd.read_excel(xlsx)["period"].astype(str).tolist() == ["2010", "2011"]


def test_migsim_table_to_standard_output_is_the_csv_file_and_nothing_on_bad_input(
        cli: Callable[..., subprocess.CompletedProcess[str]], small_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "returns.csv"
    assert cli("table", small_run, "returns", "--by", "origin", "--freq", "month", "-o", out).returncode == 0
    piped = cli("table", small_run, "returns", "--by", "origin", "--freq", "month", "-o", "-", cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == out.read_text()
    assert "rows of returns" in piped.stderr and "standard output" in piped.stderr
    window = cli("table", small_run, "returns", "--freq", "month", "--since", "2010-03-15", "--until",
                 "2010-05-01", "-o", "-", cwd=tmp_path)
    assert window.returncode == 0, window.stderr
    assert pd.read_csv(io.StringIO(window.stdout))["period"].tolist() == ["2010-03", "2010-04", "2010-05"]
    bad = cli("table", small_run, "stok", "-o", "-", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stdout == "" and "did you mean 'stock'" in bad.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["returns.csv"]


@pytest.mark.parametrize("args, expected", [
    (["missing.h5", "stock"], "missing.h5: no such file"),
    (["{run}", "stok"], "no output 'stok'; did you mean 'stock'?"),
    (["{run}", "stock", "--by", "region"], "by: stock has no dimension or coordinate 'region'"),
    (["{run}", "stock", "--freq", "fortnight"], "freq: expected one of week, month, quarter, year, found 'fortnight'"),
    (["{run}", "stock", "--where", "location_country"], "--where: expected NAME=VALUE"),
    (["{run}", "stock", "--where", "location_country=XX"], "where: location_country has no value 'XX'"),
    (["{run}", "stock", "--since", "2012-01-01"], "since/until: expected a window overlapping the run (simulated "
                                                  "2010-01-01 to"),
    (["{run}", "stock", "--until", "30/06/2010"], "until: expected a date YYYY-MM-DD, found '30/06/2010'"),
])
def test_migsim_table_bad_input_exits_2_and_writes_nothing(
        cli: Callable[..., subprocess.CompletedProcess[str]], small_run: Path, tmp_path: Path, args: list[str],
        expected: str) -> None:
    out = tmp_path / "t.csv"
    proc = cli("table", *[a.replace("{run}", str(small_run)) for a in args], "-o", out, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert expected in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_migsim_help_lists_table_and_report_and_a_missing_program_exits_2(tmp_path: Path) -> None:
    from conftest import _find_cli

    exe = _find_cli()
    help_text = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    assert "table" in help_text and "report" in help_text
    # A copy of the program alone in a folder, with an empty PATH: it finds no migsim-table.
    alone = tmp_path / "migsim"
    alone.write_bytes(Path(exe).read_bytes())
    alone.chmod(0o755)
    proc = subprocess.run([str(alone), "table", "x.h5", "stock", "-o", "t.csv"], capture_output=True, text=True,
                          env={"PATH": str(tmp_path / "nowhere")})
    assert proc.returncode == 2
    assert "migsim-table" in proc.stderr and "next to this program or on PATH" in proc.stderr


def test_steps_of_unequal_length_follow_time_bnds() -> None:
    """Monthly steps (a scenario with step: month): the file's time_bnds give each step's end, so a month's
    flow is exactly its step's value (guessing the last step as long as the one before would spill February's
    step into March)."""
    starts = np.array(["2015-01-01", "2015-02-01"], dtype="datetime64[D]")
    ends = np.array(["2015-02-01", "2015-03-01"], dtype="datetime64[D]")
    ds = xr.Dataset({"departures": (("time",), [31.0, 28.0], {"cell_methods": "time: sum"})},
                    coords={"time": starts, "time_bnds": (("time", "nv"), np.stack([starts, ends], axis=1))})
    monthly = migsim.table(ds, "departures", freq="month")
    assert monthly["period"].tolist() == ["2015-01", "2015-02"]
    assert monthly["value"].tolist() == [31.0, 28.0]
    assert monthly["complete"].tolist() == [True, True]
    months = periods.calendar_periods(starts[0], ends[-1], "month")
    guessed = periods.aggregate([31.0, 28.0], starts, months, "flow")
    assert guessed[1] == pytest.approx(28.0 * 28 / 31)  # without the bounds: a 31-day last step
