"""The HTML report (migsim.report, `migsim report`): sections, numbers against the dataset's, and a headless
Chromium that opens it without console errors (Debian's chromium and chromium-driver, by explicit path)."""

from __future__ import annotations

import html
import os
import re
import subprocess
import warnings
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import xarray as xr

import migsim
from migsim import periods
from migsim.schema import ABROAD_STATUSES_EXCLUDING_NATURALISED

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FAST = {"scale": 1000, "until": "2011-06-30", "quiet": True}
SEEDS = [1, 2, 3]


@pytest.fixture(scope="module")
def comparison() -> migsim.Comparison:
    more = migsim.Scenario.load("kyrgyzstan")
    more.set("behaviour.departure.base_rate", 0.015)  # half as many again: the runs differ from the first step
    return migsim.compare({"baseline": "kyrgyzstan", "more": more}, seeds=SEEDS, variables=None, processes=2, **FAST)


def _cells(text: str, caption: str, year: str) -> list[str]:
    """The cells of a year's row in the table with that caption."""
    table = text[text.index(f"<caption>{caption}"):]
    table = table[:table.index("</table>")]
    row = re.search(rf"<tr><td>{year}</td>(.*?)</tr>", table, re.S)
    assert row, f"no row {year} in {caption}"
    return [html.unescape(c) for c in re.findall(r'<td class="num">(.*?)</td>', row.group(1))]


def _number(cell: str) -> float:
    return float(cell.split(" [")[0].replace(",", "").replace("$", "").replace("−", "-"))


def _russia_abroad(ds: xr.Dataset, year: int) -> np.ndarray:
    """Migrants in Russia at the end of the last step ending by 1 January of the next year (per run)."""
    ends = ds["time"].values.astype("datetime64[D]") + np.timedelta64(7, "D")
    last = int(np.flatnonzero(ends <= np.datetime64(f"{year + 1}-01-01"))[-1])
    russia = ds["stock"].isel(time=last, location=np.flatnonzero(ds["location_country"].values.astype(str) == "RU"))
    return russia.sel(status=list(ABROAD_STATUSES_EXCLUDING_NATURALISED)).sum(["origin", "location", "status"]).values


def test_report_of_a_run_holds_what_was_run_and_the_headline_numbers(tmp_path: Path) -> None:
    results = migsim.run("covid-returns", seed=4, **{**FAST, "until": "2020-12-31", "scale": 2000})
    path = migsim.report(results, tmp_path / "run.html")
    text = path.read_text()
    for section in ("What was run", "Policy timeline", "Headline by year", "Figures", "Input fingerprints"):
        assert section in text
    assert "<th>seed</th><td>4</td>" in text and "<th>scale</th><td>2000</td>" in text
    assert f"<th>migsim version</th><td>{migsim.__version__}</td>" in text
    assert "closure_russia" in text  # the border closure of the covid scenario, in the timeline
    ds = results.to_xarray()
    assert _number(_cells(text, "Migrants abroad", "2020")[0]) == pytest.approx(float(_russia_abroad(ds, 2020)))
    assert "2019 (part)" in text  # the scenario starts on 1 July 2019
    flows = _cells(text, "Flows over the year", "2020")
    returns = float((ds["returns"].sum(["location", "origin"]).values *
                     periods.flow_weights(*periods.step_edges(ds["time"].values), "2020-01-01", "2021-01-01")).sum())
    assert _number(flows[1]) == pytest.approx(returns, abs=0.5)
    evacuated = float(ds["evacuated"].sum().values)
    assert evacuated > 0 and _number(flows[-1]) > 0  # evacuations happened in 2020
    assert "src=\"http" not in text and "<script" not in text  # self-contained, nothing fetched
    assert "@media print" in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.html"]


