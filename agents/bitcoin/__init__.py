"""Bitcoin: the price, the network's hashrate, subsidy and halvings."""
