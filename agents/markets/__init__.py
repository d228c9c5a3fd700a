"""Capital markets: the demand regime, share prices, credit, and the market's state."""
