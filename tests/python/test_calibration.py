"""Calibration (migsim.calibrate), the calibration ranges and priors of the schema, and the sensitivity analysis.

The recovery test fits a parameter to targets the model itself produced with a known value: it fails if the
optimiser, the loss or the mapping of the targets is broken. Small scale (one agent per 1000 people, two
replicates, a dozen trials, runs to 2014), so the file takes well under a minute on two cores.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import migsim
from migsim.schema import ABROAD_STATUSES_EXCLUDING_NATURALISED

pytest.importorskip("optuna")

KEY = "behaviour.departure.base_rate"
CURRENT = float(migsim.Scenario.load("kyrgyzstan").get(KEY))
TRUE_VALUE = CURRENT * 2 if CURRENT * 2 <= 0.04 else CURRENT / 2  # well away from the scenario's own value
ABROAD = "[" + ", ".join(ABROAD_STATUSES_EXCLUDING_NATURALISED) + "]"  # the migrants abroad
QUOTA_CUT_ANALYSIS = Path(__file__).resolve().parents[2] / "scenarios" / "quota-cut" / "analysis" / "sensitivity.py"


# ------------------------------------------------------------------------------------- schema and ranges


def test_the_schema_carries_ranges_and_priors() -> None:
    schema = {p["key"]: p for p in migsim._core.parameter_schema()}
    fitted = {k: p["fit"] for k, p in schema.items() if p["fit"]}
    assert KEY in fitted and "behaviour.remittances.share" in fitted and len(fitted) >= 10
    for key, fit in fitted.items():
        spec = schema[key]
        assert spec["min"] <= fit["min"] < fit["max"] <= spec["max"], key
        assert fit["min"] <= float(spec["default"]) <= fit["max"], f"{key}: the default is outside its fit range"
        assert fit["prior"] in ("uniform", "loguniform", "normal", "lognormal")
    assert schema[KEY]["fit"]["log"] and schema[KEY]["fit"]["prior"] == "loguniform"
    assert schema["behaviour.remittances.share"]["fit"]["prior"] == "normal"
    assert schema["calendar.start"]["fit"] is None
    assert "### Calibration ranges and priors" in migsim.parameter_reference()


def test_fit_parameters_take_the_schema_by_default() -> None:
    [p] = migsim.fit_parameters([KEY])
    assert (p.low, p.high, p.log, p.prior) == (0.002, 0.05, True, "loguniform")
    [q] = migsim.fit_parameters({KEY: (0.005, 0.03)})
    assert (q.low, q.high, q.log) == (0.005, 0.03, True)
    [r] = migsim.fit_parameters({"behaviour.work.job_finding_rate": (4, 20)})  # no range in the schema
    assert (r.low, r.high, r.prior) == (4, 20, "uniform")
    assert len(migsim.fit_parameters()) == sum(1 for p in migsim._core.parameter_schema() if p["fit"])
    import numpy as np

    draws = migsim.fit_parameters(["behaviour.remittances.share"])[0].sample_prior(np.random.default_rng(1), 500)
    assert draws.min() >= 0.3 and draws.max() <= 0.9 and abs(draws.mean() - 0.6) < 0.03


@pytest.mark.parametrize("parameters, message", [
    (["behaviour.departure.base_rat"], "unknown key 'behaviour.departure.base_rat'; did you mean "
                                       "'behaviour.departure.base_rate'"),
    ({KEY: (0.01, 100)}, r"range \(0.01, 100\) is outside the schema bounds \[0, 52\]"),
    ({KEY: (0.03, 0.01)}, "expected low < high"),
    ({"behaviour.work.job_finding_rate": None}, "has no calibration range in the schema"),
    (["calendar.start"], "not a real-valued parameter"),
    ({KEY: {"prior": "cauchy"}}, "prior 'cauchy'"),
    ("behaviour.departure.base_rate", "expected a list of key paths"),
    ([KEY, KEY], "appears twice"),
])
def test_bad_parameters_are_clear_errors(parameters: object, message: str) -> None:
    with pytest.raises(migsim.ArgumentError, match=message):
        migsim.fit_parameters(parameters)  # type: ignore[arg-type]


def test_bad_calibrate_arguments_are_clear_errors() -> None:
    with pytest.raises(migsim.ArgumentError, match="did you mean 'stock_russia'"):
        migsim.calibrate("kyrgyzstan", ["stock_rusia"], [KEY], n_trials=2, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="parameters: name the parameters"):
        migsim.calibrate("kyrgyzstan", ["stock_russia"], n_trials=2, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="did you mean 'optuna'"):
        migsim.calibrate("kyrgyzstan", ["stock_russia"], [KEY], method="optuma", quiet=True)
    with pytest.raises(migsim.ArgumentError, match="outside the schema bounds"):
        migsim.calibrate("kyrgyzstan", ["stock_russia"], {KEY: (-1, 0.1)}, quiet=True)
    with pytest.raises(migsim.ArgumentError, match="replicates"):
        migsim.calibrate("kyrgyzstan", ["stock_russia"], [KEY], replicates=0, quiet=True)


EVENT_KEY = "events.ban_russia_overstay_30.share"  # a ban_rule field: the share of qualifying overstayers banned
EVENT_CURRENT = float(migsim.Scenario.load("kyrgyzstan").get(EVENT_KEY))


def test_event_fields_can_be_fitted_with_an_explicit_range() -> None:
    [p] = migsim.fit_parameters({EVENT_KEY: (0.05, 0.8)}, "kyrgyzstan")
    assert (p.key, p.low, p.high, p.log, p.prior) == (EVENT_KEY, 0.05, 0.8, False, "uniform")
    [q] = migsim.fit_parameters({EVENT_KEY: {"low": 0.02, "high": 0.5, "log": True}})  # no scenario: by field name
    assert (q.low, q.high, q.log, q.prior) == (0.02, 0.5, True, "loguniform")


@pytest.mark.parametrize("parameters, message", [
    ([EVENT_KEY], "has no calibration range in the schema; give one"),
    ({EVENT_KEY: (0.1, 2)}, r"range \(0.1, 2\) is outside the schema bounds \[0, 1\]"),
    ({"events.ban_russia_overstay_3.share": (0, 1)}, "no event labelled 'ban_russia_overstay_3'; did you mean "
                                                    "'ban_russia_overstay_30'"),
    ({"events.ban_russia_overstay_30.shar": (0, 1)}, "unknown event field 'shar'; did you mean 'share'"),
    ({"events.ban_russia_overstay_30.on": (0, 1)}, "not a real-valued event field"),
    ({"events.ban_russia_overstay_30": (0, 1)}, "expected an event field as 'events.<label>.<field>'"),
])
def test_bad_event_fields_are_clear_errors(parameters: object, message: str) -> None:
    with pytest.raises(migsim.ArgumentError, match=message):
        migsim.fit_parameters(parameters, "kyrgyzstan")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------- synthetic recovery


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An observed folder whose values are the model's own, with base_rate = TRUE_VALUE (seeds of the fit)."""
    folder = tmp_path_factory.mktemp("synthetic") / "observed"
    folder.mkdir()
    (folder / "targets.yaml").write_text(f"""
calibration_end: 2014-12-31
sets:
  ABROAD: {ABROAD}
series:
  stock_russia:
    file: stock_russia.csv
    variable: stock
    where: {{location_country: RU, status: ABROAD}}
    time: at_date
    weight: 1
  remittances:
    file: remittances.csv
    variable: remittances_usd
    time: year_to_date
    weight: 1
""")
    header = "date,value,unit,concept,source,quote\n"
    (folder / "stock_russia.csv").write_text(header + "".join(
        f'{d},0,people,"synthetic","migsim","-"\n' for d in ("2011-07-01", "2012-07-01", "2013-07-01", "2014-07-01")))
    (folder / "remittances.csv").write_text(header + "".join(
        f'{d},0,USD,"synthetic","migsim","-"\n' for d in ("2011-12-31", "2012-12-31", "2013-12-31")))
    targets = migsim.load_targets(observed=folder)
    seeds = migsim.ensemble.derive_seeds(7, 2)  # calibrate(seed=7, replicates=2) uses these
    ens = migsim.Ensemble("kyrgyzstan", seeds=seeds, scale=1000, until="2014-12-31", processes=1, quiet=True,
                          sweep={KEY: [TRUE_VALUE]}, variables=["stock", "remittances_usd"])
    truth = targets.compare(targets.simulate(ens.run()))
    for name in ("stock_russia", "remittances"):
        values = truth[truth["series"] == name]["simulated"].tolist()
        lines = (folder / f"{name}.csv").read_text().splitlines()
        lines[1:] = [line.replace(",0,", f",{v:.0f},", 1) for line, v in zip(lines[1:], values)]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(scope="module")