def test_a_crisis_report_by_month_over_a_window_shows_the_closure_months(
        cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    """`--freq month --since --until`: one row per month of the window, the numbers of `migsim table`, the
    timeline cut to the events in force in the window, and bad values refused with exit 2 and no file."""
    base, closed = tmp_path / "base.h5", tmp_path / "closed.h5"
    common = ["-q", "--scale", "2000", "--seed", "2"]
    later = {"start": "2021-06-20", "end": "2021-06-27", "evacuation_from": "2021-06-20"}  # after the window
    sets = [a for key, day in later.items() for a in ("--set", f"events.closure_russia.{key}={day}")]
    proc = cli("run", "covid-returns", *common, *sets, "-o", base)
    assert proc.returncode == 0, proc.stderr
    assert cli("run", "covid-returns", *common, "-o", closed).returncode == 0
    proc = cli("report", base, closed, "--labels", "open,closed", "--freq", "month", "--since", "2020-03-01",
               "--until", "2020-06-30", "-o", tmp_path / "crisis.html")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "crisis.html").read_text()
    assert "Headline by month, 2020-03-01 to 2020-06-30" in text
    months = re.findall(r"<tr><td>(\d{4}-\d{2})</td>", text[text.index("<caption>Flows over the month"):])
    assert months[:4] == ["2020-03", "2020-04", "2020-05", "2020-06"] and "2020-07" not in months[:5]
    stranded = migsim.table(closed, "stranded", freq="month").set_index("period")["value"]
    closed_part = text[text.index('id="run-2"'):]
    assert _number(_cells(closed_part, "Flows over the month", "2020-04")[-2]) == pytest.approx(stranded["2020-04"])
    assert stranded["2020-04"] > 0
    differences = text[text.index("closed − open"):]
    assert re.search(r"<th>stranded \(end of month\)</th>", differences)
    # A single run of a built-in says what it changed from it: the --set edits of the first run.
    edits = text[text.index("What this run changed from the built-in scenario covid-returns"):]
    assert re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td>(.*?)</td></tr>",
                      edits[:edits.index("</table>")]) == [
        ("events.closure_russia.end", "2020-09-20", "2021-06-27"),
        ("events.closure_russia.evacuation_from", "2020-05-15", "2021-06-20"),
        ("events.closure_russia.start", "2020-03-18", "2021-06-20")]
    assert "The built-in scenario covid-returns as this migsim holds it, unchanged." in closed_part
    # What the baseline's --set changed, key by key, with both values; nothing else.
    changes = re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td>(.*?)</td></tr>",
                         differences[:differences.index("</table>")])
    assert changes == [("events.closure_russia.end", "2021-06-27", "2020-09-20"),
                       ("events.closure_russia.evacuation_from", "2021-06-20", "2020-05-15"),
                       ("events.closure_russia.start", "2021-06-20", "2020-03-18")]
    timeline = closed_part[closed_part.index("Policy timeline"):closed_part.index("Headline by month")]
    assert "closure_russia" in timeline and "not in force from 2020-03-01 to 2020-06-30" in timeline
    in_force, not_in_force = timeline.split("not in force")
    assert "covid_builders_pay_2020" in in_force  # from 9 June 2020
    assert "fee_moscow_2019" in not_in_force and "fee_moscow_2019" not in in_force  # to 2 January 2020
    assert float(xr.open_dataset(closed)["policy_state"].sel(event="fee_moscow_2019").max()) > 0  # in the run
    for args, message in ((["--freq", "fortnight"], "freq: expected one of week, month, quarter, year"),
                          (["--since", "2020-02-30"], "since: expected a date YYYY-MM-DD, found '2020-02-30'"),
                          (["--since", "2020-06-01", "--until", "2020-05-01"], "expected a date on or before until"),
                          (["--since", "2031-01-01"], "expected a window overlapping the run")):
        bad = cli("report", closed, *args, "-o", tmp_path / "x.html")
        assert bad.returncode == 2 and message in bad.stderr, bad.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.h5", "closed.h5", "crisis.html"]


def test_a_report_of_five_years_prints_no_warning(cli: Callable[..., subprocess.CompletedProcess[str]],
                                                  tmp_path: Path) -> None:
    """quota-cut runs 2026-2030: matplotlib's date axis found no tick interval for 44-60 months and warned on the
    user's terminal, once per figure."""
    run = tmp_path / "q.h5"
    assert cli("run", "quota-cut", "-q", "--scale", "5000", "-o", run).returncode == 0
    proc = cli("report", run, "-o", tmp_path / "q.html")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "The built-in scenario quota-cut as this migsim holds it, unchanged." in (tmp_path / "q.html").read_text()


