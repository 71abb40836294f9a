"""Drivers that train or score many runs, rows or checkpoints (benchmarks/README.md)."""
