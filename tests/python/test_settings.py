"""migsim.RunSettings: one set of run settings for every entry point, with the scenario's scale by default."""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path

import pytest

import migsim

TOY = str(Path(__file__).resolve().parents[1] / "data" / "policy-toy")  # weekly steps 2020-01-01 .. 2022-12-28
# kyrgyzstan at one agent per 2000 people, given as the scenario's own run.scale: no scale is passed anywhere.
COARSE = migsim.Scenario.load("kyrgyzstan", run__scale=2000)


def test_defaults_and_checks() -> None:
    settings = migsim.RunSettings()
    assert (settings.seed, settings.scale, settings.threads, settings.until, settings.quiet, settings.mpi,
            settings.processes) == (1, None, None, None, False, False, None)
    assert migsim.RunSettings(until=datetime.date(2011, 1, 1)).until == "2011-01-01"
    assert migsim.RunSettings(scale=100).replace(quiet=True) == migsim.RunSettings(scale=100, quiet=True)
    for field, value in [("seed", -1), ("scale", 0), ("threads", 1.5), ("until", "2011-02-30"), ("quiet", 1),
                         ("processes", 0)]:
        with pytest.raises(migsim.ArgumentError, match=f"^{field}: "):
            migsim.RunSettings(**{field: value})
    with pytest.raises(TypeError):
        migsim.RunSettings(100)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        settings.scale = 100  # type: ignore[misc]


def test_the_scale_is_the_scenarios_unless_given() -> None:
    """migsim.run, like `migsim run`, takes the scenario's run.scale (and run.seed with seed=None)."""
    results = migsim.run(COARSE, until="2010-03-01", quiet=True)
    assert results.provenance["scale"] == 2000
    assert migsim.run(COARSE, scale=1000, until="2010-03-01", quiet=True).provenance["scale"] == 1000
    sim = migsim.Simulation(COARSE, seed=None, until="2010-03-01")
    assert (sim.settings.scale, sim.settings.seed) == (2000, COARSE.get("run.seed"))
    ens = migsim.Ensemble(COARSE, seeds=[1, 2], until="2010-03-01", processes=1, quiet=True, variables=["stock"])
    assert ens.settings.scale is None and ens.settings.threads == 1
    assert ens.run().attrs["scale"] == 2000


def test_settings_and_keywords_give_the_same_runs() -> None:
    settings = migsim.RunSettings(seed=3, scale=2000, until="2010-06-30", threads=1, quiet=True)
    by_settings = migsim.run("kyrgyzstan", settings=settings).to_xarray()
    by_keywords = migsim.run("kyrgyzstan", seed=3, scale=2000, until="2010-06-30", threads=1, quiet=True).to_xarray()
    assert by_settings.stock.equals(by_keywords.stock)
    # A keyword given wins over the settings, even when it is the default value.
    results = migsim.run("kyrgyzstan", settings=settings.replace(seed=5), seed=1)
    assert results.provenance["seed"] == 1
    sim = migsim.Simulation("kyrgyzstan", settings=settings, until="2010-03-01")
    assert sim.settings.until == "2010-03-01" and sim.settings.seed == 3 and sim.settings.scale == 2000
    sim.run()  # quiet from the settings
    assert sim.done


def test_every_entry_point_takes_settings(capsys: pytest.CaptureFixture[str]) -> None:
    settings = migsim.RunSettings(scale=2000, until="2010-03-01", quiet=True, processes=1)
    ens = migsim.Ensemble("kyrgyzstan", seeds=[1, 2], settings=settings, variables=["stock"])
    assert ens.settings.processes == 1 and ens.run().attrs["scale"] == 2000
    cmp = migsim.compare({"a": "kyrgyzstan", "b": COARSE}, seeds=[1], settings=settings.replace(scale=None))
    assert capsys.readouterr().err == ""  # quiet
    assert cmp.runs.sizes["scenario"] == 2
    for entry in (migsim.calibrate, migsim.sensitivity):
        with pytest.raises(migsim.ArgumentError, match="mpi"):
            entry("kyrgyzstan", parameters=["behaviour.departure.base_rate"], settings=settings.replace(mpi=True))
    with pytest.raises(TypeError, match=r"Ensemble.__init__\(\) got an unexpected keyword argument 'mpi'"):
        migsim.Ensemble("kyrgyzstan", seeds=2, settings=settings, mpi=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="settings: expected a migsim.RunSettings"):
        migsim.run("kyrgyzstan", settings={"scale": 2000})  # type: ignore[arg-type]


def test_ensembles_run_one_thread_per_run_and_reject_mpi() -> None:
    assert migsim.Ensemble("kyrgyzstan", seeds=2, scale=2000).settings.threads == 1
    assert migsim.Ensemble("kyrgyzstan", seeds=2, scale=2000, threads=2).settings.threads == 2
    with pytest.raises(migsim.ArgumentError, match="threads: an ensemble needs"):
        migsim.Ensemble("kyrgyzstan", seeds=2, scale=2000, threads=0)
    with pytest.raises(migsim.ArgumentError, match="mpi: an ensemble"):
        migsim.Ensemble("kyrgyzstan", seeds=2, settings=migsim.RunSettings(mpi=True))


def test_the_old_keyword_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match=r"threads_per_run= is deprecated; use threads="):
        ens = migsim.Ensemble("kyrgyzstan", seeds=2, scale=2000, threads_per_run=2)
    assert ens.settings.threads == 2
    with pytest.raises(TypeError, match="give threads= only"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        migsim.Ensemble("kyrgyzstan", seeds=2, threads=1, threads_per_run=2)
    with pytest.warns(DeprecationWarning, match="compare: threads_per_run="):
        with pytest.raises(migsim.ArgumentError, match="scenarios"):
            migsim.compare({}, seeds=2, threads_per_run=1)
