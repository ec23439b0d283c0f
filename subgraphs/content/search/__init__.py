"""Hybrid search: keyword, meaning, title graph, popularity and personal scores, fused."""