def fit(synthetic: Path) -> migsim.CalibrationResult:
    return migsim.calibrate("kyrgyzstan", targets=["stock_russia", "remittances"], parameters=[KEY],
                            observed=synthetic, n_trials=14, replicates=2, scale=1000, processes=2, seed=7,
                            quiet=True)


def test_calibrate_recovers_a_known_parameter(fit: migsim.CalibrationResult) -> None:
    value = fit.values[KEY]
    assert abs(math.log(value / TRUE_VALUE)) < math.log(1.25), f"fitted {value}, true {TRUE_VALUE}"
    assert fit.baseline_loss is not None and fit.loss < fit.baseline_loss  # the scenario's own value
    assert fit.loss < 0.05
    row = fit.uncertainty.set_index("parameter").loc[KEY]
    assert row["low"] <= row["median"] <= row["high"] and row["n"] >= 3
    assert len(fit.trials) == 14 and set(fit.trials["state"]) == {"complete"}
    assert {"error:stock_russia", "error:remittances"} <= set(fit.trials.columns)
    assert fit.trials.loc[0, KEY] == pytest.approx(CURRENT)  # the first trial is the scenario's own value
    report = fit.report.set_index(["series", "period"])
    assert report.loc[("stock_russia", "calibration"), "mape"] < 0.1
    assert fit.settings["until"] == "2014-12-31" and fit.settings["replicates"] == 2


