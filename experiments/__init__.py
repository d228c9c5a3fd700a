"""Experiments: Monte Carlo, sweeps, comparisons and sensitivity over many runs.

The public functions are in :mod:`experiments.api`; see ``abm mc --help`` for the CLI.
"""

from experiments.api import compare, monte_carlo, report, sensitivity, sweep
from experiments.comparison import business_model_arms
from experiments.runner import ExperimentResult

__all__ = ["ExperimentResult", "business_model_arms", "compare", "monte_carlo", "report",
           "sensitivity", "sweep"]