def test_a_run_of_a_folder_that_extends_a_built_in_lists_what_it_changed_from_it(
        cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    """A planner's own scenario on top of covid-returns: the report says what it changes from that built-in (its
    file's keys and the --set on the command line), so a reader of the report need not open the folder."""
    folder = tmp_path / "longer"
    folder.mkdir()
    (folder / "scenario.yaml").write_text("name: longer-closure\nextends: covid-returns\nrun:\n  scale: 5000\n")
    check = cli("validate", folder)
    assert check.stdout.startswith("ok: longer-closure (extends the built-in covid-returns): "), check.stdout
    run = tmp_path / "longer.h5"
    proc = cli("run", folder, "-q", "--until", "2020-01-31", "--set", "events.closure_russia.end=2020-10-19",
               "-o", run)
    assert proc.returncode == 0, proc.stderr
    assert xr.open_dataset(run).attrs["scenario_builtin"] == "covid-returns"
    assert cli("report", run, "-o", tmp_path / "longer.html").returncode == 0
    text = (tmp_path / "longer.html").read_text()
    edits = text[text.index("What this run changed from the built-in scenario covid-returns, which its scenario ("):]
    assert re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td>(.*?)</td></tr>",
                      edits[:edits.index("</table>")]) == [
        ("name", "covid-returns", "longer-closure"), ("run.scale", "1", "5000"),
        ("events.closure_russia.end", "2020-09-20", "2020-10-19")]
    # A folder of its own (kyrgyzstan extends nothing) names no built-in, and the report lists nothing rather
    # than guess what its files were copied from.
    assert cli("export", "kyrgyzstan", tmp_path / "copy").returncode == 0
    assert cli("run", tmp_path / "copy", "-q", "--scale", "5000", "--until", "2010-03-31",
               "-o", tmp_path / "copy.h5").returncode == 0
    assert "scenario_builtin" not in xr.open_dataset(tmp_path / "copy.h5").attrs
    assert cli("report", tmp_path / "copy.h5", "-o", tmp_path / "copy.html").returncode == 0
    assert "What this run changed" not in (tmp_path / "copy.html").read_text()


def test_a_comparison_of_the_stock_alone_reports_and_one_without_it_is_refused(tmp_path: Path) -> None:
    """compare() keeps only the stock by default: the report shows what it holds instead of failing on the
    flows, and names the missing stock when even that is left out."""
    stock_only = migsim.compare({"a": "kyrgyzstan", "b": "kyrgyzstan"}, seeds=[1], processes=1, **FAST)
    text = migsim.report(stock_only, tmp_path / "stock.html").read_text()
    assert "Migrants abroad by destination" in text and "by origin region" not in text
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 3  # stock of each run and the difference
    no_stock = migsim.compare({"a": "kyrgyzstan", "b": "kyrgyzstan"}, seeds=[1], processes=1, variables=["returns"],
                              **FAST)
    with pytest.raises(migsim.ArgumentError, match="a: expected the output 'stock' for a report .* found only returns"):
        migsim.report(no_stock, tmp_path / "none.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stock.html"]


def test_report_of_a_comparison_pairs_runs_by_seed(comparison: migsim.Comparison, tmp_path: Path) -> None:
    text = migsim.report(comparison, tmp_path / "cmp.html").read_text()
    assert "Differences from baseline" in text
    assert "Paired by seed (3 seeds shared)" in text
    assert "median [10 %–90 %]" in text
    changes = text[text.index("What more's scenario sets differently"):]
    assert re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td>(.*?)</td></tr>",
                      changes[:changes.index("</table>")]) == [("behaviour.departure.base_rate", "0.01001", "0.015")]
    # The headline cell is the median over the runs of the yearly value, with its 10-90 % quantiles.
    base = comparison.runs.sel(scenario="baseline")
    values = _russia_abroad(base, 2010)
    cell = _cells(text, "Migrants abroad", "2010")[0]
    low, mid, high = np.quantile(values, [0.1, 0.5, 0.9])
    assert cell == f"{mid:,.0f} [{low:,.0f}–{high:,.0f}]"
    # The differences are quantiles of the per-seed differences, as Comparison.differences gives them.
    differences = comparison.differences("departures", freq="year")
    row = differences[differences["period"] == "2010"].iloc[0]
    table = text[text.index("more − baseline"):]
    cells = [html.unescape(c) for c in re.findall(r"<tr><td>2010</td>(.*?)</tr>", table, re.S)[0].split("</td>")]
    departures = re.sub("<[^>]+>", "", cells[1])
    assert row["q10"] > 1000  # more departures in every pair
    assert departures == f"{row['q50']:,.0f} [{row['q10']:,.0f}–{row['q90']:,.0f}]"


