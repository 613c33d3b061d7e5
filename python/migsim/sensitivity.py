"""Global sensitivity analysis: which behavioural assumptions drive a scenario's outputs and a policy's effect.

Quick start::

    import migsim

    outputs = migsim.sensitivity_outputs("RU", since="2027-01-01", name="russia")   # measured in Russia from 2027
    sa = migsim.sensitivity("quota-cut", outputs=outputs, contrast="quota_halved", trajectories=10, scale=200)
    sa.table            # per output and parameter: mu*, its confidence, sigma (Morris)
    sa.plot()           # one panel per output, parameters ranked by mu*
    sa.save("out/sensitivity")   # sensitivity.csv, sensitivity.md, sensitivity.png, samples.csv

The parameters vary over their calibration ranges from the parameter schema (on a log scale where it says so);
SALib draws the design and computes the indices. ``method="morris"`` (elementary effects; ``trajectories x
(parameters + 1)`` runs) ranks many parameters cheaply; ``method="sobol"`` (Saltelli design; ``samples x
(2 x parameters + 2)`` runs) gives first-order and total variance shares. With ``contrast="<event label>"`` each
run is paired with a run without that event (same seed), and the outputs include the policy effect: the
difference between the two.

The outputs are numbers measured on each run: :class:`Measure` (an output variable in a country, from a date) or
any function of the run's ``xarray.Dataset``. :func:`sensitivity_outputs` gives the usual four for a destination
country and a date (a policy's start). The analysis of a particular scenario lives beside it, e.g.
``scenarios/quota-cut/analysis/sensitivity.py``.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence, Union

import migsim

from ._core import ArgumentError
from ._lazy import LazyModule
from ._progress import progress_bar
from ._workers import RunSpec, WorkerPool, check_replicates
from .calibration import FitParameter, ParameterSpec, fit_parameters
from .ensemble import _check_int, derive_seeds
from .schema import ABROAD_STATUSES_EXCLUDING_NATURALISED, OUTPUTS, STATUS_NAMES
from .settings import RunSettings, _date, for_parallel_runs, takes_settings

if TYPE_CHECKING:
    import numpy as np
    import pandas
    import xarray
    from matplotlib.figure import Figure

    from .scenario import Scenario
else:
    np = LazyModule("numpy")
pd: Any = LazyModule("pandas")  # no type information of its own (pandas-stubs is optional)

__all__ = ["Measure", "SensitivityResult", "sensitivity", "sensitivity_outputs"]

ScenarioLike = Union[str, "os.PathLike[str]", "Scenario"]
Output = Callable[["xarray.Dataset"], float]
"""An output of the analysis: a number measured on a run's Dataset (a :class:`Measure` or any function)."""


