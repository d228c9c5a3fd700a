"""Neoclouds and miners: sites, fleets, delivery, books, financing and policy."""
