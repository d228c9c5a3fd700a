"""What an experiment adds to its results: outcomes, comparisons, sensitivity indices."""
