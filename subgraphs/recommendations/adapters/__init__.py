"""Recommendations' adapters: projection tables, the repository and the event projector."""