@dataclasses.dataclass(frozen=True)
class Measure:
    """A number measured on a run: an output variable in one destination country, from a date, over time.

    ``Measure("permits_issued", country="RU", since="2027-01-01")`` is the permits Russia issued from 2027 to the
    end; ``Measure("stock", country="RU", statuses=("irregular",), over_time="mean", per=Measure("stock",
    country="RU", statuses=...))`` the mean share of the irregular among migrants in Russia. A measure is called
    with a run's ``xarray.Dataset`` and returns a float; :func:`sensitivity` sends back only the variables its
    measures read.

    Attributes:
        variable: an output variable (``migsim.schema.OUTPUTS``).
        country: a destination country code: the locations in it (``location_country``) for variables by
            location, the ``country`` for variables by country (``permits_issued``); ``None``: everywhere. A
            variable by origin only (``remittances_usd``) cannot be measured in a country.
        since: the first date measured, ``YYYY-MM-DD`` or a date (kept as text; ``None``: the start of the run).
        statuses: the statuses counted, for ``stock`` (``None``: all).
        over_time: ``"sum"`` (flows: the total over the steps), ``"last"`` (stocks: the value at the last step) or
            ``"mean"`` (the mean over the steps).
        per: a denominator: the measure is then the ratio of the two at each step (steps where the denominator
            is 0 left out) before ``over_time``.
    """

    variable: str
    country: str | None = None
    since: str | datetime.date | None = None
    statuses: tuple[str, ...] | None = None
    over_time: Literal["sum", "last", "mean"] = "sum"
    per: Measure | None = None

    def __post_init__(self) -> None:
        if self.variable not in OUTPUTS:
            raise ArgumentError(f"Measure: no output variable {self.variable!r}; the outputs are "
                                f"{', '.join(OUTPUTS)}")
        dims = OUTPUTS[self.variable].dims
        if self.country is not None and "location" not in dims and "country" not in dims:
            raise ArgumentError(f"Measure: {self.variable} has no location or country to measure "
                                f"{self.country} in (dimensions: {', '.join(dims)})")
        if isinstance(self.statuses, str):
            raise ArgumentError(f"Measure: statuses: expected a tuple of status names, found {self.statuses!r}; "
                                f"write ({self.statuses!r},)")
        if self.statuses is not None and "status" not in dims:
            raise ArgumentError(f"Measure: {self.variable} has no status dimension")
        unknown = [status for status in self.statuses or () if status not in STATUS_NAMES]
        if unknown:
            raise ArgumentError(f"Measure: no status {unknown[0]!r}; the statuses are {', '.join(STATUS_NAMES)}")
        if self.over_time not in ("sum", "last", "mean"):
            raise ArgumentError(f"Measure: over_time: expected 'sum', 'last' or 'mean', found {self.over_time!r}")
        object.__setattr__(self, "since", _date("Measure: since", self.since))
        if self.statuses is not None:
            object.__setattr__(self, "statuses", tuple(self.statuses))

    @property
    def variables(self) -> tuple[str, ...]:
        """The output variables the measure reads."""
        return tuple(dict.fromkeys((self.variable, *(self.per.variables if self.per is not None else ()))))

    def per_step(self, ds: xarray.Dataset) -> xarray.DataArray:
        """The selection summed over everything but time, from ``since``: one value per step."""
        da = ds[self.variable]
        if self.since is not None:
            da = da.sel(time=slice(self.since, None))
        if self.country is not None:
            if "country" in da.dims:
                da = da.sel(country=self.country)
            else:
                da = da.isel(location=np.flatnonzero(ds["location_country"].values == self.country))
        if self.statuses is not None:
            da = da.sel(status=list(self.statuses))
        total: xarray.DataArray = da.sum([d for d in da.dims if d != "time"])
        return total

    def __call__(self, ds: xarray.Dataset) -> float:
        """The measure on a run's Dataset."""
        values = self.per_step(ds)
        if self.per is not None:
            total = self.per.per_step(ds)
            values = values / total.where(total > 0)
        if self.over_time == "last":
            return float(values.isel(time=-1))
        return float(values.mean() if self.over_time == "mean" else values.sum())


def sensitivity_outputs(country: str | None = None, since: str | datetime.date | None = None, *,
                        name: str | None = None) -> dict[str, Output]:
    """The main outputs of a scenario, measured in one destination country from one date (a policy's start).

    Args:
        country: a destination country code (``"RU"``); ``None``: every destination.
        since: the first date measured, ``YYYY-MM-DD`` (``None``: the start of the run).
        name: the place in the output names (default: the country code in lower case, or ``abroad``).

    Returns:
        ``stock_<name>_end``: migrants there (every status abroad but ``naturalised``) at the last step;
        ``permits_issued_<name>``: patents and permits the country issued from ``since``;
        ``irregular_share_<name>``: the irregular as a share of those migrants, the mean over the steps from
        ``since``; ``remittances_usd``: remittances sent home from ``since``, from every destination.
    """
    place = name if name is not None else country.lower() if country is not None else "abroad"
    migrants = Measure("stock", country, since, ABROAD_STATUSES_EXCLUDING_NATURALISED)
    return {
        f"stock_{place}_end": Measure("stock", country, None, ABROAD_STATUSES_EXCLUDING_NATURALISED, "last"),
        f"permits_issued_{place}": Measure("permits_issued", country, since),
        f"irregular_share_{place}": Measure("stock", country, since, ("irregular",), "mean", per=migrants),
        "remittances_usd": Measure("remittances_usd", None, since),
    }


