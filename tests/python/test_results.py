"""migsim.Results: tidy tables, yearly summary, plots, provenance and atomic saving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import xarray as xr  # noqa: E402
import yaml  # noqa: E402

import migsim  # noqa: E402
from migsim.results import Summary  # noqa: E402
from migsim.schema import HOME_STATUSES  # noqa: E402


@pytest.fixture(scope="module")
def results() -> migsim.Results:
    return migsim.run("kyrgyzstan", seed=1, scale=1000, until="2012-12-31")


@pytest.fixture(scope="module")
def ds(results: migsim.Results) -> xr.Dataset:
    return results.to_xarray()


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


# ------------------------------------------------------------------------------------ to_dataframe


def test_to_dataframe_is_tidy_with_dates_and_matching_totals(results: migsim.Results, ds: xr.Dataset) -> None:
    df = results.to_dataframe("stock")
    assert list(df.columns) == [
        "time", "origin", "location", "status", "origin_label", "location_label", "location_country", "value"
    ]
    assert len(df) == ds.stock.size
    assert np.issubdtype(df["time"].dtype, np.datetime64)
    assert df["time"].iloc[0] == pd.Timestamp("2010-01-01")
    assert df["value"].sum() == int(ds.stock.sum())
    assert df.attrs["units"] == "people"
    # Every row is the matching cell of the dataset, labels included.
    for _, row in df.sample(25, random_state=0).iterrows():
        cell = ds.stock.sel(time=row.time, origin=row.origin, location=row.location, status=row.status)
        assert row.value == cell.item()
        assert row.location_label == ds.location_label.sel(location=row.location).item()
        assert row.location_country == ds.location_country.sel(location=row.location).item()
    # Grouping the long table gives back the xarray sums.
    by_status = df.groupby("status", observed=True)["value"].sum()
    np.testing.assert_array_equal(by_status.loc[ds.status.values].to_numpy(), ds.stock.sum(["time", "origin", "location"]).values)

    flows = results.to_dataframe("departures", labels=False)
    assert list(flows.columns) == ["time", "origin", "location", "value"]
    assert flows["value"].sum() == int(ds.departures.sum())


def test_to_dataframe_by_sums_over_the_other_dims(results: migsim.Results, ds: xr.Dataset) -> None:
    df = results.to_dataframe("stock", by=["location"])
    assert list(df.columns) == ["time", "location", "location_label", "location_country", "value"]
    assert len(df) == ds.sizes["time"] * ds.sizes["location"]
    expected = ds.stock.sum(["origin", "status"]).transpose("time", "location").values
    np.testing.assert_array_equal(df["value"].to_numpy().reshape(expected.shape), expected)

    # Several dims, kept in the order given; a single name works like a one-item list.
    two = results.to_dataframe("stock", by=["status", "location"], labels=False)
    assert list(two.columns) == ["time", "status", "location", "value"]
    expected2 = ds.stock.sum("origin").transpose("time", "status", "location").values
    np.testing.assert_array_equal(two["value"].to_numpy().reshape(expected2.shape), expected2)
    pd.testing.assert_frame_equal(results.to_dataframe("remittances_usd", by="origin"), results.to_dataframe("remittances_usd", by=["origin"]))

    # by=[]: one row per step, the total over everything.
    total = results.to_dataframe("returns", by=[])
    assert list(total.columns) == ["time", "value"]
    np.testing.assert_array_equal(total["value"].to_numpy(), ds.returns.sum(["location", "origin"]).values)

    # NaN (no quota in force) stays NaN when every country is NaN, instead of becoming 0.
    quota = results.to_dataframe("quota_remaining", by=[])
    np.testing.assert_array_equal(quota["value"].to_numpy(), ds.quota_remaining.sum("country", min_count=1).values)


def test_to_dataframe_sel_accepts_names_and_labels(results: migsim.Results, ds: xr.Dataset) -> None:
    by_name = results.to_dataframe("departures", by=[], sel={"location": "moscow"})
    by_label = results.to_dataframe("departures", by=[], sel={"location": "Moscow city"})
    pd.testing.assert_frame_equal(by_name, by_label)
    np.testing.assert_array_equal(by_name["value"].to_numpy(), ds.departures.sel(location="moscow").sum("origin").values)
    several = results.to_dataframe("stock", by="status", sel={"status": ["irregular", "detained"]})
    assert sorted(several["status"].unique()) == ["detained", "irregular"]


def test_coordinates_group_and_select_along_their_dimension(results: migsim.Results, ds: xr.Dataset) -> None:
    by_country = results.to_dataframe("stock", by="location_country")
    expected = ds.stock.sum(["origin", "status"]).groupby("location_country").sum()
    table = by_country.pivot(index="time", columns="location_country", values="value")
    for country in expected.location_country.values:
        np.testing.assert_array_equal(table[country].to_numpy(), expected.sel(location_country=country).values)
    to_russia = results.to_dataframe("departures", by=[], sel={"location_country": "RU"})
    in_russia = ds.location.values[ds.location_country.values == "RU"]
    np.testing.assert_array_equal(
        to_russia["value"].to_numpy(), ds.departures.sel(location=in_russia).sum(["origin", "location"]).values
    )
    # The legend shows country names for location_country codes.
    ax = results.plot("stock", by="location_country", sel={"status": "irregular"})
    names = dict(zip(ds.country.values, ds.country_name.values))
    assert [line.get_label() for line in ax.lines] == [names[c] for c in expected.location_country.values]
    with pytest.raises(ValueError, match="same dimension"):
        results.to_dataframe("stock", by=["location", "location_country"])
    with pytest.raises(KeyError, match="'XX' is not a value of location_country"):
        results.to_dataframe("stock", sel={"location_country": "XX"})


# ----------------------------------------------------------------------------------------- summary


def _by_hand(ds: xr.Dataset) -> pd.DataFrame:
    status = [str(s) for s in ds.status.values]
    abroad_axis = np.array([s not in HOME_STATUSES for s in status])
    stock = ds.stock.transpose("time", "origin", "location", "status").values
    abroad = stock[:, :, :, abroad_axis].sum(axis=(1, 2, 3))
    years = ds.time.dt.year.values
    rows = {}
    for year in np.unique(years):
        idx = np.flatnonzero(years == year)
        rows[int(year)] = {
            "migrants_abroad": abroad[idx[-1]],
            "departures": ds.departures.values[idx].sum(),
            "returns": ds.returns.values[idx].sum(),
            "remittances_usd": ds.remittances_usd.values[idx].sum(),
            "deportations": ds.deportations.values[idx].sum(),
            "stranded_peak": ds.stranded.values[idx].sum(axis=(1, 2)).max(),
            "evacuated": ds.evacuated.values[idx].sum(),
            "steps": len(idx),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def test_summary_equals_hand_computed_sums(results: migsim.Results, ds: xr.Dataset) -> None:
    summary = results.summary()
    assert isinstance(summary, pd.DataFrame) and isinstance(summary, Summary)
    assert summary.index.name == "year"
    assert list(summary.index) == [2010, 2011, 2012]
    hand = _by_hand(ds)
    assert list(summary.columns) == list(hand.columns)
    for column in hand.columns:
        np.testing.assert_allclose(summary[column].to_numpy(dtype=float), hand[column].to_numpy(dtype=float), rtol=1e-12, err_msg=column)
    assert summary["steps"].sum() == ds.sizes["time"]
    assert summary["migrants_abroad"].gt(0).all() and summary["departures"].gt(0).all()
    assert summary.units["remittances_usd"] == "USD" and summary.units["migrants_abroad"] == "people"
    # Units are shown; anything derived is a plain pandas object.
    text = repr(summary)
    assert "people" in text and "USD" in text and "2012" in text
    assert "USD" in summary._repr_html_()
    assert type(summary["departures"]) is pd.Series
    assert type(summary.loc[2011:]) is pd.DataFrame


def test_summary_uses_status_names_not_positions(results: migsim.Results) -> None:
    """The same run with the status axis stored in reverse order gives the same summary."""
    raw = results._raw
    variables = {}
    for name, (dims, data, attrs) in raw["variables"].items():
        data = np.asarray(data)
        if "status" in dims:
            data = np.flip(data, axis=list(dims).index("status")).copy()
        variables[name] = (dims, data, attrs)
    flipped = migsim.Results({"dims": raw["dims"], "variables": variables, "attrs": raw["attrs"]})
    assert flipped.to_xarray().status.values[0] == "naturalised"
    pd.testing.assert_frame_equal(pd.DataFrame(flipped.summary()), pd.DataFrame(results.summary()))


# -------------------------------------------------------------------------------------------- plot


def test_plot_draws_one_line_per_by_value_with_the_summed_data(results: migsim.Results, ds: xr.Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot() must not call plt.show()"))
    ax = results.plot("stock", by="location")
    expected = ds.stock.sum(["origin", "status"])
    assert len(ax.lines) == ds.sizes["location"]
    assert [line.get_label() for line in ax.lines] == [str(v) for v in ds.location_label.values]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [str(v) for v in ds.location_label.values]
    for line, location in zip(ax.lines, ds.location.values):
        np.testing.assert_array_equal(np.asarray(line.get_ydata()), expected.sel(location=location).values)
        np.testing.assert_array_equal(np.asarray(line.get_xdata(), dtype="datetime64[ns]"), ds.time.values)
    assert ax.get_ylabel() == "stock (people)"
    assert ax.get_title()

    # Without a label coordinate the legend shows the names.
    ax = results.plot("stock", by="status", sel={"location": "moscow"})
    assert [line.get_label() for line in ax.lines] == [str(v) for v in ds.status.values]
    np.testing.assert_array_equal(
        np.asarray(ax.lines[ds.status.values.tolist().index("irregular")].get_ydata()),
        ds.stock.sel(location="moscow", status="irregular").sum("origin").values,
    )
    assert "moscow" in ax.get_title()


def test_plot_single_line_given_axes_and_kwargs(results: migsim.Results, ds: xr.Dataset) -> None:
    fig, given = plt.subplots()
    ax = results.plot("remittances_usd", ax=given, linewidth=3)
    assert ax is given and len(ax.lines) == 1
    assert ax.lines[0].get_linewidth() == 3
    np.testing.assert_allclose(np.asarray(ax.lines[0].get_ydata()), ds.remittances_usd.sum("origin").values)
    assert ax.get_ylabel() == "remittances_usd (USD)"
    # A time slice zooms.
    ax = results.plot("departures", sel={"time": slice("2011-01-01", "2011-12-31")})
    assert len(ax.lines[0].get_ydata()) == int((ds.time.dt.year == 2011).sum())
    fig.canvas.draw()  # renders headless


# ------------------------------------------------------------------------------ provenance, repr


def test_provenance_and_scenario_yaml(results: migsim.Results) -> None:
    p = results.provenance
    assert {"scenario", "seed", "scale", "threads", "migsim_version", "git_commit", "created_utc", "wall_time_seconds"} <= p.keys()
    assert p["scenario"] == "kyrgyzstan" and p["seed"] == 1 and p["scale"] == 1000
    assert isinstance(p["threads"], int) and p["threads"] >= 1
    assert p["migsim_version"] == migsim.__version__
    assert isinstance(p["wall_time_seconds"], float) and p["wall_time_seconds"] >= 0
    assert pd.Timestamp(p["created_utc"]).year >= 2024
    resolved = yaml.safe_load(results.scenario_yaml)
    assert resolved["name"] == "kyrgyzstan"
    assert str(resolved["calendar"]["start"]) == "2010-01-01"


def test_repr_is_concise(results: migsim.Results) -> None:
    text = repr(results)
    assert text.startswith("<migsim.Results scenario='kyrgyzstan' seed=1 scale=1000 2010-01-01..2012-12-28")
    assert "\n" not in text and len(text) < 200
    page = results._repr_html_()
    assert "kyrgyzstan" in page and "remittances_usd" in page and len(page) < 3000


# -------------------------------------------------------------------------------------------- save


def test_save_round_trips_through_xarray(results: migsim.Results, ds: xr.Dataset, tmp_path: Path) -> None:
    path = tmp_path / "run.h5"
    path.write_bytes(b"an older file")  # replaced
    results.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["run.h5"]
    with xr.open_dataset(path, decode_coords="all") as back:  # time_bnds as a coordinate, as in to_xarray()
        loaded, original = back[list(ds.data_vars)].load(), ds[list(ds.data_vars)].copy()
        xr.testing.assert_identical(back["time_bnds"].load(), ds["time_bnds"])
        loaded.attrs, original.attrs = {}, {}
        xr.testing.assert_identical(loaded, original)
        assert back.attrs["seed"] == 1 and back.attrs["scenario_yaml"] == results.scenario_yaml
    with migsim.open_results(path) as again:
        np.testing.assert_array_equal(again.stock.values, results["stock"])


def test_failed_save_leaves_nothing_behind(results: migsim.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(migsim.OutputError, match="does not exist"):
        results.save(tmp_path / "missing" / "run.h5")
    assert list(tmp_path.iterdir()) == []

    folder_target = tmp_path / "run.h5"
    folder_target.mkdir()
    with pytest.raises(migsim.OutputError, match="folder"):
        results.save(folder_target)
    assert [p.name for p in tmp_path.iterdir()] == ["run.h5"] and list(folder_target.iterdir()) == []

    # The disk fills up half way: no partial file, and an existing file is untouched.
    kept = tmp_path / "kept.h5"
    kept.write_bytes(b"previous results")

    def half_write(self: xr.Dataset, path: Any, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"\x89HDF\r\n half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", half_write)
    with pytest.raises(migsim.OutputError, match="No space left") as info:
        results.save(kept)
    assert isinstance(info.value.__cause__, OSError)
    with pytest.raises(migsim.OutputError):
        results.save(tmp_path / "new.h5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.h5", "run.h5"]
    assert kept.read_bytes() == b"previous results"

    # Other errors pass through unchanged, still without leftovers.
    def broken(self: xr.Dataset, path: Any, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"partial")
        raise ValueError("cannot encode")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken)
    with pytest.raises(ValueError, match="cannot encode"):
        results.save(tmp_path / "other.h5")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.h5", "run.h5"]


# ------------------------------------------------------------------------------------------ errors


def test_errors_are_typed_and_name_the_choices(results: migsim.Results) -> None:
    with pytest.raises(KeyError, match="no data variable 'stok'; available: population, stock"):
        results.to_dataframe("stok")
    with pytest.raises(KeyError, match="available:.*remittances_usd"):
        results.plot("remitances")
    with pytest.raises(KeyError, match="available"):
        results["stok"]
    with pytest.raises(ValueError, match="'country' is not a dimension of 'stock'; valid: origin, location, status"):
        results.to_dataframe("stock", by=["country"])
    with pytest.raises(ValueError, match="valid: origin, location, status"):
        results.plot("stock", by="country")
    with pytest.raises(ValueError, match="sel picked a single value"):
        results.plot("stock", by="location", sel={"location": "moscow"})
    with pytest.raises(ValueError, match="sel: 'country' is not a dimension"):
        results.plot("stock", sel={"country": "RU"})
    with pytest.raises(KeyError, match="'atlantis' is not a location; valid: bishkek"):
        results.to_dataframe("stock", sel={"location": "atlantis"})
    with pytest.raises(ValueError, match="no time axis"):
        results.plot("stock", sel={"time": "2011-01-07"})
    with pytest.raises(TypeError, match="one dimension name"):
        results.plot("stock", by=["location", "status"])  # type: ignore[arg-type]
