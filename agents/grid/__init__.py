"""The grid: utilities, their networks, queues, emergencies and the market for sites."""
