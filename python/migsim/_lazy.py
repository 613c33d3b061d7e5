"""Modules imported on first use, so that ``import migsim`` stays fast (pandas and xarray alone
take about 0.35 s, a tenth of a small run)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    """Stands for a module and imports it when one of its attributes is first read."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "_module":
            raise AttributeError(attribute)
        if self._module is None:
            self._module = importlib.import_module(self.__name__)
        return getattr(self._module, attribute)
