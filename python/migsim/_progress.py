"""Progress bars: tqdm's notebook widget where ipywidgets is installed, its text bar otherwise."""

from __future__ import annotations

import importlib.util
from typing import Any


def progress_bar(**kwargs: Any) -> Any:
    """A tqdm bar (``total=``, ``desc=``, ``unit=`` ...); the widget needs ipywidgets, which is optional."""
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:  # tqdm.auto would warn "IProgress not found" in Jupyter and fall back anyway
        from tqdm.std import tqdm
    return tqdm(**kwargs)