def test_a_comparison_saved_to_a_file_keeps_its_steps_and_each_scenario(comparison: migsim.Comparison,
                                                                         tmp_path: Path) -> None:
    """Saved with xarray and read back by `migsim report`: the steps' bounds travel with the runs (selecting
    variables dropped them, and reading the file warned), and so does each scenario as it was run."""
    assert "time_bnds" in comparison.runs.variables
    assert list(comparison.runs["scenario_yaml"].values) and "scenario_yaml" not in comparison.runs.attrs
    path = tmp_path / "cmp.nc"
    comparison.runs.to_netcdf(path, engine="h5netcdf")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = migsim.report(path, tmp_path / "cmp.html").read_text()
    assert "<td><code>behaviour.departure.base_rate</code></td><td>0.01001</td><td>0.015</td>" in text
    with xr.open_dataset(path, engine="h5netcdf") as saved:  # a scenario edited into something else
        broken = saved.load().assign_coords(scenario_yaml=("scenario", ["name: [unclosed", "- a list"]))
    text = migsim.report(broken, tmp_path / "broken.html").read_text()
    assert "no readable <code>scenario_yaml</code>" in text


def test_a_comparison_of_scenarios_with_different_tables_lists_the_table_it_changed(
        tmp_path: Path, scenario_copy: Callable[[str], Path]) -> None:
    """Attributes that differ between the scenarios are dropped when their runs are put together; the tables
    that differ travel along ``scenario`` like the resolved YAML, so the report still names them."""
    folder = scenario_copy("kyrgyzstan")
    rates = folder / "exchange_rates.csv"
    rates.write_text(rates.read_text().replace("2011-07-01,RUB,29.39", "2011-07-01,RUB,35.0"))
    comparison = migsim.compare({"baseline": "kyrgyzstan", "rouble": folder}, seeds=[1], processes=1, **FAST)
    runs = comparison.runs
    built_in, edited = runs["scenario_tables_exchange_rates"].values
    assert "2011-07-01,RUB,29.39" in built_in and edited == rates.read_text()
    assert "scenario_tables_exchange_rates" not in runs.attrs and "scenario_tables_wages" in runs.attrs
    assert "scenario_tables_wages" not in runs.coords  # the same in both: kept once
    text = migsim.report(comparison, tmp_path / "cmp.html").read_text()
    changes = text[text.index("rouble − baseline"):]
    assert "<td><code>table exchange_rates</code></td>" in changes
    assert "<code>table wages</code>" not in changes


def test_comparison_differences_are_quantiles_of_per_seed_differences(comparison: migsim.Comparison) -> None:
    frame = comparison.to_dataframe("returns", freq="year")
    assert {"scenario", "run", "seed", "period", "value"} <= set(frame.columns)
    base = frame[frame.scenario == "baseline"].set_index(["period", "seed"])["value"]
    other = frame[frame.scenario == "more"].set_index(["period", "seed"])["value"]
    per_seed = (other - base).xs("2010", level="period")
    differences = comparison.differences("returns", freq="year")
    row = differences[differences.period == "2010"].iloc[0]
    assert row["runs"] == len(SEEDS)
    assert [row["q10"], row["q50"], row["q90"]] == pytest.approx(list(np.quantile(per_seed, [0.1, 0.5, 0.9])))
    with pytest.raises(migsim.ArgumentError, match="baseline: expected one of baseline, more, found 'base'"):
        comparison.differences("returns", baseline="base")


