"""Contracts and tenders as data: what customers and neoclouds agree and how bids rank."""
