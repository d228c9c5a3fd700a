"""Experiments: Monte Carlo, sweeps, comparisons and sensitivity over many runs."""
