"""Running many runs: plans, designs, executors, workers, shards, the store and aggregation."""
