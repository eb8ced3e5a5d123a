"""Benchmarks: `make bench` (benchmarks.run) and the feature benchmark."""