def test_report_of_an_ensemble_and_of_files_from_the_command_line(
        cli: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    ensemble = migsim.Ensemble("kyrgyzstan", seeds=[5, 6], processes=1, **FAST)
    text = migsim.report(ensemble, tmp_path / "ens.html").read_text()
    assert "<th>seeds</th><td>5, 6</td>" in text and "median [10 %–90 %]" in text
    swept = migsim.Ensemble("kyrgyzstan", seeds=[5], sweep={"behaviour.return.base_rate": [0.3, 0.4]}, processes=1,
                            **FAST)
    text = migsim.report(swept, tmp_path / "swept.html").read_text()
    assert "The file records the scenario before the sweep overrides: the values each run swept" in text
    for name in ("a", "b"):
        assert cli("run", "kyrgyzstan", "-q", "--scale", "2000", "--until", "2010-12-31", "--seed", "1",
                   "-o", tmp_path / f"{name}.h5").returncode == 0
    proc = cli("report", tmp_path / "a.h5", tmp_path / "b.h5", "--labels", "first,second", "-o", tmp_path / "r.html")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "r.html").read_text()
    assert "second − first" in text and "Single runs" in text
    assert _cells(text, "Flows over the year", "2010")[0] != "–"
    difference = text[text.index("second − first"):]
    assert re.search(r"<tr><td>2010</td><td class=\"num\">0</td>", difference)  # same seed: no difference
    assert "The two scenarios are the same inputs" in difference
    bad = cli("report", tmp_path / "missing.h5", "-o", tmp_path / "x.html")
    assert bad.returncode == 2 and "missing.h5: no such file" in bad.stderr
    bad = cli("report", tmp_path / "a.h5", "-o", tmp_path / "x.pdf")
    assert bad.returncode == 2 and "expected a file ending in .html, found '.pdf'" in bad.stderr
    bad = cli("report", tmp_path / "a.h5", "--labels", "one,two", "-o", tmp_path / "x.html")
    assert bad.returncode == 2 and "labels: expected 1 labels" in bad.stderr
    assert not (tmp_path / "x.html").exists() and not list(tmp_path.glob(".*tmp"))


def test_headless_chromium_opens_the_reports_without_console_errors(
        comparison: migsim.Comparison, tmp_path: Path) -> None:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), \
        "chromium and chromium-driver are missing: `make test` installs them (tools/install-system-deps.sh)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    ensemble = comparison.runs.sel(scenario="more", drop=True)
    reports = {"comparison": migsim.report(comparison, tmp_path / "comparison.html"),
               "ensemble": migsim.report(ensemble, tmp_path / "ensemble.html", labels=["more departures"])}
    # Kept after the run for a person to look at (out/ is ignored by git); overwritten by the next run.
    kept = Path(__file__).resolve().parents[2] / "out" / "test-artefacts"
    artefacts = Path(os.environ.get("MIGSIM_TEST_ARTEFACTS", kept))
    artefacts.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        for name, path in reports.items():
            driver.get(path.resolve().as_uri())
            images = driver.execute_script(
                "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);")
            assert images and all(done and width > 300 and height > 100 for done, width, height in images), name
            assert driver.execute_script("return document.querySelectorAll('table.headline').length") >= 2
            errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
            assert errors == [], f"{name}: console messages {errors}"
            assert driver.save_screenshot(str(artefacts / f"report-{name}.png"))
            assert (artefacts / f"report-{name}.png").stat().st_size > 10_000
    finally:
        driver.quit()


def test_report_of_the_default_scenario_shows_its_fit_against_the_observed_series(tmp_path: Path) -> None:
    results = migsim.run("kyrgyzstan", seed=2, scale=1000, until="2016-12-31", quiet=True)
    text = migsim.report(results, tmp_path / "fit.html").read_text()
    assert "Fit against the observed series" in text
    table = migsim.fit_table(migsim.load_targets("kyrgyzstan").compare(results.to_xarray()))
    stock = table[(table["series"] == "stock_russia") & (table["period"] == "calibration")].iloc[0]
    assert f"<td>stock_russia</td><td>calibration</td><td class=\"num\">{int(stock.n)}</td>" \
           f"<td class=\"num\">MAPE {stock.mape:.1%}</td>" in text
    # A scenario without an observed record has no such section.
    other = migsim.report(migsim.run("covid-returns", seed=2, scale=2000, until="2019-12-31", quiet=True),
                          tmp_path / "other.html").read_text()
    assert "Fit against the observed series" not in other
