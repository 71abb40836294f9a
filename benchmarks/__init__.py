"""Benchmark and experiment scripts, by purpose (benchmarks/README.md); not part of the installed package."""
