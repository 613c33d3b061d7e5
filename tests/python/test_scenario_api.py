"""Scenarios as Python objects, step-wise simulations and adaptive policies (GitHub issue 4).

Every run here is tiny (the default scenario at one agent per 2,000 people for one year, the
covid-returns scenario at 500, the policy toy at its own scale of 10) so the file runs in seconds;
what is checked is behaviour: equal inputs give bit-identical outputs, whichever way they were
written (attribute, key path, run keywords, the CLI's --set, a pickle, a saved folder), and edits
and policies move the outcomes the way they should.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import re
from functools import reduce
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
import xarray as xr

import migsim
from conftest import TEST_DATA

TOY = str(TEST_DATA / "policy-toy")  # every event type; weekly steps 2020-01-01 .. 2022-12-28
KG = dict(scale=2000, until="2011-01-01")  # kyrgyzstan: 53 weekly steps
TOY_RUN = dict(scale=10)  # policy-toy: 157 weekly steps
COVID = dict(scale=500)  # covid-returns: 2019-07-01 .. 2021-06-30
RATE = "behaviour.departure.base_rate"


# ---- helpers ---------------------------------------------------------------------------------


def _dataset(results: migsim.Results | xr.Dataset) -> xr.Dataset:
    return results if isinstance(results, xr.Dataset) else results.to_xarray()


def assert_same_results(a: migsim.Results | xr.Dataset, b: migsim.Results | xr.Dataset) -> None:
    """Bit-identical outcomes: every data variable, the time axis and the events."""
    da, db = _dataset(a), _dataset(b)
    assert list(da.data_vars) == list(db.data_vars)
    for coord in ("time", "event", "location", "origin"):
        np.testing.assert_array_equal(da[coord].values, db[coord].values, err_msg=coord)
    for name in da.data_vars:
        np.testing.assert_array_equal(da[name].values, db[name].values, err_msg=name)


def differs(a: migsim.Results | xr.Dataset, b: migsim.Results | xr.Dataset, name: str) -> bool:
    return not np.array_equal(_dataset(a)[name].values, _dataset(b)[name].values, equal_nan=True)


def total(results: migsim.Results | xr.Dataset, name: str) -> float:
    return float(_dataset(results)[name].sum())


def irregular_in(ds: xr.Dataset, country: str = "RU") -> xr.DataArray:
    """People with irregular status in `country`, per time point."""
    abroad = ds.stock.sel(status="irregular").where(ds.location_country == country, 0)
    return abroad.sum(["origin", "location"])


def snapshot(sc: migsim.Scenario) -> tuple[str, dict[str, str], list[migsim.Event]]:
    return sc.to_yaml(), sc.overrides, sc.events


def run_to_end_by_steps(sim: migsim.Simulation) -> migsim.Results:
    while not sim.done:
        sim.step()
    return sim.results()


@pytest.fixture(scope="module")
def kg_base() -> migsim.Results:
    return migsim.run("kyrgyzstan", seed=3, quiet=True, **KG)


@pytest.fixture(scope="module")
def toy_base() -> migsim.Results:
    return migsim.run(TOY, seed=1, quiet=True, **TOY_RUN)


# ---- Scenario: load, copy, edit ---------------------------------------------------------------


def test_load_by_name_folder_and_yaml_path_agree() -> None:
    by_folder = migsim.Scenario.load(TOY)
    by_file = migsim.Scenario.load(Path(TOY) / "scenario.yaml")
    assert by_folder.to_yaml() == by_file.to_yaml()
    assert by_folder.name == "policy-toy"
    assert (by_folder.start, by_folder.end) == ("2020-01-01", "2022-12-31")
    assert by_folder.origins == ["bishkek", "osh", "dushanbe"]
    assert migsim.Scenario.load("kyrgyzstan").to_yaml() == migsim.load_scenario("kyrgyzstan").to_yaml()
    with pytest.raises(migsim.ScenarioError, match="did you mean 'kyrgyzstan'"):
        migsim.Scenario.load("kyrgyzstn")


def test_copies_are_independent(kg_base: migsim.Results) -> None:
    a = migsim.Scenario.load("kyrgyzstan")
    fresh = snapshot(migsim.Scenario.load("kyrgyzstan"))
    original = a.get(RATE)
    copies = [a.copy(), copy.copy(a), copy.deepcopy(a)]
    for i, b in enumerate(copies):
        b.set(RATE, 0.03)
        b.add_event(migsim.Quota(start="2010-06-04", country="RU", limit=10_000, label=f"cap{i}"))
        b.remove_event("eaeu_russia")
        assert snapshot(a) == fresh, "editing a copy changed the original"
        assert b.get(RATE) == 0.03 and a.get(RATE) == original != 0.03
    # Copies of each other are independent too.
    assert [e.label for e in copies[1].events if e.label.startswith("cap")] == ["cap1"]
    # Edit the original: the copies keep their own values.
    a.set(RATE, 0.005)
    assert [c.get(RATE) for c in copies] == [0.03, 0.03, 0.03]

    # Both run, side by side, and their outcomes differ as the edits imply.
    a_results = migsim.run(a, seed=3, quiet=True, **KG)
    b_results = migsim.run(copies[0], seed=3, quiet=True, **KG)
    assert total(b_results, "departures") > 1.5 * total(a_results, "departures")
    assert "cap0" in b_results.to_xarray().event.values and "cap0" not in a_results.to_xarray().event.values
    assert "eaeu_russia" in a_results.to_xarray().event.values
    assert "eaeu_russia" not in b_results.to_xarray().event.values
    # ...and the original, edited back, gives exactly the unedited baseline.
    a.set(RATE, original)
    assert_same_results(migsim.run(a, seed=3, quiet=True, **KG), kg_base)


def test_two_simulations_interleaved_do_not_touch_each_other(toy_base: migsim.Results) -> None:
    a = migsim.Scenario.load(TOY)
    b = a.copy()
    b.set(RATE, 1.2)
    b_alone = migsim.run(b, seed=1, quiet=True, **TOY_RUN)
    sim_a = migsim.Simulation(a, seed=1, **TOY_RUN)
    sim_b = migsim.Simulation(b, seed=1, **TOY_RUN)
    while not (sim_a.done and sim_b.done):  # alternate steps between the two engines
        sim_a.step()
        sim_b.step()
    assert_same_results(sim_a.results(), toy_base)
    assert_same_results(sim_b.results(), b_alone)
    assert total(b_alone, "departures") > total(toy_base, "departures")


def test_simulation_runs_a_frozen_copy(toy_base: migsim.Results) -> None:
    sc = migsim.Scenario.load(TOY)
    original = snapshot(sc)
    sim = migsim.Simulation(sc, seed=1, **TOY_RUN)
    # Edits after the simulation was made, and in the middle of the run, change nothing.
    sc.set(RATE, 2.0)
    sc.remove_event("enforcement_ru")
    sim.run(until="2021-01-01", quiet=True)
    sc.add_event(migsim.Amnesty(start="2021-06-02", country="RU", citizenships=["TJ", "KG"], label="late"))
    sc.set("events.quota_ru_tj.limit", 0)
    assert sim.scenario.to_yaml() == original[0]
    # The scenario the simulation hands out is a copy too.
    handed_out = sim.scenario
    handed_out.set(RATE, 0.0)
    assert sim.scenario.get(RATE) == 0.6
    assert_same_results(sim.run(quiet=True), toy_base)
    # The edited scenario object is what it says it is.
    assert sc.get(RATE) == 2.0 and sc.get("events.quota_ru_tj.limit") == 0


def _set_by_attribute(sc: migsim.Scenario, key: str, value: Any) -> None:
    *sections, name = key.split(".")
    setattr(reduce(getattr, sections, sc), name, value)


@pytest.mark.parametrize(
    ("scenario", "key", "value", "settings", "outcome"),
    [
        # An odd-looking value: its text must reach the engine exactly as --set gets it.
        ("kyrgyzstan", RATE, 0.0234567, KG, "departures"),
        ("kyrgyzstan", "behaviour.return.savings_target_usd", 1234.5, KG, "returns"),
        ("covid-returns", "events.closure_russia.evacuation_capacity", 3000, COVID, "evacuated"),
    ],
)
def test_attribute_key_path_run_keywords_and_cli_set_agree(
    cli: Callable[..., Any], tmp_path: Path, scenario: str, key: str, value: Any, settings: dict[str, Any], outcome: str
) -> None:
    seed = 4
    base = migsim.run(scenario, seed=seed, quiet=True, **settings)

    by_set = migsim.Scenario.load(scenario).set(key, value)
    by_item = migsim.Scenario.load(scenario)
    by_item[key] = value
    by_load = migsim.Scenario.load(scenario, **{key.replace(".", "__"): value})
    edited = [by_set, by_item, by_load]
    if not key.startswith("events."):
        by_attribute = migsim.Scenario.load(scenario)
        _set_by_attribute(by_attribute, key, value)
        assert reduce(getattr, key.split("."), by_attribute) == value
        edited.append(by_attribute)
    for sc in edited:
        assert sc.get(key) == value
        assert sc.to_yaml() == by_set.to_yaml()
        assert sc.overrides == by_set.overrides

    reference = migsim.run(by_set, seed=seed, quiet=True, **settings)
    assert differs(reference, base, outcome), f"the edit of {key} changed nothing"
    for sc in edited[1:]:
        assert_same_results(migsim.run(sc, seed=seed, quiet=True, **settings), reference)
    assert_same_results(migsim.run(scenario, seed=seed, quiet=True, **settings, **{key: value}), reference)
    assert_same_results(
        migsim.run(scenario, seed=seed, quiet=True, **settings, **{key.replace(".", "__"): value}), reference
    )

    out = tmp_path / "cli.h5"
    args = ["run", scenario, "--seed", seed, "-o", out, "-q", "--set", f"{key}={value}"]
    args += ["--scale", settings["scale"]] + (["--until", settings["until"]] if "until" in settings else [])
    done = cli(*args)
    assert done.returncode == 0, done.stderr
    with migsim.open_results(out) as from_cli:
        assert_same_results(from_cli, reference)


def test_unknown_key_suggests_the_right_one() -> None:
    sc = migsim.Scenario.load("kyrgyzstan")
    before = snapshot(sc)
    hint = "did you mean 'behaviour.departure.base_rate'"
    with pytest.raises(migsim.ScenarioError, match=hint):
        sc.set("behaviour.departure.base_rat", 0.02)
    with pytest.raises(migsim.ScenarioError, match=hint):
        sc["behaviour.departure.base_rat"] = 0.02
    with pytest.raises(migsim.ScenarioError, match=hint):
        sc.behaviour.departure.base_rat = 0.02
    with pytest.raises(migsim.ScenarioError, match=hint):
        sc.get("behaviour.departure.base_rat")
    with pytest.raises(migsim.ScenarioError, match=r"^unknown key 'behaviour\.nope' \(see"):
        sc.set("behaviour.nope", 1)  # no hint rather than a far one
    with pytest.raises(AttributeError, match=hint):
        sc.behaviour.departure.base_rat  # noqa: B018
    with pytest.raises(migsim.ScenarioError, match=hint):
        migsim.Scenario.load("kyrgyzstan", behaviour__departure__base_rat=0.02)
    with pytest.raises(migsim.ScenarioError, match="did you mean 'eaeu_russia'"):
        sc.set("events.eaeu_rusia.start", "2012-01-01")
    with pytest.raises(migsim.ScenarioError, match="did you mean 'eaeu_russia'"):
        sc.remove_event("eaeu_rusia")
    with pytest.raises(AttributeError, match="cannot set 'speed'"):
        sc.speed = 2
    with pytest.raises(TypeError, match="key path"):
        sc.set(3, 0.02)  # type: ignore[arg-type]
    assert snapshot(sc) == before


# Bad values for which the CLI's --set text is the same as Python's (the error then names the call or the option).
BAD_VALUES = [
    (RATE, "fast"),
    (RATE, -1),
    (RATE, 53),
    ("run.seed", 1.5),
    ("calendar.step", "fortnight"),
    ("calendar.start", "2010-02-30"),
    ("population.male_share", True),
    ("events.eaeu_russia.country", "XX"),
    ("events.no_such_event.limit", 3),
]


def test_bad_values_name_the_call_give_the_cli_detail_and_change_nothing(cli: Callable[..., Any],
                                                                          tmp_path: Path) -> None:
    sc = migsim.Scenario.load("kyrgyzstan")
    sc.set(RATE, 0.02)  # an earlier good edit must survive the failed ones
    before = snapshot(sc)
    for key, value in BAD_VALUES:
        with pytest.raises(migsim.ScenarioError) as raised:
            sc.set(key, value)
        text = "true" if value is True else str(value)
        done = cli("run", "kyrgyzstan", "--scale", 5000, "--until", "2010-02-01", "-q", "-o", tmp_path / "x.h5",
                   "--set", f"{key}={text}")
        assert done.returncode != 0
        # The notebook user sees the call they wrote, the CLI user the option; what follows is the same.
        call = f"Scenario.set({key!r}, {value!r}): "
        assert str(raised.value).startswith(call), (key, str(raised.value))
        cli_detail = re.sub(r"^migsim: error: --set [^:=]+(=[^:]*)?(:\d+)?: ", "", done.stderr.strip())
        assert cli_detail != done.stderr.strip(), (key, done.stderr)
        assert str(raised.value).removeprefix(call) == cli_detail, key
        assert snapshot(sc) == before, f"failed edit of {key} changed the scenario"
    for bad in (None, {"a": 1}, {1, 2}):
        with pytest.raises(migsim.ScenarioError, match="expected a number, text, date or list"):
            sc.set(RATE, bad)
    assert snapshot(sc) == before
    with pytest.raises(migsim.ScenarioError, match="expected a number"):
        migsim.run("kyrgyzstan", quiet=True, **KG, **{RATE: "fast"})


def test_event_errors_are_typed_and_change_nothing() -> None:
    sc = migsim.Scenario.load("kyrgyzstan")
    sc.add_event(migsim.Quota(start="2015-01-01", country="RU", limit=5_000, label="mine"))
    before = snapshot(sc)

    # Python-side: fields and their types, before the engine sees anything.
    with pytest.raises(TypeError, match="unknown field 'limt'; did you mean 'limit'"):
        migsim.Quota(start="2015-01-01", country="RU", limt=5)
    with pytest.raises(TypeError, match=r"Quota\.limit: expected a number"):
        migsim.Quota(start="2015-01-01", country="RU", limit="5")
    with pytest.raises(TypeError, match=r"Quota\.limit: expected a number"):
        migsim.Quota(start="2015-01-01", country="RU", limit=True)
    with pytest.raises(TypeError, match=r"citizenships: expected a list"):
        migsim.Quota(start="2015-01-01", country="RU", limit=5, citizenships="TJ")
    with pytest.raises(TypeError, match="missing required field"):
        migsim.Quota(start="2015-01-01", country="RU")
    with pytest.raises(TypeError, match=r"^Quota: missing required field\(s\) start, limit$"):
        sc.add_event({"type": "quota", "label": "no_start", "country": "RU"})  # a dict names the start too
    with pytest.raises(TypeError, match="expected a date"):
        migsim.Quota(start=20150101, country="RU", limit=5)
    with pytest.raises(TypeError, match="abstract"):
        migsim.Event(start="2015-01-01")
    with pytest.raises(TypeError, match="unknown event type 'quta'; did you mean 'quota'"):
        sc.add_event({"type": "quta", "start": "2015-01-01"})
    with pytest.raises(TypeError, match="expected a migsim event"):
        sc.add_event("quota")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unknown field 'limt'"):
        sc.set("events.mine.limt", 3)
    with pytest.raises(TypeError, match="expected a number"):
        sc.set("events.mine.limit", "many")

    # Engine-side: names, ranges, dates against the scenario, unique labels.
    with pytest.raises(migsim.ScenarioError, match="unknown country 'XX'; did you mean"):
        sc.add_event(migsim.Quota(start="2015-01-01", country="XX", limit=5))
    with pytest.raises(migsim.ScenarioError, match="unknown region 'mosow'|did you mean 'moscow'"):
        sc.add_event(migsim.Enforcement(start="2015-01-01", regions=["mosow"], rate=1))
    with pytest.raises(migsim.ScenarioError, match=r"start 2026-01-01 is after the scenario ends \(2025-12-31\)"):
        sc.add_event(migsim.Quota(start="2026-01-01", country="RU", limit=5))
    with pytest.raises(migsim.ScenarioError, match=r"end 2009-12-31 is before the scenario starts \(2010-01-01\)"):
        sc.add_event(migsim.Quota(start="2009-01-01", end="2009-12-31", country="RU", limit=5))
    with pytest.raises(migsim.ScenarioError, match="expected a date on or after start"):
        sc.add_event(migsim.Quota(start="2015-01-01", end="2014-01-01", country="RU", limit=5))
    with pytest.raises(migsim.ScenarioError, match="expected a date YYYY-MM-DD"):
        sc.add_event(migsim.Quota(start="2015-13-01", country="RU", limit=5))
    with pytest.raises(migsim.ScenarioError, match=r"expected a number in \[0, 1000000000000\], found -5"):
        sc.add_event(migsim.Quota(start="2015-01-01", country="RU", limit=-5))
    with pytest.raises(migsim.ScenarioError, match="'mine': duplicate label"):
        sc.add_event(migsim.Quota(start="2016-01-01", country="RU", limit=5, label="mine"))
    with pytest.raises(migsim.ScenarioError, match="'eaeu_russia': duplicate label"):
        sc.add_event(migsim.Quota(start="2016-01-01", country="RU", limit=5, label="eaeu_russia"))
    with pytest.raises(migsim.ScenarioError, match=r"expected a number in \[0, 1000000000000\], found -3"):
        sc.set("events.mine.limit", -3)
    assert snapshot(sc) == before

    # The first and last days of the period are fine; the scenario still works after all this.
    assert sc.add_event(migsim.Quota(start="2025-12-31", country="RU", limit=5, label="last_day")) == "last_day"
    assert sc.add_event(migsim.Quota(start="2000-01-01", end="2010-01-01", country="KZ", limit=5)) != ""
    assert migsim.run(sc, seed=3, quiet=True, **KG)["population"].sum() > 0


def test_simulation_issue_checks_dates_and_stays_usable(toy_base: migsim.Results) -> None:
    sim = migsim.Simulation(TOY, seed=1, **TOY_RUN)
    sim.run(until="2020-03-01", quiet=True)
    assert (sim.steps_done, sim.date) == (9, dt.date(2020, 3, 4))
    events_before = sim.scenario.events
    with pytest.raises(migsim.ArgumentError, match=r"before the next step \(2020-03-04\)"):
        sim.issue(migsim.Enforcement(start="2020-03-03", country="RU", rate=2))
    with pytest.raises(migsim.ScenarioError, match="after the scenario ends"):
        sim.issue(migsim.Enforcement(start="2023-01-01", country="RU", rate=2))
    with pytest.raises(migsim.ScenarioError, match="unknown country 'XX'"):
        sim.issue(migsim.Enforcement(start=sim.date, country="XX", rate=2))
    with pytest.raises(migsim.ScenarioError, match="duplicate label"):
        sim.issue(migsim.Enforcement(start=sim.date, country="RU", rate=2, label="enforcement_ru"))
    with pytest.raises(migsim.ArgumentError, match="no ban rules for KZ"):
        sim.issue(migsim.BanRule(start=sim.date, country="KZ", on="deportation", years=2))
    with pytest.raises(TypeError, match="expected a migsim event"):
        sim.issue(42)  # type: ignore[arg-type]
    assert sim.scenario.events == events_before
    assert sim.steps_done == 9
    assert_same_results(run_to_end_by_steps(sim), toy_base)
    with pytest.raises(migsim.ArgumentError, match="reached its end"):
        sim.step()

    # A good event issued by hand between steps acts from the next step, as if written in the scenario.
    sim = migsim.Simulation(TOY, seed=1, **TOY_RUN)
    sim.run(until="2020-03-01", quiet=True)
    label = sim.issue(migsim.Enforcement(start=sim.date, end="2020-09-30", country="RU", rate=8))
    assert label in [e.label for e in sim.scenario.events]
    issued = sim.run(quiet=True)  # one call into the engine to the end
    replay = migsim.Scenario.load(TOY)
    replay.add_event(migsim.Enforcement(start="2020-03-04", end="2020-09-30", country="RU", rate=8, label=label))
    assert_same_results(issued, migsim.run(replay, seed=1, quiet=True, **TOY_RUN))
    assert differs(issued, toy_base, "deportations")


def test_seed_and_scale_none_take_the_scenario_run_settings() -> None:
    sc = migsim.Scenario.load("kyrgyzstan").set("run.seed", 9).set("run.scale", 2000)
    from_scenario = migsim.run(sc, seed=None, scale=None, until=KG["until"], quiet=True)
    assert from_scenario.attrs["seed"] == 9 and from_scenario.attrs["scale"] == 2000
    assert_same_results(from_scenario, migsim.run("kyrgyzstan", seed=9, quiet=True, **KG))
    stepped = migsim.Simulation(sc, seed=None, scale=None, until=KG["until"])
    assert_same_results(run_to_end_by_steps(stepped), from_scenario)


def test_constructor_arguments_are_checked() -> None:
    with pytest.raises(migsim.ArgumentError, match="seed"):
        migsim.Simulation(TOY, seed=-1)
    with pytest.raises(migsim.ArgumentError, match="threads"):
        migsim.Simulation(TOY, threads=1.5)  # type: ignore[arg-type]
    with pytest.raises(migsim.ArgumentError, match="scale"):
        migsim.Simulation(TOY, scale=0)
    with pytest.raises(migsim.ArgumentError, match="until"):
        migsim.Simulation(TOY, until="2020-02-30")
    with pytest.raises(TypeError, match="expected a migsim.Scenario"):
        migsim.Simulation(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="policy"):
        migsim.Simulation(TOY, policies=[3])  # type: ignore[list-item]


# ---- events as Python objects -----------------------------------------------------------------


def _sample(spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    choices = spec["choices"].split("|") if spec["choices"] else []
    return {
        "number": 0.25,
        "text": "some text",
        "country": "RU",
        "country_list": ["KG", "TJ"],
        "currency": "RUB",
        "region": "moscow",
        "region_list": ["moscow", "siberia"],
        "sector": "construction",
        "sector_list": ["construction", "services"],
        "choice": choices[0] if choices else "x",
        "choice_list": choices,
        "date": "2021-02-03",
        "optional_date": "2021-05-05",
        "schedule": [{"from": "2021-03-01", "capacity": 300.0}, {"from": "2021-04-01", "capacity": 900}],
    }[kind]


@pytest.mark.parametrize("type_name", sorted(migsim.EVENT_TYPES))
def test_repr_of_every_event_type_rebuilds_it(type_name: str) -> None:
    cls = migsim.EVENT_TYPES[type_name]
    assert getattr(migsim, cls.__name__) is cls and cls.type == type_name
    every_field = cls(start=dt.date(2021, 1, 6), end="2021-12-29", label=f"my_{type_name}",
                      source='cited: "here" # not a comment\nsecond line – ü',
                      **{name: _sample(spec) for name, spec in cls.fields.items()})
    needed = [name for name, spec in cls.fields.items()
              if spec["required"] or (name == "country" and cls.country_or_regions_field(name))]
    required = cls(start="2021-01-06", **{name: _sample(cls.fields[name]) for name in needed})
    for event in (every_field, required):
        rebuilt = eval(repr(event), {"migsim": migsim})  # noqa: S307 - the point of the test
        assert type(rebuilt) is cls
        assert rebuilt == event and hash(rebuilt) == hash(event)
        assert repr(rebuilt) == repr(event)
        assert rebuilt.to_dict() == event.to_dict()
        assert migsim.event_from_dict(event.to_dict()) == event
        assert pickle.loads(pickle.dumps(event)) == event
    assert every_field.start == "2021-01-06" and every_field.end == "2021-12-29"
    assert every_field.label == f"my_{type_name}"
    for name, spec in cls.fields.items():
        assert getattr(every_field, name) == _sample(spec)
    assert every_field != required
    assert every_field.replace(label="other") != every_field
    assert every_field.replace(label="other").replace(label=f"my_{type_name}") == every_field


@pytest.mark.parametrize(("scenario", "settings"), [(TOY, TOY_RUN), ("kyrgyzstan", KG), ("covid-returns", None)])
def test_repr_rebuilds_every_event_of_a_scenario(scenario: str, settings: dict[str, Any] | None) -> None:
    sc = migsim.Scenario.load(scenario)
    events = sc.events
    assert len(events) > 20
    if scenario == TOY:
        assert {e.type for e in events} == set(migsim.EVENT_TYPES), "the toy should use every event type"
    rebuilt = [eval(repr(e), {"migsim": migsim}) for e in events]  # noqa: S307
    assert rebuilt == events
    assert [type(r) for r in rebuilt] == [type(e) for e in events]
    if settings is None:
        return  # covid-returns inherits events that ended before it starts, which add_event refuses
    # Clear the scenario and add the rebuilt events: the same scenario again.
    again = sc.copy()
    for e in events:
        again.remove_event(e.label)
    assert again.events == []
    for e in rebuilt:
        assert again.add_event(e) == e.label
    assert again.to_yaml() == sc.to_yaml()
    assert_same_results(migsim.run(again, seed=2, quiet=True, **settings),
                        migsim.run(sc, seed=2, quiet=True, **settings))


def test_event_source_is_readable_like_the_other_common_fields() -> None:
    event = migsim.Quota(start="2015-01-01", country="RU", limit=5, source="decree 123")
    assert event.source == "decree 123"


# ---- pickle and saved folders -----------------------------------------------------------------


def _edited(scenario: str) -> migsim.Scenario:
    sc = migsim.Scenario.load(scenario)
    if scenario == TOY:
        sc.set(RATE, 0.9).set("events.quota_ru_tj.limit", 5_000)
        sc.remove_event("closure_kg_kz")
        sc.add_event(migsim.Enforcement(start="2021-03-03", country="RU", rate=3.5, label="crackdown",
                                        source='a "quoted" source: with # signs'))
        sc.add_event(migsim.LabourDemandShock(start="2021-06-02", end="2021-09-29", regions=["moscow"], factor=0.4))
    else:
        sc.set(RATE, 0.02).set("events.closure_russia.evacuation_capacity", 2500)
        sc.remove_event("closure_kazakhstan")
        sc.add_event(migsim.BorderClosure(start="2020-04-01", end="2020-07-01", countries=["KG", "KZ"],
                                          exemptions=["returns"], label="kz_spring"))
        sc.add_event(migsim.ReturnShock(start="2020-03-18", end="2020-06-30", country="RU", citizenships=["KG"],
                                        return_factor=2))
    return sc


@pytest.mark.parametrize(("scenario", "settings"), [(TOY, TOY_RUN), ("covid-returns", COVID)])
def test_pickle_round_trip_gives_identical_results(scenario: str, settings: dict[str, Any]) -> None:
    sc = _edited(scenario)
    back = pickle.loads(pickle.dumps(sc))
    assert isinstance(back, migsim.Scenario)
    assert snapshot(back) == snapshot(sc)
    plain = migsim.run(scenario, seed=5, quiet=True, **settings)
    edited = migsim.run(sc, seed=5, quiet=True, **settings)
    assert differs(edited, plain, "departures")
    assert_same_results(migsim.run(back, seed=5, quiet=True, **settings), edited)
    back.set(RATE, 0.1)  # the unpickled scenario is its own object
    assert sc.get(RATE) != 0.1


@pytest.mark.parametrize(
    ("scenario", "settings"),
    [
        (TOY, TOY_RUN),
        ("kyrgyzstan", KG),
        ("covid-returns", COVID),  # extends kyrgyzstan: the saved folder must hold the inherited tables too
    ],
)
def test_save_then_load_gives_identical_results(tmp_path: Path, scenario: str, settings: dict[str, Any]) -> None:
    sc = _edited(scenario) if scenario != "kyrgyzstan" else migsim.Scenario.load("kyrgyzstan").set(RATE, 0.02)
    folder = sc.save(tmp_path / "saved")
    assert (folder / "scenario.yaml").is_file() and (folder / "countries.csv").is_file()
    loaded = migsim.Scenario.load(folder)
    assert loaded.to_yaml() == sc.to_yaml()
    assert loaded.events == sc.events
    assert loaded.overrides == {}  # the edits are now in the file
    assert_same_results(migsim.run(loaded, seed=6, quiet=True, **settings),
                        migsim.run(sc, seed=6, quiet=True, **settings))
    with pytest.raises(FileExistsError):
        sc.save(folder)


def test_validate_rereads_the_files_and_keeps_the_scenario_on_failure(tmp_path: Path) -> None:
    folder = migsim.Scenario.load(TOY).save(tmp_path / "toy")
    sc = migsim.Scenario.load(folder).set(RATE, 0.9)
    before = snapshot(sc)
    assert sc.validate() is sc and snapshot(sc) == before
    regions = folder / "regions.csv"
    good = regions.read_text()
    regions.write_text(good.replace("moscow,Moscow,RU", "moscow,Moscow,XX"))
    with pytest.raises(migsim.TableError, match=r"regions\.csv:\d+: column 'country': unknown country 'XX'"):
        sc.validate()
    assert snapshot(sc) == before
    regions.write_text(good)
    assert snapshot(sc.validate()) == before


# ---- stepping ---------------------------------------------------------------------------------


def test_step_loop_and_split_runs_equal_one_run(kg_base: migsim.Results) -> None:
    stepped = migsim.Simulation("kyrgyzstan", seed=3, **KG)
    assert stepped.steps_done == 0 and stepped.date == dt.date(2010, 1, 1) and not stepped.done
    assert stepped.current().sizes["time"] == 0
    assert stepped.results().to_xarray().sizes["time"] == 0
    n = 0
    while not stepped.done:
        stepped.step()
        n += 1
        assert stepped.steps_done == n
        if n in (1, 10, 30):
            current, so_far = stepped.current(), stepped.results().to_xarray()
            assert current.sizes["time"] == 1 and so_far.sizes["time"] == n
            assert current.equals(so_far.isel(time=[-1]))
            assert stepped.date == dt.date(2010, 1, 1) + dt.timedelta(weeks=n)
    assert n == stepped.total_steps == kg_base.to_xarray().sizes["time"] == 53
    assert_same_results(stepped.results(), kg_base)
    assert stepped.current().equals(kg_base.to_xarray().isel(time=[-1]))

    split = migsim.Simulation("kyrgyzstan", seed=3, **KG)
    first = split.run(until="2010-06-01", quiet=True)  # inclusive: steps starting on or before
    assert split.steps_done == 22 and split.date == dt.date(2010, 6, 4)
    assert first.to_xarray().time.values[-1] == np.datetime64("2010-05-28")
    assert split.run(until="2010-06-01", quiet=True).to_xarray().sizes["time"] == 22  # nothing left to do
    split.run(until=dt.date(2010, 9, 1), quiet=True)
    assert_same_results(split.run(quiet=True), kg_base)

    # A longer run stopped at the same date gives the same first steps.
    longer = migsim.Simulation("kyrgyzstan", seed=3, scale=2000)
    assert_same_results(longer.run(until="2011-01-01", quiet=True), kg_base)
    assert longer.steps_done == 53 and not longer.done


def test_views_between_steps_cannot_change_the_run(toy_base: migsim.Results) -> None:
    def vandal(state: migsim.StepState) -> None:
        current = state.current
        for name in current.data_vars:
            current[name].values[...] = 0  # writing into what a policy sees...

    sim = migsim.Simulation(TOY, seed=1, policies=[vandal], **TOY_RUN)
    sim.run(until="2021-01-01", quiet=True)
    for view in (sim.current(), sim.results().to_xarray()):
        for name in view.data_vars:
            view[name].values[...] = 0  # ...or into what the user reads
    assert_same_results(sim.run(quiet=True), toy_base)  # ...changes nothing


def test_threads_do_not_change_stepwise_results_with_policies() -> None:
    def policy(state: migsim.StepState) -> migsim.Event | None:
        if state.step == 40:
            return migsim.Enforcement(start=state.date, country="RU", rate=4, label="crackdown")
        return None

    runs = [migsim.run(TOY, seed=7, threads=t, quiet=True, policies=[policy], **TOY_RUN) for t in (1, 2)]
    assert_same_results(*runs)
    stepped = migsim.Simulation(TOY, seed=7, threads=2, policies=[policy], **TOY_RUN)
    assert_same_results(run_to_end_by_steps(stepped), runs[0])
    assert stepped.stats()["threads"] == 2


# ---- adaptive policies ------------------------------------------------------------------------


def test_adaptive_enforcement_cuts_irregular_stock_and_is_recorded(toy_base: migsim.Results) -> None:
    base = toy_base.to_xarray()
    threshold = 0.6 * float(irregular_in(base).max())
    calls: list[dt.date] = []
    decisions: list[dt.date] = []

    def crackdown(state: migsim.StepState) -> migsim.Event | None:
        calls.append(state.date)
        if decisions or state.current.sizes["time"] == 0:
            return None
        if float(irregular_in(state.current).sum()) > threshold:
            decisions.append(state.date)
            return migsim.Enforcement(start=state.date, country="RU", rate=10, label="crackdown")
        return None

    sim = migsim.Simulation(TOY, seed=1, policies=[crackdown], **TOY_RUN)
    ds = sim.run(quiet=True).to_xarray()

    # Called once before every step, and decided once.
    assert len(calls) == sim.total_steps == base.sizes["time"]
    assert calls == [dt.date.fromisoformat(str(t)[:10]) for t in base.time.values]
    assert len(decisions) == 1
    k = int(np.searchsorted(ds.time.values, np.datetime64(decisions[0])))
    assert 5 < k < ds.sizes["time"] - 20, "the threshold should be crossed mid-run"

    # Recorded: in the event coordinate, in policy_state, in the run's scenario.
    assert ds.event.values[-1] == "crackdown" and ds.event_type.values[-1] == "enforcement"
    state = ds.policy_state.sel(event="crackdown").values
    assert (state[:k] == 0).all() and (state[k:] == 1).all()
    issued = sim.scenario.event("crackdown")
    assert issued.start == decisions[0].isoformat() and issued.rate == 10
    assert "crackdown" in issued.to_dict()["source"]
    assert "label: crackdown" in sim.results().attrs["scenario_yaml"]

    # Same as the baseline before the decision; then the expected direction.
    for name in ds.data_vars:
        if name != "policy_state":
            np.testing.assert_array_equal(ds[name].values[:k], base[name].values[:k], err_msg=name)
    after = slice(k + 4, None)  # a month for the crackdown to bite
    assert float(irregular_in(ds)[after].mean()) < 0.5 * float(irregular_in(base)[after].mean())
    deported = ds.deportations.where(ds.location_country == "RU", 0)
    deported_base = base.deportations.where(base.location_country == "RU", 0)
    assert float(deported[k:].sum()) > 2 * float(deported_base[k:].sum())

    # The recorded decision reproduces the run: the same event written into the scenario.
    replay = migsim.Scenario.load(TOY)
    replay.add_event(migsim.Enforcement(start=decisions[0], country="RU", rate=10, label="crackdown"))
    assert_same_results(migsim.run(replay, seed=1, quiet=True, **TOY_RUN), ds)


class OneCrackdown(migsim.Policy):
    """Acts once, on the first step the irregular stock in Russia exceeds the threshold."""

    name = "one-crackdown"

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.decided_on: dt.date | None = None
        self.calls = 0
        self.seen_in_force: list[bool] = []

    def decide(self, state: migsim.StepState) -> None:
        self.calls += 1
        self.seen_in_force.append(state.in_force("crackdown"))
        if self.decided_on is None and state.step > 0 and float(irregular_in(state.current).sum()) > self.threshold:
            self.decided_on = state.date
            label = state.issue(migsim.Enforcement(start=state.date, country="RU", rate=10, label="crackdown"))
            assert label == "crackdown"


def test_policy_subclass_keeps_state(toy_base: migsim.Results) -> None:
    threshold = 0.6 * float(irregular_in(toy_base.to_xarray()).max())
    policy = OneCrackdown(threshold)
    sim = migsim.Simulation(TOY, seed=1, policies=[policy], **TOY_RUN)
    ds = sim.run(quiet=True).to_xarray()
    assert policy.calls == sim.total_steps
    assert policy.decided_on is not None
    k = int(np.searchsorted(ds.time.values, np.datetime64(policy.decided_on)))
    # in_force reads the last completed step: false up to and including the decision, true after.
    assert policy.seen_in_force == [False] * (k + 1) + [True] * (sim.total_steps - k - 1)
    assert [e.label for e in sim.scenario.events].count("crackdown") == 1
    assert sim.scenario.event("crackdown").start == policy.decided_on.isoformat()
    assert (ds.policy_state.sel(event="crackdown").values[k:] == 1).all()
    assert float(irregular_in(ds)[-1]) < float(irregular_in(toy_base.to_xarray())[-1])

    # A fresh instance of the same policy through migsim.run: the same run.
    assert_same_results(migsim.run(TOY, seed=1, quiet=True, policies=[OneCrackdown(threshold)], **TOY_RUN), ds)


def test_evacuation_policy_raises_evacuations() -> None:
    sc = migsim.Scenario.load("covid-returns")
    sc.set("events.closure_russia.evacuation_capacity", 0)  # closed, and nobody flown home
    base = migsim.run(sc, seed=1, quiet=True, **COVID).to_xarray()
    assert float(base.evacuated.sum()) == 0
    peak = float(base.stranded.sum(["location", "origin"]).max())
    assert peak > 0

    def flights(state: migsim.StepState) -> migsim.Event | None:
        if state.step == 0 or "flights" in [e.label for e in state.scenario.events]:
            return None
        if float(state.current.stranded.sum()) > 0.2 * peak:
            return migsim.BorderClosure(start=state.date, end="2020-09-20", countries=["KG", "RU"],
                                        evacuation_capacity=3000, label="flights")
        return None

    ds = migsim.run(sc, seed=1, quiet=True, policies=[flights], **COVID).to_xarray()
    assert float(ds.evacuated.sum()) > 0.2 * peak
    assert float(ds.stranded.sum(["location", "origin"]).max()) < 0.8 * peak
    state = ds.policy_state.sel(event="flights").values
    k = int(state.argmax())
    last = int(np.searchsorted(ds.time.values, np.datetime64("2020-09-20"), side="right"))
    assert k > 0 and (state[:k] == 0).all() and (state[k:last] == 1).all() and (state[last:] == 0).all()
    assert float(ds.evacuated.isel(time=slice(None, k)).sum()) == 0
    assert (ds.location_country.sel(location=ds.evacuated.sum(["time", "origin"]) > 0) == "RU").all()


# ---- policies that fail -----------------------------------------------------------------------


class FailsAt(migsim.Policy):
    """A policy with a bug that shows at one step."""

    name = "buggy"

    def __init__(self, step: int, result: Any = None, error: Exception | None = None) -> None:
        self.at, self.result, self.error = step, result, error

    def decide(self, state: migsim.StepState) -> Any:
        if state.step != self.at:
            return None
        if self.error is not None:
            raise self.error
        return self.result(state) if callable(self.result) else self.result


@pytest.mark.parametrize(
    ("policy", "message", "cause"),
    [
        (FailsAt(12, error=ZeroDivisionError("no irregulars to divide by")),
         r"policy 'buggy' raised ZeroDivisionError: no irregulars to divide by \(before the step starting "
         r"2020-03-25; that step has not run\)", ZeroDivisionError),
        (FailsAt(12, result=42), r"policy 'buggy' returned 42; expected None, an event or a list of events", None),
        (FailsAt(12, result=[object()]), r"policy 'buggy' returned <object object at .*>; expected migsim events",
         None),
        (FailsAt(12, result=lambda s: migsim.Enforcement(start=s.date, country="XX", rate=1)),
         r"policy 'buggy' issued a bad event: .*unknown country 'XX'", migsim.ScenarioError),
        (FailsAt(12, result=migsim.Enforcement(start="2020-01-01", country="RU", rate=1)),
         r"policy 'buggy' issued a bad event: .*before the next step \(2020-03-25\)", migsim.ArgumentError),
    ],
    ids=["raises", "returns-number", "returns-object", "bad-country", "starts-in-the-past"],
)
def test_failing_policy_raises_policy_error_and_the_run_goes_on(
    toy_base: migsim.Results, policy: FailsAt, message: str, cause: type[BaseException] | None
) -> None:
    sim = migsim.Simulation(TOY, seed=1, policies=[policy], **TOY_RUN)
    events = sim.scenario.events
    with pytest.raises(migsim.PolicyError, match=message) as raised:
        sim.run(quiet=True)
    assert isinstance(raised.value, migsim.MigsimError)
    if cause is None:
        assert raised.value.__cause__ is None
    else:
        assert isinstance(raised.value.__cause__, cause)
        if cause is ZeroDivisionError:
            assert raised.value.__cause__ is policy.error
    assert sim.steps_done == 12 and sim.date == dt.date(2020, 3, 25)  # the step has not run
    assert sim.scenario.events == events
    with pytest.raises(migsim.PolicyError):  # still failing if tried again
        sim.step()
    sim.remove_policy(policy)
    assert_same_results(run_to_end_by_steps(sim), toy_base)


def test_failing_policy_in_migsim_run_is_a_policy_error() -> None:
    def broken(state: migsim.StepState) -> None:
        raise KeyError("stranded")

    with pytest.raises(migsim.PolicyError, match="policy 'broken' raised KeyError") as raised:
        migsim.run(TOY, seed=1, quiet=True, policies=[broken], **TOY_RUN)
    assert isinstance(raised.value.__cause__, KeyError)
    # The engine is fine afterwards.
    assert migsim.run(TOY, seed=1, quiet=True, **TOY_RUN)["population"].sum() > 0


def test_a_failed_decision_issues_nothing(toy_base: migsim.Results) -> None:
    good = migsim.Enforcement(start="2020-03-25", country="RU", rate=10, label="half")
    policy = FailsAt(12, result=[good, 42])
    sim = migsim.Simulation(TOY, seed=1, policies=[policy], **TOY_RUN)
    with pytest.raises(migsim.PolicyError, match="returned 42"):
        sim.run(quiet=True)
    assert "half" not in [e.label for e in sim.scenario.events]
    sim.remove_policy(policy)
    assert_same_results(run_to_end_by_steps(sim), toy_base)


def test_a_policy_returning_text_is_named_in_full() -> None:
    sim = migsim.Simulation(TOY, seed=1, policies=[FailsAt(3, result="junk")], **TOY_RUN)
    with pytest.raises(migsim.PolicyError, match="returned 'junk'"):
        sim.run(quiet=True)


def test_an_evacuation_schedule_is_set_as_a_list_and_checked() -> None:
    sc = migsim.Scenario.load("covid-returns")
    schedule = [{"from": dt.date(2020, 4, 10), "capacity": 500}, {"from": "2020-05-15", "capacity": 2500}]
    # The first seats of 2020 came on 15 May (evacuation_from): an earlier entry would never act.
    with pytest.raises(migsim.ScenarioError, match=r"evacuation_schedule\[0\]\.from.*expected a date on or after "
                                                   r"evacuation_from \(2020-05-15\), found 2020-04-10"):
        sc.set("events.closure_russia.evacuation_schedule", schedule)
    sc.set("events.closure_russia.evacuation_from", dt.date(2020, 4, 10))
    sc.set("events.closure_russia.evacuation_schedule", schedule)
    assert sc.get("events.closure_russia.evacuation_schedule") == [
        {"from": "2020-04-10", "capacity": 500.0}, {"from": "2020-05-15", "capacity": 2500.0}]
    assert "evacuation_schedule: [{from: 2020-04-10, capacity: 500}" in sc.to_yaml()
    with pytest.raises(migsim.ScenarioError, match=r"expected dates in increasing order"):
        sc.set("events.closure_russia.evacuation_schedule", list(reversed(schedule)))
    with pytest.raises(TypeError, match=r"BorderClosure.evacuation_schedule\[0\]: expected \{'from'"):
        migsim.BorderClosure(start="2020-03-20", countries=["KG", "RU"], evacuation_schedule=[{"from": "2020-04-01"}])
    closure = migsim.BorderClosure(start="2020-03-20", countries=["KG", "RU"], evacuation_schedule=schedule)
    assert closure.evacuation_schedule[0] == {"from": "2020-04-10", "capacity": 500}


def test_event_choices_are_checked_when_the_event_is_made() -> None:
    with pytest.raises(ValueError, match=r"SectorBan.statuses: expected one of .*permit_holder.*found 'citizen'"):
        migsim.SectorBan(start="2024-03-01", regions=["novosibirsk"], sectors=["trade"], statuses=["citizen"])
    with pytest.raises(ValueError, match=r"BorderClosure.exemptions: .*found 'return'; did you mean 'returns'\?"):
        migsim.BorderClosure(start="2020-03-20", countries=["KG", "RU"], exemptions=["return"])
    with pytest.raises(ValueError, match=r"Quota.on_refusal: expected one of irregular, stay, found 'leave'"):
        migsim.Quota(start="2027-01-01", country="RU", limit=5, on_refusal="leave")
    ban = migsim.SectorBan(start="2024-03-01", regions=["novosibirsk"], sectors=["trade"], statuses=["irregular"])
    assert ban.statuses == ["irregular"]
