"""Saved states from the command line: `migsim run --save-state-at/--save-state-every/--resume`,
`migsim info` on a state, refused edits and bad state files (exit 2, nothing written), and
interrupts that keep the states already complete."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import xarray as xr

from conftest import _find_cli

COVID = ["covid-returns", "--scale", "1000", "--until", "2020-12-31"]


def _same_variables(a: Path, b: Path) -> list[str]:
    """Names of the variables that differ between two output files (NaN equal to NaN)."""
    with xr.open_dataset(a) as x, xr.open_dataset(b) as y:
        return [name for name in x.variables
                if not np.array_equal(x[name].values, y[name].values,
                                      equal_nan=x[name].dtype.kind == "f")]


def test_saved_state_resumes_and_branches_like_straight_runs(cli, tmp_path: Path) -> None:
    history = cli("run", *COVID, "-o", tmp_path / "history.h5", "--save-state-at", "2020-04-30",
                  "--save-state-at", "2020-02-01")
    assert history.returncode == 0, history.stderr
    state = tmp_path / "history.state-2020-04-30.h5"
    assert state.exists() and (tmp_path / "history.state-2020-02-01.h5").exists()
    assert f"state        {state}" in history.stdout
    info = cli("info", state)
    assert info.returncode == 0, info.stderr
    assert "migsim state file" in info.stdout and "the next step starts 2020-05-04" in info.stdout
    resumed = cli("run", "--resume", state, "-q", "--until", "2020-12-31", "-o", tmp_path / "resumed.h5")
    assert resumed.returncode == 0, resumed.stderr
    assert _same_variables(tmp_path / "history.h5", tmp_path / "resumed.h5") == []
    edit = "events.closure_russia.end=2020-06-01"
    branch = cli("run", "--resume", state, "-q", "--until", "2020-12-31", "--set", edit, "-o", tmp_path / "b.h5")
    assert branch.returncode == 0, branch.stderr
    straight = cli("run", *COVID, "-q", "--set", edit, "-o", tmp_path / "straight.h5")
    assert straight.returncode == 0, straight.stderr
    assert _same_variables(tmp_path / "b.h5", tmp_path / "straight.h5") == []
    with xr.open_dataset(tmp_path / "b.h5") as ds:
        assert ds.attrs["resumed_from_state"] == str(state)
    # An event that starts after the state's date may be left out: the branch is the straight run without it.
    unpaid = ["--without", "covid_builders_pay_2020"]
    branch = cli("run", "--resume", state, "-q", "--until", "2020-12-31", *unpaid, "-o", tmp_path / "w.h5")
    assert branch.returncode == 0, branch.stderr
    assert cli("run", *COVID, "-q", *unpaid, "-o", tmp_path / "w-straight.h5").returncode == 0
    assert _same_variables(tmp_path / "w.h5", tmp_path / "w-straight.h5") == []
    assert "remittances_usd" in _same_variables(tmp_path / "w.h5", tmp_path / "resumed.h5")


def test_save_state_every_names_states_by_their_date(cli, tmp_path: Path) -> None:
    states = tmp_path / "states"
    states.mkdir()
    result = cli("run", "covid-returns", "--scale", "2000", "--until", "2019-08-31", "-q", "-o", tmp_path / "r.h5",
                 "--save-state-every", "4", "--state-dir", states)
    assert result.returncode == 0, result.stderr
    # Steps start 2019-07-01 weekly: 10 steps to 2019-08-31, a state after steps 4 and 8.
    assert sorted(p.name for p in states.iterdir()) == ["r.state-2019-07-29.h5", "r.state-2019-08-26.h5"]


def test_refused_edits_and_arguments_exit_2_and_write_nothing(cli, tmp_path: Path) -> None:
    assert cli("run", *COVID, "-q", "-o", tmp_path / "h.h5", "--save-state-at", "2020-04-30").returncode == 0
    state = tmp_path / "h.state-2020-04-30.h5"
    out = tmp_path / "never.h5"
    cases = {
        ("--set", "events.closure_russia.start=2020-03-01"): "event 'closure_russia' start: 2020-03-18 in the state",
        ("--set", "population.initial_max_years_abroad=6"): "parameter population.initial_max_years_abroad",
        ("--seed", "5"): "the state was run with seed 1",
        ("--scale", "10"): "the state was run at scale 1000",
        ("--until", "2020-01-01"): "is before the state's date 2020-05-04",
        ("--save-state-at", "2020-02-01"): "already holds that step",
        ("--without", "closure_russia"): "event 'closure_russia' began before the state's date 2020-05-04 and is "
                                         "missing from the branch",
        ("--without", "closure_rusia"): "--without closure_rusia: no event labelled 'closure_rusia'; did you mean "
                                        "'closure_russia'?",
    }
    for args, message in cases.items():
        result = cli("run", "--resume", state, "-q", "-o", out, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    result = cli("run", "kyrgyzstan", "--resume", state, "-q", "-o", out)
    assert result.returncode == 2 and "give edits with --set instead of a scenario" in result.stderr
    result = cli("run", *COVID, "-q", "-o", out, "--save-state-at", "2030-01-01")
    assert result.returncode == 2 and "expected a date within the steps this run simulates" in result.stderr
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.h5", "h.state-2020-04-30.h5"]


def test_bad_state_files_exit_2_naming_the_file(cli, tmp_path: Path) -> None:
    assert cli("run", *COVID, "-q", "-o", tmp_path / "h.h5", "--save-state-at", "2020-04-30").returncode == 0
    good = (tmp_path / "h.state-2020-04-30.h5").read_bytes()
    (tmp_path / "truncated.h5").write_bytes(good[: len(good) // 2])
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 1
    (tmp_path / "flipped.h5").write_bytes(bytes(flipped))
    (tmp_path / "text.h5").write_text("hello\n")
    on_resume = {"truncated.h5": "truncated", "flipped.h5": "damaged", "text.h5": "expected a migsim state file",
                 "h.h5": "an HDF5 file (a migsim output file?"}
    on_info = {"truncated.h5": "truncated", "flipped.h5": "damaged", "text.h5": "cannot open as an HDF5 file"}
    for name, message in on_resume.items():
        result = cli("run", "--resume", tmp_path / name, "-q", "-o", tmp_path / "out.h5")
        assert result.returncode == 2, (name, result.stderr)
        assert f"{tmp_path / name}: " in result.stderr and message in result.stderr, result.stderr
    for name, message in on_info.items():
        result = cli("info", tmp_path / name)
        assert result.returncode == 2, (name, result.stderr)
        assert f"{tmp_path / name}: " in result.stderr and message in result.stderr, result.stderr
    assert not (tmp_path / "out.h5").exists()


def test_interrupt_keeps_complete_states_and_leaves_nothing_partial(tmp_path: Path) -> None:
    out = tmp_path / "run.h5"
    args = [_find_cli(), "run", "kyrgyzstan", "-q", "-o", str(out), "--scale", "50", "--save-state-every", "26"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("run.state-*.h5")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    assert proc.poll() is None, "the run ended before the signal"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    states = sorted(tmp_path.glob("run.state-*.h5"))
    assert states and not out.exists()
    assert sorted(tmp_path.iterdir()) == states  # no temporary file left
    for state in states:
        info = subprocess.run([_find_cli(), "info", str(state)], capture_output=True, text=True)
        assert info.returncode == 0, info.stderr
