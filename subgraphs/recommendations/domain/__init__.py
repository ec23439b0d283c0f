"""Recommendations' domain: signals, interactions and the ranker; free of frameworks."""
