"""Scripts behind the results page's paper figures and tables (docs/results.md; benchmarks/README.md)."""