def test_a_fit_is_written_back_as_a_new_scenario_version(fit: migsim.CalibrationResult, synthetic: Path,
                                                          tmp_path: Path) -> None:
    import yaml

    folder = fit.save(tmp_path / "kyrgyzstan-calibrated")
    reloaded = migsim.Scenario.load(folder)
    assert reloaded.get(KEY) == pytest.approx(fit.values[KEY], rel=1e-3)
    assert reloaded.get("behaviour.return.base_rate") == migsim.Scenario.load("kyrgyzstan").get(
        "behaviour.return.base_rate")
    assert (folder / "scenario.yaml").read_text().startswith("# Calibrated by migsim.calibrate (optuna)")
    record = yaml.safe_load((folder / "calibration.yaml").read_text())["calibration"]
    assert record["method"] == "optuna" and record["date"][:4].isdigit()
    assert record["targets"] == {"stock_russia": 1.0, "remittances": 1.0}
    assert record["parameters"][KEY]["previous"] == pytest.approx(CURRENT)
    assert record["data"]["sha256"]["stock_russia.csv"] == hashlib.sha256(
        (synthetic / "stock_russia.csv").read_bytes()).hexdigest()
    assert record["loss"]["value"] == pytest.approx(fit.loss, rel=1e-3)
    # The copied observed folder makes the new version self-contained.
    assert migsim.load_targets(folder).names == ["stock_russia", "remittances"]
    assert (folder / "fit_report.csv").is_file() and (folder / "trials.csv").is_file()
    with pytest.raises(FileExistsError):
        fit.save(folder)


def test_calibrate_fits_an_event_field(synthetic: Path, tmp_path: Path) -> None:
    import yaml

    result = migsim.calibrate("kyrgyzstan", targets={"stock_russia": 1}, parameters={EVENT_KEY: (0.005, 1.0)},
                              observed=synthetic, n_trials=3, replicates=1, scale=2000, processes=1, seed=7,
                              until="2014-12-31", quiet=True)
    assert result.trials.loc[0, EVENT_KEY] == pytest.approx(EVENT_CURRENT)  # first: the scenario's own share
    assert result.baseline_loss is not None and 0.005 <= result.values[EVENT_KEY] <= 1.0
    assert result.to_scenario().get(EVENT_KEY) == pytest.approx(result.values[EVENT_KEY], rel=1e-3)
    record = yaml.safe_load((result.save(tmp_path / "fit") / "calibration.yaml").read_text())["calibration"]
    assert record["parameters"][EVENT_KEY]["previous"] == pytest.approx(EVENT_CURRENT)
    assert migsim.Scenario.load(tmp_path / "fit").get(EVENT_KEY) == pytest.approx(result.values[EVENT_KEY], rel=1e-3)


