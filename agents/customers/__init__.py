"""Customers: hyperscalers and AI labs whose need grows and who tender for capacity."""
