"""Latency, throughput and quality figures (results in `RESULTS.md`); each module runs from the
repository's root as `.venv/bin/python -m benchmarks.<name>`."""
