"""One plotting vocabulary: Results.plot() draws an overview; ensembles and comparisons draw bands alike; by= groups,
where= selects; variables= everywhere (old spellings warn with the new one)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import migsim  # noqa: E402

TINY = {"scale": 2000, "until": "2010-06-30", "quiet": True}


def test_plot_without_a_variable_draws_the_overview() -> None:
    results = migsim.run("kyrgyzstan", seed=1, **TINY)
    fig = results.plot()
    assert isinstance(fig, matplotlib.figure.Figure)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["People abroad by destination country (end of step)", "Departures and returns (per weekly step)",
                      "Remittances sent home (per weekly step)", "Legal status of people abroad (end of step)"]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Russia" in legend and "Kazakhstan" in legend
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == ["departures", "returns"]
    # The status mix stacks to the total abroad.
    stacked = fig.axes[3].collections
    assert len(stacked) == len(migsim.schema.ABROAD_STATUSES_INCLUDING_NATURALISED)
    with pytest.raises(TypeError, match="need a variable"):
        results.plot(by="location")
    plt.close("all")


def test_old_spellings_warn_and_name_the_new_one() -> None:
    with pytest.warns(DeprecationWarning, match="use variables="):
        cmp = migsim.compare({"a": "kyrgyzstan", "b": "kyrgyzstan"}, seeds=[1, 2], variable="stock", processes=1,
                             **TINY)
    assert cmp.variables == ["stock"]
    with pytest.warns(DeprecationWarning, match=r"now where=\.\.\."):
        old = cmp.band("stock", by={"location_country": "RU"})
    np.testing.assert_array_equal(old.values, cmp.band("stock", where={"location_country": "RU"}).values)
    with pytest.warns(DeprecationWarning, match="where="):
        cmp.plot("stock", by={"location_country": "RU"})
    with pytest.raises(migsim.ArgumentError, match="give where= only"):
        cmp.plot("stock", where={"location_country": "RU"}, by={"location_country": "KZ"})
    ax = cmp.plot("stock", where={"location_country": "RU", "status": ["irregular", "permit_holder"]})
    title = ax.get_title()
    assert "\n" in title and "irregular" in title  # on two lines, nothing cut off
    plt.close("all")


def test_ensemble_plots_bands_like_a_comparison() -> None:
    ensemble = migsim.Ensemble("kyrgyzstan", seeds=[1, 2, 3], processes=1, **TINY)
    ax = ensemble.plot("departures", where={"location_country": "RU"})
    assert len(ax.get_lines()) == 1 and len(ax.collections) == 1  # the median and its band
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["kyrgyzstan"]
    assert ax.get_ylabel() == "departures (people)"
    plt.close("all")
