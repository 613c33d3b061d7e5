"""Issue 16: nothing a file, an argument or a signal can do crashes migsim, escapes its folder or loses a
file (docs/reliability.md). Each test stands for a kind of defect: output targets that are not regular
files, planted links, stale temporary files, interrupts, damaged files, seeds at the edges."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import stat
import subprocess
import threading
import time
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import xarray as xr

import migsim
from migsim import _files
from conftest import REPO, SMALL, _find_cli

TINY = ["--scale", "1000", "--until", "2010-03-01"]


def _make_device(path: Path) -> None:
    """A character device like /dev/null (1, 3), made in a temporary folder; skips if not permitted."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("mknod is not permitted here")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# ------------------------------------------------------------------------------------------ resources


def _run_with_address_space(limit_bytes: int, *args: str) -> subprocess.CompletedProcess[str]:
    """The migsim program with RLIMIT_AS (ulimit -v) set to `limit_bytes` in the child only."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return subprocess.run([_find_cli(), *map(str, args)], capture_output=True, text=True, timeout=300,
                          preexec_fn=limit)


def test_a_run_that_cannot_fit_in_memory_is_refused_naming_the_estimate_and_the_limit(tmp_path: Path) -> None:
    # kyrgyzstan at scale 1 for the whole calendar: about 5 million agent slots, an estimated 300 MiB;
    # the program itself and its libraries take a little under 200 MiB of address space.
    out = tmp_path / "k.h5"
    refused = _run_with_address_space(320 << 20, "run", "kyrgyzstan", "--scale", "1", "-q", "-o", out)
    assert refused.returncode == 2, refused.stderr
    assert "memory: the run needs an estimated" in refused.stderr
    assert "RLIMIT_AS (ulimit -v, 320.0 MiB)" in refused.stderr and "--scale" in refused.stderr
    assert not out.exists() and _leftovers(tmp_path) == []
    # Under the same limit, the same scenario at scale 50 runs; the estimate is not a blanket refusal
    # (and no std::bad_alloc: the estimate holds at least what is allocated).
    fits = _run_with_address_space(320 << 20, "run", "kyrgyzstan", "--scale", "50", "--until", "2013-12-31", "-q",
                                   "-o", out)
    assert fits.returncode == 0, fits.stderr
    assert out.exists()


def test_nothing_is_reserved_for_steps_that_will_not_run(tmp_path: Path) -> None:
    # A year of kyrgyzstan at scale 1 fits where the whole calendar does not.
    out = tmp_path / "k.h5"
    whole = _run_with_address_space(400 << 20, "run", "kyrgyzstan", "--scale", "1", "-q", "-o", out)
    assert whole.returncode == 2 and "memory:" in whole.stderr
    year = _run_with_address_space(400 << 20, "run", "kyrgyzstan", "--scale", "1", "--until", "2010-12-31", "-q",
                                   "-o", out)
    assert year.returncode == 0, year.stderr


# ------------------------------------------------------------------------------------------- outputs


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink", "folder"])
def test_cli_writes_only_regular_files_or_new_paths(cli, tmp_path: Path, kind: str) -> None:
    target, victim = tmp_path / "out.h5", tmp_path / "victim"
    victim.write_text("precious")
    made = {"device": lambda: _make_device(target), "fifo": lambda: os.mkfifo(target),
            "symlink": lambda: target.symlink_to(victim), "folder": target.mkdir}
    made[kind]()
    before = os.lstat(target)
    started = time.monotonic()
    result = cli("run", "-q", "-o", target, *SMALL, timeout=60)
    assert result.returncode == 2, result.stderr
    expected = {"device": "cannot write {}: it is a character device", "fifo": "cannot write {}: it is a FIFO",
                "symlink": "cannot write {}: it is a symbolic link", "folder": "-o {}: is a folder"}[kind]
    assert expected.format(target) in result.stderr
    assert time.monotonic() - started < 10  # refused before the run, not after it
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
    assert victim.read_text() == "precious" and _leftovers(tmp_path) == []


def test_cli_checks_the_output_folder_can_be_written_before_the_run(cli, tmp_path: Path) -> None:
    # Root may write anywhere a mode allows; /proc refuses new files even to root.
    folder = Path("/proc") if os.geteuid() == 0 else tmp_path / "read-only"
    if folder != Path("/proc"):
        folder.mkdir()
        folder.chmod(0o555)
    started = time.monotonic()
    result = cli("run", "-q", "-o", folder / "x.h5", "--scale", "50", timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"cannot create a file in the folder {folder}" in result.stderr
    assert time.monotonic() - started < 10  # the full run at scale 50 would take far longer


def test_cli_reports_stale_temporary_files_and_still_writes(cli, tmp_path: Path) -> None:
    stale = [tmp_path / ".out.h5.0123456789ab.tmp", tmp_path / ".out.h5.tmp-4242"]
    for path in stale:
        path.write_text("left by a killed run")
    result = cli("run", "-q", "-o", tmp_path / "out.h5", *TINY)
    assert result.returncode == 0, result.stderr
    assert "warning: temporary files of earlier, interrupted writes" in result.stderr
    assert all(str(path) in result.stderr for path in stale)
    assert (tmp_path / "out.h5").is_file() and all(path.exists() for path in stale)  # reported, not removed


def test_a_scenario_name_cannot_steer_the_output_out_of_out(cli, tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text("extends: kyrgyzstan\nname: ../../escaped\n")
    result = cli("run", "-q", folder, *TINY, cwd=folder)
    assert result.returncode == 0, result.stderr
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("*.h5")]
    assert len(written) == 1 and written[0].parts[:3] == ("a", "b", "out"), written
    assert "/" not in written[0].name and not written[0].name.startswith(".")


def _results() -> migsim.Results:
    return migsim.run("kyrgyzstan", scale=1000, until="2010-03-01", quiet=True)


@pytest.fixture(scope="module")
def small_results() -> migsim.Results:
    return _results()


@pytest.mark.parametrize("kind", ["device", "fifo", "symlink"])
def test_python_saves_write_only_regular_files(small_results: migsim.Results, tmp_path: Path, kind: str) -> None:
    target, victim = tmp_path / "out.h5", tmp_path / "victim"
    victim.write_text("precious")
    {"device": lambda: _make_device(target), "fifo": lambda: os.mkfifo(target),
     "symlink": lambda: target.symlink_to(victim)}[kind]()
    with pytest.raises(migsim.OutputError, match="only replaces regular files"):
        small_results.save(target)
    ensemble = migsim.Ensemble("kyrgyzstan", seeds=1, scale=1000, until="2010-03-01", quiet=True, processes=1)
    with pytest.raises(migsim.OutputError, match="only replaces regular files"):
        ensemble.save(target)  # refused before the ensemble runs
    assert victim.read_text() == "precious" and not stat.S_ISREG(os.lstat(target).st_mode)
    assert _leftovers(tmp_path) == []


def test_outputs_are_written_only_under_an_hdf5_or_netcdf_name(cli, small_results: migsim.Results,
                                                                tmp_path: Path) -> None:
    """`-o results.csv` ran the whole scenario and wrote HDF5 under a CSV name; now it is refused before the run,
    from the command line and from Python alike (one rule, the engine's)."""
    expected = "expected a file ending in .h5, .nc, .hdf5 or .nc4 (HDF5, netCDF-4), found '.csv'"
    started = time.monotonic()
    result = cli("run", "-q", "-o", tmp_path / "results.csv", *SMALL, timeout=60)
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    assert "`migsim table` writes tables" in result.stderr and time.monotonic() - started < 10
    with pytest.raises(migsim.OutputError, match=re.escape(expected)):
        small_results.save(tmp_path / "results.csv")
    ensemble = migsim.Ensemble("kyrgyzstan", seeds=1, scale=1000, until="2010-03-01", quiet=True, processes=1)
    with pytest.raises(migsim.OutputError, match="found no extension"):
        ensemble.save(tmp_path / "results")
    assert ensemble._dataset is None  # refused before the ensemble ran
    with pytest.raises(migsim.OutputError, match=re.escape(expected.replace(".csv", ".txt"))):
        migsim.Simulation("kyrgyzstan", scale=1000, until="2010-03-01").save_state(tmp_path / "state.txt")
    assert sorted(tmp_path.iterdir()) == []
    small_results.save(tmp_path / "results.NC")  # any case
    assert [p.name for p in tmp_path.iterdir()] == ["results.NC"]


def test_python_save_never_writes_through_a_link_planted_at_the_temporary_name(
    small_results: migsim.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / ".out.h5.planted.tmp").symlink_to(victim)
    names: Iterator[str] = iter(["0probe0", "planted", "fresh"])
    monkeypatch.setattr(_files.secrets, "token_hex", lambda _: next(names))
    small_results.save(tmp_path / "out.h5")
    assert victim.read_text() == "precious"
    assert (tmp_path / ".out.h5.planted.tmp").is_symlink()
    with xr.open_dataset(tmp_path / "out.h5") as ds:
        assert ds.sizes["time"] == small_results.to_xarray().sizes["time"]


def test_python_save_warns_about_stale_temporary_files(small_results: migsim.Results, tmp_path: Path) -> None:
    (tmp_path / ".out.h5.abcdef012345.tmp").write_text("")
    with pytest.warns(_files.StaleTemporaryFileWarning, match=r"\.out\.h5\.abcdef012345\.tmp"):
        small_results.save(tmp_path / "out.h5")
    assert (tmp_path / "out.h5").is_file()


def test_scenario_save_stages_in_an_unpredictable_folder(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (tmp_path / "mine.partial").symlink_to(victim)  # the old, predictable staging name
    saved = migsim.Scenario.load("kyrgyzstan").save(tmp_path / "mine")
    assert (saved / "scenario.yaml").is_file() and list(victim.iterdir()) == []
    assert migsim.Scenario.load(saved).name == "kyrgyzstan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "mine.partial", "victim"]


# ------------------------------------------------------------------------------------------- seeds


def test_seeds_span_0_to_2_64_minus_1_and_replay_exactly(cli, tmp_path: Path) -> None:
    big = 2**63
    for name, seed in (("a", big), ("b", big), ("max", 2**64 - 1)):
        result = cli("run", "-q", "-o", tmp_path / f"{name}.h5", "--seed", seed, *TINY)
        assert result.returncode == 0, result.stderr
    with xr.open_dataset(tmp_path / "a.h5") as a, xr.open_dataset(tmp_path / "b.h5") as b:
        assert int(a.attrs["seed"]) == big  # recorded as itself, not as a negative number
        replay = cli("run", "-q", "-o", tmp_path / "c.h5", "--seed", int(a.attrs["seed"]), *TINY)
        assert replay.returncode == 0
        np.testing.assert_array_equal(a.stock.values, b.stock.values)
    with xr.open_dataset(tmp_path / "max.h5") as m:
        assert int(m.attrs["seed"]) == 2**64 - 1
    assert f"seed: {big}" in cli("info", tmp_path / "a.h5").stdout
    # The same seed written in a scenario file (run.seed) gives the same run as --seed.
    (tmp_path / "seeded").mkdir()
    (tmp_path / "seeded" / "scenario.yaml").write_text(f"extends: kyrgyzstan\nrun: {{seed: {2**64 - 1}}}\n")
    from_file = cli("run", "-q", "-o", tmp_path / "file.h5", tmp_path / "seeded", *TINY)
    assert from_file.returncode == 0, from_file.stderr
    with xr.open_dataset(tmp_path / "file.h5") as f, xr.open_dataset(tmp_path / "max.h5") as m:
        assert int(f.attrs["seed"]) == 2**64 - 1
        np.testing.assert_array_equal(f.stock.values, m.stock.values)
    assert migsim.Scenario.load(tmp_path / "seeded").get("run.seed") == 2**64 - 1


@pytest.mark.parametrize("seed", ["18446744073709551616", "-1", "1e3", "+5", "99999999999999999999999"])
def test_seeds_outside_64_bits_are_refused(cli, tmp_path: Path, seed: str) -> None:
    result = cli("run", "-q", "-o", tmp_path / "x.h5", "--seed", seed, *TINY)
    assert result.returncode == 2
    assert f"--seed: expected a whole number from 0 to 18446744073709551615 (2^64-1), found '{seed}'" in result.stderr
    assert not (tmp_path / "x.h5").exists()


def test_python_seeds_span_64_bits() -> None:
    with pytest.raises(migsim.ArgumentError, match="seed: expected a whole number from 0 to 18446744073709551615"):
        migsim.RunSettings(seed=2**64)
    assert migsim.RunSettings(seed=2**64 - 1).seed == 2**64 - 1
    results = migsim.run("kyrgyzstan", seed=2**63 + 5, scale=1000, until="2010-03-01", quiet=True)
    assert int(results.to_xarray().attrs["seed"]) == 2**63 + 5


# ------------------------------------------------------------------------------------------- interrupts


@pytest.mark.parametrize(("sig", "quiet"), [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, True)])
def test_cli_interrupt_stops_within_a_second_and_leaves_no_file(tmp_path: Path, sig: int, quiet: bool) -> None:
    out = tmp_path / "interrupted.h5"
    args = [_find_cli(), "run", *(["-q"] if quiet else []), "-o", str(out), "--scale", "20"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert proc.poll() is None, "the run ended before the signal"
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 128 + sig, err
    assert "interrupted by SIG" in err and "no output file was written" in err
    assert list(tmp_path.iterdir()) == []


def _interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_quiet_python_run_stops_on_ctrl_c_and_continues_to_the_same_results() -> None:
    sim = migsim.Simulation("kyrgyzstan", seed=3, scale=60)
    timer = _interrupt_after(0.5)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        sim.run(quiet=True)
    timer.join()
    assert time.monotonic() - started < 1.5  # 0.5 s to the signal, well under a second after it
    assert 0 < sim.steps_done < sim.total_steps
    continued = sim.run(quiet=True).to_xarray()
    whole = migsim.Simulation("kyrgyzstan", seed=3, scale=60).run(quiet=True).to_xarray()
    for name in whole.data_vars:
        np.testing.assert_array_equal(continued[name].values, whole[name].values, err_msg=name)


# ------------------------------------------------------------------------------------------- damaged files


def test_info_on_damaged_files_never_crashes(cli, tmp_path: Path) -> None:
    good = tmp_path / "good.h5"
    assert cli("run", "-q", "-o", good, *TINY).returncode == 0
    original = good.read_bytes()
    rng = random.Random(16)
    damaged = tmp_path / "damaged.h5"
    outcomes = {0: 0, 2: 0}
    for case in range(80):
        data = bytearray(original)
        if case % 5 == 4:
            del data[rng.randrange(len(data)):]
        else:
            # Half the cases flip bytes in the first 8 KiB (superblock, root group, links), the others
            # anywhere after the signature (attributes, names, data).
            window = (0, min(len(data), 8192)) if case % 2 else (48, len(data))
            for _ in range(1 + case % 6):
                data[rng.randrange(*window)] ^= rng.randrange(1, 256)
        damaged.write_bytes(bytes(data))
        result = cli("info", damaged, timeout=120)  # text=True: the description must stay valid UTF-8
        assert result.returncode in (0, 2), (case, result.returncode, result.stderr)
        outcomes[result.returncode] += 1
        if result.returncode == 2:
            assert str(damaged) in result.stderr
            assert "did not finish" not in result.stderr  # counts read from the file are checked, not trusted
    assert outcomes[2] > 0


# ------------------------------------------------------------------------------------------- paths and values


def test_tables_outside_the_scenario_folder_need_an_explicit_opt_in(cli, scenario_copy, tmp_path: Path) -> None:
    folder = scenario_copy("kyrgyzstan")
    outside = tmp_path / "elsewhere.csv"
    outside.write_text((folder / "regions.csv").read_text())
    refused = cli("validate", folder, "--set", f"tables.regions={outside}")
    assert refused.returncode == 2
    assert f"{outside}: outside the scenario's folder" in refused.stderr and "--allow-outside-paths" in refused.stderr
    allowed = cli("validate", folder, "--set", f"tables.regions={outside}", "--allow-outside-paths")
    assert allowed.returncode == 0, allowed.stderr
    with pytest.raises(migsim.ScenarioError, match="outside the scenario's folder"):
        migsim.Scenario.load(folder).set("tables.regions", str(outside))
    sc = migsim.Scenario.load(folder, allow_outside_paths=True).set("tables.regions", str(outside))
    assert sc.copy().get("tables.regions") == str(outside)  # the opt-in travels with copies


def test_a_fifo_or_a_binary_table_is_named_not_read(cli, scenario_copy) -> None:
    folder = scenario_copy("kyrgyzstan")
    os.mkfifo(folder / "pipe.csv")
    (folder / "binary.csv").write_bytes(b"code,name\x00\x01secret")
    fifo = cli("validate", folder, "--set", "tables.regions=pipe.csv", timeout=30)
    assert fifo.returncode == 2 and "pipe.csv: it is a FIFO (named pipe)" in fifo.stderr
    binary = cli("validate", folder, "--set", "tables.regions=binary.csv")
    assert binary.returncode == 2 and "binary.csv:1: column 10: a NUL byte" in binary.stderr
    assert "secret" not in binary.stderr


def test_invalid_utf8_in_a_label_is_refused_before_the_run(cli, scenario_copy, tmp_path: Path) -> None:
    folder = scenario_copy("kyrgyzstan")
    text = (folder / "regions.csv").read_bytes()
    line = text[: text.index(b"Bishkek")].count(b"\n") + 1
    (folder / "regions.csv").write_bytes(text.replace(b"Bishkek", b"Bish\xffkek", 1))
    result = cli("run", "-q", folder, "-o", tmp_path / "x.h5", *TINY)
    assert result.returncode == 2
    assert f"regions.csv:{line}: column" in result.stderr and "is not valid UTF-8" in result.stderr
    assert not (tmp_path / "x.h5").exists()


def test_free_text_is_taken_literally_from_set_and_python(cli) -> None:
    result = cli("validate", "kyrgyzstan", "--set", "events.eaeu_russia.source=MVD: 2021")
    assert result.returncode == 0, result.stderr
    sc = migsim.Scenario.load("kyrgyzstan")
    sc.set("events.eaeu_russia.source", "MVD: 2021")
    assert sc.event("eaeu_russia").source == "MVD: 2021"
    refused = cli("validate", "kyrgyzstan", "--set", "description=bell\x07")
    assert refused.returncode == 2 and "--set description:1: column 5: the control character 0x07" in refused.stderr


@pytest.mark.parametrize(("body", "message"), [
    ("extends: kyrgyzstan\n? [a]\n: 1\n", "scenario.yaml:2: unexpected YAML structure"),
    ("extends: kyrgyzstan\ncalendar:\n  ? {a: 1}\n  : 2\n", "scenario.yaml:3: unexpected YAML structure"),
    ("extends: kyrgyzstan\nremove_events: [[a]]\n",
     "scenario.yaml:2: key 'remove_events': expected event labels, found a list"),
    ("extends: kyrgyzstan\ntables:\n  ? [x]\n  : y\n", "scenario.yaml:3: unexpected YAML structure"),
])
def test_structural_yaml_errors_are_input_errors_naming_file_and_line(cli, tmp_path: Path, body: str,
                                                                      message: str) -> None:
    (tmp_path / "scenario.yaml").write_text(body)
    result = cli("validate", tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr


def test_events_after_the_calendar_are_refused_in_the_file_and_left_out_with_a_warning_from_a_base(
        cli, tmp_path: Path) -> None:
    # The file's own event in 2205 (a mistyped year): refused, naming the file and line.
    (tmp_path / "typo").mkdir()
    (tmp_path / "typo" / "scenario.yaml").write_text(
        "extends: kyrgyzstan\nevents:\n"
        "  - {type: exchange_rate, label: typo, start: 2205-01-01, currency: RUB, factor: 2}\n")
    refused = cli("validate", tmp_path / "typo")
    assert refused.returncode == 2
    assert f"{tmp_path / 'typo' / 'scenario.yaml'}:3: event 'typo': start 2205-01-01 is after the scenario ends" \
        in refused.stderr
    # A base's events after a shortened calendar: left out, with a warning, and the run goes on.
    out = tmp_path / "short.h5"
    short = cli("run", "-q", "kyrgyzstan", "--set", "calendar.end=2012-12-31", "--scale", "2000", "-o", out)
    assert short.returncode == 0, short.stderr
    warnings = [line for line in short.stderr.splitlines() if line.startswith("migsim: warning:")]
    cut = "after this scenario ends (2012-12-31, calendar.end set by --set or Scenario.set); left out"
    assert warnings and all(cut in w for w in warnings)
    labels = xr.open_dataset(out)["event"].values.tolist()
    full = migsim.Scenario.load("kyrgyzstan")
    kept = [e.label for e in full.events if str(e.start) <= "2012-12-31"]
    assert labels == kept and len(warnings) == len(full.events) - len(kept)


def test_python_shows_the_events_a_shortened_calendar_leaves_out(tmp_path: Path) -> None:
    # A derived file that sets its own end leaves its base's later events out without a word.
    (tmp_path / "short").mkdir()
    (tmp_path / "short" / "scenario.yaml").write_text("extends: kyrgyzstan\ncalendar: {end: 2012-12-31}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", migsim.ScenarioWarning)
        assert migsim.Scenario.load(tmp_path / "short").warnings == []
        assert migsim.Scenario.load("covid-returns").warnings == []  # a built-in loads cleanly
    # Cutting the calendar by an edit says what it leaves out.
    with pytest.warns(migsim.ScenarioWarning, match=r"after this scenario ends \(2012-12-31, calendar.end set by "
                                                    r"--set or Scenario.set\); left out") as shown:
        sc = migsim.Scenario.load("kyrgyzstan", calendar__end="2012-12-31")
    assert [str(w.message) for w in shown] == sc.warnings and sc.warnings
    # A change shows only what it adds: shortening further leaves out more events, each shown once.
    before = len(sc.warnings)
    with pytest.warns(migsim.ScenarioWarning) as more:
        sc.set("calendar.end", "2011-06-30")
    assert len(more) == len(sc.warnings) - before > 0
    with warnings.catch_warnings():  # an unrelated edit shows nothing again
        warnings.simplefilter("error", migsim.ScenarioWarning)
        sc.set("behaviour.departure.base_rate", 0.02)


def _numeric_columns(table: Path) -> list[str]:
    """The columns of a table whose first row holds a number: every one must have bounds."""
    header, first = table.read_text().splitlines()[:2]
    numeric = []
    for column, cell in zip(header.split(","), first.split(",")):
        try:
            float(cell)
        except ValueError:
            continue
        numeric.append(column)
    return numeric


def test_every_number_in_every_table_must_be_finite_and_inside_its_bounds(tmp_path: Path) -> None:
    """The audit of CSV numbers: each numeric column of every table `kyrgyzstan` reads (all eight kinds)
    refuses non-finite values and values beyond any plausible bound, naming the file, line and column."""
    checked = 0
    for table in sorted((REPO / "scenarios" / "kyrgyzstan").glob("*.csv")):
        for column in _numeric_columns(table):
            for bad in ("nan", "inf", "-inf", "1e309", "1e300", "-1e300"):
                folder = tmp_path / f"{table.stem}-{column}-{bad}"
                shutil.copytree(REPO / "scenarios" / "kyrgyzstan", folder, ignore=shutil.ignore_patterns("observed"))
                lines = (folder / table.name).read_text().splitlines()
                header = lines[0].split(",")
                cells = lines[1].split(",")
                cells[header.index(column)] = bad
                lines[1] = ",".join(cells)
                (folder / table.name).write_text("\n".join(lines) + "\n")
                with pytest.raises(migsim.TableError) as refused:
                    migsim.Scenario.load(folder)
                assert f"{table.name}:2: column '{column}': expected a number" in str(refused.value), (table, bad)
                shutil.rmtree(folder)
                checked += 1
    assert checked >= 6 * 10  # wages, rates, unemployment, stock, routes (3), regions (2), sectors (2)
