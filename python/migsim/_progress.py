"""Progress bars: tqdm's notebook widget where ipywidgets is installed, its text bar otherwise."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any


def progress_bar(**kwargs: Any) -> Any:
    """A tqdm bar (``total=``, ``desc=``, ``unit=`` ...); the widget needs ipywidgets, which is optional."""
    # tqdm.auto would warn "IProgress not found" in Jupyter without ipywidgets, and fall back anyway.
    # (Imported by name: tqdm has no type information of its own.)
    module = "tqdm.auto" if importlib.util.find_spec("ipywidgets") is not None else "tqdm.std"
    return importlib.import_module(module).tqdm(**kwargs)
