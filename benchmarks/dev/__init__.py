"""Development tools: A/B timings, profiles and kernel tuning (benchmarks/README.md)."""
