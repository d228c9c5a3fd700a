"""GPU supply: generations, the vendor's allocation and lead times, and rents."""
