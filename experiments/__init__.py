"""Experiments: Monte Carlo, sweeps, comparisons and sensitivity over many runs.

The public functions are in :mod:`experiments.api`; see ``abm mc --help`` for the CLI.
They are imported on first use: an experiment's worker process imports this package for
:mod:`experiments.worker` alone, and needs none of them (nor the pandas they bring).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.api import compare, monte_carlo, report, sensitivity, sweep
    from experiments.comparison import business_model_arms
    from experiments.runner import ExperimentResult

_HOMES = {"compare": "api", "monte_carlo": "api", "report": "api", "sensitivity": "api",
          "sweep": "api", "business_model_arms": "comparison", "ExperimentResult": "runner"}

__all__ = ["ExperimentResult", "business_model_arms", "compare", "monte_carlo", "report",
           "sensitivity", "sweep"]


def __getattr__(name: str) -> Any:
    """A public name of the package, from its module (imported on first use)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'experiments' has no attribute {name!r}")
    return getattr(importlib.import_module(f"experiments.{home}"), name)
