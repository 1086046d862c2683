"""Small apps the benchmarks compare the services with."""