def test_abc_gives_a_posterior_sample(synthetic: Path) -> None:
    result = migsim.calibrate("kyrgyzstan", targets={"stock_russia": 1}, parameters={KEY: (0.005, 0.05)},
                              observed=synthetic, method="abc", n_trials=10, top=0.3, replicates=1, scale=2000,
                              processes=2, seed=7, until="2013-12-31", quiet=True)
    row = result.uncertainty.set_index("parameter").loc[KEY]
    assert row["n"] == 3 and "posterior" in row["basis"]
    assert 0.005 <= row["low"] <= result.values[KEY] <= row["high"] <= 0.05
    assert result.values[KEY] == pytest.approx(row["median"])


# ------------------------------------------------------------------------------------------ sensitivity


def _quota_cut_analysis() -> ModuleType:
    """scenarios/quota-cut/analysis/sensitivity.py, the quota cut's analysis beside its scenario."""
    spec = importlib.util.spec_from_file_location("quota_cut_sensitivity", QUOTA_CUT_ANALYSIS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_measures_are_the_outputs_by_hand() -> None:
    """The generic outputs, measured in Russia from 2027 as the quota-cut analysis does, computed by hand."""
    ds = migsim.run("quota-cut", seed=1, scale=4000, until="2027-06-30", quiet=True).to_xarray()
    outputs = _quota_cut_analysis().outputs()
    assert list(outputs) == ["stock_russia_end", "permits_issued_russia", "irregular_share_russia", "remittances_usd"]
    in_russia = ds.stock.isel(location=np.flatnonzero(ds.location_country.values == "RU"))
    migrants = in_russia.sel(status=list(ABROAD_STATUSES_EXCLUDING_NATURALISED))
    assert outputs["stock_russia_end"](ds) == float(migrants.isel(time=-1).sum())
    from_2027 = ds.sel(time=slice("2027-01-01", None))
    assert outputs["permits_issued_russia"](ds) == float(from_2027.permits_issued.sel(country="RU").sum())
    irregular = in_russia.sel(time=slice("2027-01-01", None), status="irregular").sum(["origin", "location"])
    share = irregular / migrants.sel(time=slice("2027-01-01", None)).sum(["origin", "location", "status"])
    assert outputs["irregular_share_russia"](ds) == pytest.approx(float(share.mean()))
    assert outputs["remittances_usd"](ds) == pytest.approx(float(from_2027.remittances_usd.sum()))
    # Everywhere and over the whole run by default; the variables read are known, so only they are sent back.
    default = migsim.sensitivity_outputs()
    assert list(default) == ["stock_abroad_end", "permits_issued_abroad", "irregular_share_abroad", "remittances_usd"]
    assert default["permits_issued_abroad"](ds) == float(ds.permits_issued.sum())
    assert {v for m in default.values() for v in m.variables} == {"stock", "permits_issued", "remittances_usd"}
    with pytest.raises(migsim.ArgumentError, match="remittances_usd has no location or country"):
        migsim.Measure("remittances_usd", country="RU")
    with pytest.raises(migsim.ArgumentError, match="no status 'iregular'"):
        migsim.Measure("stock", statuses=("iregular",))


def test_sensitivity_ranks_parameters_of_the_quota_cut(tmp_path: Path) -> None:
    pytest.importorskip("SALib")
    keys = ["behaviour.departure.base_rate", "permits.fee_sensitivity"]
    sa = _quota_cut_analysis().sensitivity(parameters=keys, trajectories=2, scale=4000, processes=2,
                                           until="2028-12-31", quiet=True)
    assert sa.settings["runs"] == 2 * (len(keys) + 1) * 2  # trajectories x (k + 1) points, with and without
    assert sa.settings["contrast"] == "quota_halved" and sa.settings["scale"] == 4000
    assert set(sa.outputs) == {"stock_russia_end", "permits_issued_russia", "irregular_share_russia",
                               "remittances_usd", "stock_russia_end_effect", "permits_issued_russia_effect",
                               "irregular_share_russia_effect", "remittances_usd_effect"}
    assert len(sa.table) == len(sa.outputs) * len(keys)
    assert (sa.table["mu_star"] >= 0).all() and sorted(sa.ranking("stock_russia_end")) == sorted(keys)
    folder = sa.save(tmp_path / "sa")
    assert (folder / "sensitivity.png").read_bytes()[:4] == b"\x89PNG"
    assert "| output | parameter |" in (folder / "sensitivity.md").read_text()
    with pytest.raises(migsim.ArgumentError, match="did you mean 'quota_halved'"):
        migsim.sensitivity("quota-cut", parameters=keys, contrast="quota_halve", quiet=True)