class SensitivityResult:
    """What :func:`sensitivity` found.

    Attributes:
        table: one row per output and parameter. Morris: ``mu_star`` (mean absolute elementary effect, in the
            output's unit per whole range), ``mu_star_conf``, ``mu``, ``sigma`` (spread of the effects:
            interactions or non-linearity), ``rank`` and ``mu_star_share`` (mu* over the output's largest).
            Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf``, ``rank``.
        samples: the design (parameter values) and the outputs of every point.
        parameters: the :class:`migsim.FitParameter` varied.
        outputs: the output names.
        method: ``morris`` or ``sobol``.
        settings: scenario, contrast, scale, until, replicates, seeds, runs.
    """

    def __init__(self, table: pandas.DataFrame, samples: pandas.DataFrame, parameters: list[FitParameter],
                 outputs: list[str], method: str, settings: dict[str, Any]) -> None:
        self.table, self.samples, self.parameters = table, samples, parameters
        self.outputs, self.method, self.settings = outputs, method, settings

    def ranking(self, output: str) -> list[str]:
        """The parameters by decreasing influence on ``output`` (mu*, or ST for Sobol)."""
        if output not in self.outputs:
            raise ArgumentError(f"unknown output {output!r}; the outputs are {', '.join(self.outputs)}")
        rows = self.table[self.table["output"] == output].sort_values("rank")
        return [str(parameter) for parameter in rows["parameter"]]

    def plot(self, outputs: Sequence[str] | None = None) -> Figure:
        """One panel per output: parameters ranked by mu* (bars, with its confidence) and sigma (dots), or by ST
        and S1 for Sobol."""
        import matplotlib.pyplot as plt

        names = list(outputs) if outputs is not None else self.outputs
        cols = min(2, len(names))
        rows = math.ceil(len(names) / cols)
        height = max(2.5, 0.28 * len(self.parameters) + 1.2)
        fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, height * rows), squeeze=False)
        first, second = ("mu_star", "sigma") if self.method == "morris" else ("ST", "S1")
        for ax, name in zip(axes.flat, names):
            rows_ = self.table[self.table["output"] == name].sort_values(first)
            y = np.arange(len(rows_))
            conf = rows_[f"{first}_conf"] if f"{first}_conf" in rows_ else None
            ax.barh(y, rows_[first], xerr=conf, color="#4477aa", alpha=0.8, label="mu*" if first == "mu_star" else first)
            ax.plot(rows_[second], y, "o", color="#cc6677", label=second)
            ax.set_yticks(y, [p.replace("behaviour.", "") for p in rows_["parameter"]], fontsize=8)
            ax.set_title(name + (" (effect of " + self.settings["contrast"] + ")" if name.endswith("_effect") else ""),
                         fontsize=10)
            ax.axvline(0, color="grey", lw=0.5)
            ax.legend(fontsize=8, loc="lower right")
        for ax in list(axes.flat)[len(names):]:
            ax.set_visible(False)
        fig.suptitle(f"{self.method.capitalize()} sensitivity of {self.settings['scenario']} "
                     f"({self.settings['runs']} runs, scale {self.settings['scale']})", fontsize=11)
        fig.tight_layout()
        return fig

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Writes ``sensitivity.csv`` (the table), ``sensitivity.md``, ``sensitivity.png`` and ``samples.csv``."""
        import matplotlib.pyplot as plt

        from .validate import markdown_table

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        self.table.to_csv(folder / "sensitivity.csv", index=False)
        self.samples.to_csv(folder / "samples.csv", index=False)
        fig = self.plot()
        fig.savefig(folder / "sensitivity.png", dpi=120)
        plt.close(fig)
        settings = ", ".join(f"{k}={v}" for k, v in self.settings.items() if k != "seeds")
        (folder / "sensitivity.md").write_text(
            f"# {self.method.capitalize()} sensitivity analysis\n\n{settings}\n\n" + markdown_table(self.table) + "\n",
            encoding="utf-8")
        return folder

    def __repr__(self) -> str:
        lines = [f"<migsim.SensitivityResult {self.method}: {len(self.parameters)} parameters, "
                 f"{self.settings['runs']} runs>"]
        for output in self.outputs:
            lines.append(f"  {output}: " + ", ".join(self.ranking(output)[:3]))
        return "\n".join(lines)


@takes_settings("scale", "until", "processes", "quiet")
def sensitivity(
    scenario: ScenarioLike = "kyrgyzstan",
    parameters: ParameterSpec | None = None,
    outputs: Mapping[str, Output] | None = None,
    *,
    method: str = "morris",
    trajectories: int = 10,
    levels: int = 4,
    samples: int = 64,
    contrast: str | None = None,
    replicates: int = 1,
    scale: int | None = None,
    until: str | datetime.date | None = None,
    processes: int | None = None,
    seed: int = 0,
    quiet: bool = False,
    settings: RunSettings | None = None,
) -> SensitivityResult:
    """Global sensitivity analysis of a scenario's outputs to its behavioural parameters (SALib).

    Args:
        scenario: a built-in name, a scenario folder or a :class:`migsim.Scenario`.
        parameters: the parameters varied (see :func:`migsim.fit_parameters`; default: every parameter with a
            calibration range in the schema, over that range).
        outputs: output name -> a :class:`Measure` or a function of a run's ``xarray.Dataset`` returning a number
            (default: :func:`sensitivity_outputs`, over every destination and the whole run). They are computed in
            this process; when every output is a :class:`Measure` (or has a ``variables`` attribute naming the
            output variables it reads), only those variables are sent back from the runs, else all.
        method: ``"morris"`` or ``"sobol"``.
        trajectories: Morris trajectories (runs: ``trajectories x (parameters + 1)``).
        levels: Morris grid levels.
        samples: Sobol base samples, a power of 2 (runs: ``samples x (2 x parameters + 2)``).
        contrast: the label of an event: every point is also run without it (same seed) and each output gets a
            ``<name>_effect`` twin, the difference with minus without, the policy effect.
        replicates: seeds per point (the outputs are averaged; the same seeds at every point).
        scale, until, processes, seed, quiet, settings: as for :func:`migsim.calibrate` (the scale is the
            scenario's own ``run.scale`` unless given; ``until`` is the scenario's end).

    Raises:
        migsim.ArgumentError: unknown parameter, method, event label or output; bad options.
        ImportError: SALib is missing (``pip install 'migsim[calibration]'``).
    """
    try:  # imported by name: SALib has no type information of its own
        morris_analyze = importlib.import_module("SALib.analyze.morris")
        sobol_analyze = importlib.import_module("SALib.analyze.sobol")
        morris_sample = importlib.import_module("SALib.sample.morris")
        sobol_sample = importlib.import_module("SALib.sample.sobol")
    except ImportError as error:
        raise ImportError("migsim.sensitivity needs SALib: pip install 'migsim[calibration]'") from error
    if method not in ("morris", "sobol"):
        raise ArgumentError(f"method: expected 'morris' or 'sobol', found {method!r}")
    options = for_parallel_runs(settings if settings is not None else RunSettings(), "sensitivity")
    space = fit_parameters(parameters)
    measured: dict[str, Output] = dict(outputs) if outputs is not None else sensitivity_outputs()
    if not measured or not all(callable(f) for f in measured.values()):
        raise ArgumentError("outputs: expected a mapping of name to a migsim.Measure or a function of a run's "
                            "Dataset")
    read: list[str] = []  # the variables the outputs read, when every output says (a Measure does)
    for function in measured.values():
        names = getattr(function, "variables", None)
        read += list(names) if names is not None else ["*"]
    variables = None if "*" in read else tuple(dict.fromkeys(read))
    replicates = check_replicates(replicates)
    seed = _check_int("seed", seed, 0, 2**32 - 1)
    base = migsim.Scenario.load(scenario) if isinstance(scenario, (str, os.PathLike)) else scenario.copy()
    runs = options.replace(scale=options.scale if options.scale is not None else int(base.get("run.scale")))
    if contrast is not None:
        labels = [str(e.label) for e in base.events]
        if contrast not in labels:
            import difflib

            hint = difflib.get_close_matches(contrast, labels, n=1)
            raise ArgumentError(f"contrast: scenario {base.name} has no event {contrast!r}"
                                + (f"; did you mean {hint[0]!r}?" if hint else ""))
    problem = {"num_vars": len(space), "names": [p.key for p in space], "bounds": [[0.0, 1.0]] * len(space)}
    if method == "morris":
        trajectories = _check_int("trajectories", trajectories, 2, None)
        levels = _check_int("levels", levels, 2, None)
        unit = morris_sample.sample(problem, N=trajectories, num_levels=levels, seed=seed)
    else:
        samples = _check_int("samples", samples, 2, None)
        unit = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    design = np.column_stack([p.from_unit(unit[:, i]) for i, p in enumerate(space)])
    seeds = derive_seeds(seed, replicates)
    variants = [()] + ([(contrast,)] if contrast else [])
    specs = [RunSpec(base, {p.key: float(row[i]) for i, p in enumerate(space)}, s, runs, removed,
                     variables=variables)
             for row in design for removed in variants for s in seeds]
    with WorkerPool(runs.processes, runs.threads or 1) as pool, \
            progress_bar(total=len(specs), desc=f"sensitivity {base.name}", unit="run", disable=runs.quiet) as bar:
        datasets = pool.map(specs, advance=bar.update)
    per_point = len(variants) * len(seeds)
    names = list(measured)
    results: dict[str, list[float]] = {n: [] for n in names}
    if contrast:
        results.update({f"{n}_effect": [] for n in names})
    for index in range(len(design)):
        chunk = datasets[index * per_point:(index + 1) * per_point]
        with_event = [chunk[k] for k in range(len(seeds))]
        for name, function in measured.items():
            level = [_output(function, ds, name) for ds in with_event]
            results[name].append(float(np.mean(level)))
            if contrast:
                without = [chunk[len(seeds) + k] for k in range(len(seeds))]
                results[f"{name}_effect"].append(float(np.mean(
                    [a - _output(function, ds, name) for a, ds in zip(level, without)])))
    rows = []
    for name, ys in results.items():
        y = np.asarray(ys, dtype=float)
        if method == "morris":
            si = morris_analyze.analyze(problem, unit, y, num_levels=levels, seed=seed, print_to_console=False)
            top = max(float(np.nanmax(si["mu_star"])), 1e-300)
            for i, p in enumerate(space):
                rows.append({"output": name, "parameter": p.key, "mu_star": float(si["mu_star"][i]),
                             "mu_star_conf": float(si["mu_star_conf"][i]), "mu": float(si["mu"][i]),
                             "sigma": float(si["sigma"][i]), "mu_star_share": float(si["mu_star"][i]) / top})
        else:
            si = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed, print_to_console=False)
            for i, p in enumerate(space):
                rows.append({"output": name, "parameter": p.key, "S1": float(si["S1"][i]),
                             "S1_conf": float(si["S1_conf"][i]), "ST": float(si["ST"][i]),
                             "ST_conf": float(si["ST_conf"][i])})
    table = pd.DataFrame(rows)
    key = "mu_star" if method == "morris" else "ST"
    table["rank"] = table.groupby("output")[key].rank(ascending=False, method="first").astype(int)
    table = table.sort_values(["output", "rank"], key=lambda c: c.map(
        {n: i for i, n in enumerate(results)}) if c.name == "output" else c).reset_index(drop=True)
    sample_frame = pd.DataFrame(design, columns=[p.key for p in space])
    for name, ys in results.items():
        sample_frame[name] = ys
    analysis: dict[str, Any] = {"scenario": base.name, "contrast": contrast, "scale": runs.scale,
                                "until": runs.until, "replicates": replicates, "seeds": seeds, "runs": len(specs),
                                "seed": seed}
    if method == "morris":
        analysis.update(trajectories=trajectories, levels=levels)
    else:
        analysis.update(samples=samples)
    return SensitivityResult(table, sample_frame, space, list(results), method, analysis)


def _output(function: Output, ds: Any, name: str) -> float:
    try:
        value = float(function(ds))
    except KeyError as error:
        raise ArgumentError(f"output {name!r}: {type(error).__name__}: {error}") from error
    return value
