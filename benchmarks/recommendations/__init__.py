"""Recommendation quality and speed benchmarks (MovieLens-100K, He et al. 2017 protocol)."""
