"""The actors: utilities, neoclouds, customers, markets, Bitcoin, and contracts as data."""
