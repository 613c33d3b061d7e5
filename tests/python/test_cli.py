"""The command-line program: runs, summaries, and clear failures on bad input."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from conftest import SMALL, _find_cli


def test_run_default_scenario_writes_a_file_xarray_opens(cli, tmp_path: Path) -> None:
    out = tmp_path / "run.h5"
    result = cli("run", "-o", out, *SMALL)
    assert result.returncode == 0, result.stderr
    assert "agent-steps per second" in result.stdout
    assert str(out) in result.stdout
    with xr.open_dataset(out) as ds:
        assert set(ds.location_country.values) >= {"KG", "RU", "KZ", "TR", "KR"}
        assert ds.sizes["origin"] == 9
        assert ds.sizes["location"] >= 9 + 12
        assert np.issubdtype(ds.time.dtype, np.datetime64)
        assert str(ds.time.values[0])[:10] == "2010-01-01"
        # Conservation: nobody is lost or duplicated at any step.
        total = ds.stock.sum(["location", "status"])
        np.testing.assert_array_equal(total.values, ds.population.values)
        assert (ds.remittances_usd >= 0).all() and ds.remittances_usd.sum() > 0
        assert (ds.departures >= 0).all() and ds.departures.sum() > 0
        assert ds.attrs["seed"] == 1 and ds.attrs["scale"] == 500
        assert "behaviour:" in ds.attrs["scenario_yaml"]
        assert ds.attrs["migsim_version"]


def test_outputs_are_in_people_whatever_the_scale(cli, tmp_path: Path) -> None:
    totals = {}
    for scale in (200, 1000):
        out = tmp_path / f"s{scale}.h5"
        assert cli("run", "-q", "-o", out, "--scale", scale, "--until", "2010-03-01").returncode == 0
        with xr.open_dataset(out) as ds:
            totals[scale] = int(ds.population.isel(time=0).sum())
    assert totals[200] == pytest.approx(totals[1000], rel=0.01)
    assert 3_000_000 < totals[200] < 4_000_000


def test_same_seed_same_bytes_any_thread_count(cli, tmp_path: Path) -> None:
    arrays = []
    for threads in (1, 2, 4):
        out = tmp_path / f"t{threads}.h5"
        assert cli("run", "-q", "-o", out, "--threads", threads, *SMALL).returncode == 0
        with xr.open_dataset(out) as ds:
            arrays.append({name: ds[name].values.copy() for name in ds.data_vars})
    for other in arrays[1:]:
        for name, values in arrays[0].items():
            np.testing.assert_array_equal(values, other[name], err_msg=name)


def test_another_seed_gives_another_result(cli, tmp_path: Path) -> None:
    stocks = []
    for seed in (1, 2):
        out = tmp_path / f"seed{seed}.h5"
        assert cli("run", "-q", "-o", out, "--seed", seed, *SMALL).returncode == 0
        with xr.open_dataset(out) as ds:
            stocks.append(ds.departures.values.copy())
    assert not np.array_equal(stocks[0], stocks[1])


def test_set_override_changes_the_run(cli, tmp_path: Path) -> None:
    low, high = tmp_path / "low.h5", tmp_path / "high.h5"
    assert cli("run", "-q", "-o", low, *SMALL, "--set", "behaviour.departure.base_rate=0.005").returncode == 0
    assert cli("run", "-q", "-o", high, *SMALL, "--set", "behaviour.departure.base_rate=0.02").returncode == 0
    with xr.open_dataset(low) as a, xr.open_dataset(high) as b:
        assert int(b.departures.sum()) > int(a.departures.sum())
        assert "base_rate: 0.02" in b.attrs["scenario_yaml"]


def test_without_leaves_an_event_out_as_the_python_api_does(cli, tmp_path: Path) -> None:
    import migsim

    with_quota, without = tmp_path / "with.h5", tmp_path / "without.h5"
    assert cli("run", "-q", "-o", with_quota, *SMALL).returncode == 0
    run = cli("run", "-q", "-o", without, *SMALL, "--without", "quota_russia_2010", "--without", "quota_russia_2010")
    assert run.returncode == 0, run.stderr
    scenario = migsim.Scenario.load("kyrgyzstan")
    scenario.remove_event("quota_russia_2010")
    api = migsim.run(scenario, scale=500, until="2011-12-31", quiet=True).to_xarray()
    with xr.open_dataset(with_quota) as a, xr.open_dataset(without) as b:
        assert "quota_russia_2010" in a.attrs["scenario_yaml"] and "quota_russia_2010" not in b.attrs["scenario_yaml"]
        assert int(b.quota_remaining.notnull().sum()) < int(a.quota_remaining.notnull().sum())  # the quota is gone
        for name in ("stock", "departures", "returns", "remittances_usd"):
            assert np.array_equal(b[name].values, api[name].values), name
    validate = cli("validate", "kyrgyzstan", "--without", "quota_russia_2010")
    counted = cli("validate", "kyrgyzstan")
    events = [int(p.stdout.rsplit(";", 1)[1].split()[0]) for p in (validate, counted)]
    assert events[0] == events[1] - 1
    for args, message in [
        (["--without", "quota_rusia_2010"], "--without quota_rusia_2010: no event labelled 'quota_rusia_2010'; did "
                                            "you mean 'quota_russia_2010'?"),
        (["--without", "quota_russia_2010", "--set", "events.quota_russia_2010.limit=5"],
         "--set events.quota_russia_2010.limit: the event 'quota_russia_2010' is left out by --without"),
        (["--without", "-q"], "--without: expected an event label, found the option '-q'"),
    ]:
        refused = cli("run", "-q", "-o", tmp_path / "never.h5", *SMALL, *args)
        assert refused.returncode == 2 and message in refused.stderr, refused.stderr
    assert not (tmp_path / "never.h5").exists()


def test_scenarios_validate_and_info(cli, tmp_path: Path) -> None:
    listing = cli("scenarios")
    assert listing.returncode == 0 and "kyrgyzstan" in listing.stdout
    check = cli("validate", "kyrgyzstan")
    assert check.returncode == 0 and check.stdout.startswith("ok: kyrgyzstan")
    out = tmp_path / "info.h5"
    assert cli("run", "-q", "-o", out, "--scale", "1000", "--until", "2010-02-01").returncode == 0
    info = cli("info", out)
    assert info.returncode == 0
    assert "stock" in info.stdout and "scenario_name: kyrgyzstan" in info.stdout


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("scenario.yaml", "start: 2010-01-01", "strat: 2010-01-01", ["strat", "did you mean", "calendar.start"]),
        ("scenario.yaml", "start: 2010-01-01", "start: 2010-13-01", ["calendar.start", "2010-13-01", "expected a date"]),
        ("scenario.yaml", "end: 2025-12-31", "end: 2009-12-31", ["calendar.end", "2009-12-31"]),
        ("regions.csv", ",origin,", ",origin,-", ["regions.csv:", "working_age_population", "expected a number"]),
        ("routes.csv", "bishkek,moscow,", "bishkek,moskow,", ["routes.csv:", "moskow", "did you mean 'moscow'"]),
        ("wages.csv", "2010-07-01", "2010-07-32", ["wages.csv:", "2010-07-32"]),
    ],
)
def test_broken_scenario_exits_2_with_a_clear_message_and_no_output(
    cli, scenario_copy, tmp_path: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    folder = scenario_copy("kyrgyzstan")
    _replace(folder / file, old, new)
    out = tmp_path / "never.h5"
    result = cli("run", folder, "-o", out, "--scale", "1000")
    assert result.returncode == 2, result.stderr
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert not out.exists()
    assert list(tmp_path.glob("*.h5")) == [] and list(tmp_path.glob(".*tmp*")) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--threads", "-1"],
        ["--scale", "0"],
        ["--until", "2040-01-01"],
        ["--until", "yesterday"],
        ["--set", "behaviour.departure.base_rat=0.1"],
        ["--set", "behaviour.departure.base_rate=fast"],
        ["--set", "nonsense"],
        ["no-such-scenario"],
        ["-o", "/nonexistent-folder/x.h5"],
    ],
)
def test_bad_arguments_exit_2(cli, tmp_path: Path, args: list[str]) -> None:
    result = cli("run", *args, "-q") if args[0] == "no-such-scenario" else cli("run", "-q", "-o", tmp_path / "x.h5", *args)
    if args[0] == "-o":
        result = cli("run", "-q", *args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert result.stderr.strip(), "a message is expected"
    assert not (tmp_path / "x.h5").exists()


def test_info_on_a_missing_file_exits_2(cli, tmp_path: Path) -> None:
    result = cli("info", tmp_path / "missing.h5")
    assert result.returncode == 2
    assert "missing.h5" in result.stderr


def test_interrupted_run_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "interrupted.h5"
    proc = subprocess.Popen([_find_cli(), "run", "-q", "-o", str(out), "--scale", "20"], cwd=tmp_path)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not out.exists()


def test_quiet_run_prints_nothing_even_with_more_threads_than_cores(cli, tmp_path: Path) -> None:
    result = cli("run", "-q", "-o", tmp_path / "q.h5", "--threads", "8", "--scale", "1000", "--until", "2010-03-01")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr == ""


def test_an_empty_output_path_or_absurd_thread_count_exits_2_before_running(cli, tmp_path: Path) -> None:
    empty = cli("run", "-o", "", *SMALL, cwd=tmp_path)
    assert empty.returncode == 2
    assert "-o: expected a file path, found an empty string" in empty.stderr
    assert not (tmp_path / "out").exists()  # not silently the default output
    threads = cli("run", "-q", "-o", tmp_path / "t.h5", "--threads", "100000", *SMALL)
    assert threads.returncode == 2
    assert "threads: expected 0 (all cores) to" in threads.stderr and "found 100000" in threads.stderr
    assert not (tmp_path / "t.h5").exists()
    # CLI11's own check named its range as doubles ("Value 0 not in range 0.000000 to 17976931348623...").
    for option, value, least in (("--scale", "0", 1), ("--scale", "1.5", 1), ("--threads", "-1", 0),
                                 ("--save-state-every", "0", 1)):
        bad = cli("run", "-q", "-o", tmp_path / "t.h5", *SMALL, option, value)
        assert bad.returncode == 2
        assert f"{option}: expected a whole number of at least {least}, found '{value}'" in bad.stderr, bad.stderr
    assert not (tmp_path / "t.h5").exists()


def test_a_currency_worth_nothing_is_refused(cli, tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(
        "extends: kyrgyzstan\nevents:\n"
        "  - {type: exchange_rate, label: worthless, start: 2011-01-01, currency: RUB, factor: 0}\n")
    result = cli("run", "-q", "-o", tmp_path / "z.h5", tmp_path, *SMALL)
    assert result.returncode == 2
    assert "factor' (label 'worthless'): expected a number above 0" in result.stderr
    assert not (tmp_path / "z.h5").exists()
