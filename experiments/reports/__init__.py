"""Presenting results: report.html, plots, tables and readable numbers."""
