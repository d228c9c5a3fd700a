"""Numpy financial math: the ledger, convertible pricing, dilution and debt schedules."""
