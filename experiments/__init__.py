"""Experiments: Monte Carlo, sweeps, comparisons and sensitivity over many runs.

The public functions are in :mod:`experiments.api` (and :mod:`neocloud_abm`); see
``abm mc --help`` for the command line. This package imports nothing itself: a worker
process imports :mod:`experiments.many.worker` alone, without pandas.
"""
