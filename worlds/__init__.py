"""Worlds: calibrated world files, scenario overlays, and loading them into typed specs."""

from worlds.catalog import WORLDS_DIR, load_world, world_names

__all__ = ["WORLDS_DIR", "load_world", "world_names"]
