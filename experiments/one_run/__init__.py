"""Looking at one run: its folder, timeline, causes, differences, pictures and tables."""
