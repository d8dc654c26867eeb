"""Benchmarks (`make bench`), outside the `lianxi` package: an install does not carry them."""
