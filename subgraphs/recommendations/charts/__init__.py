"""Streaming charts: per region and platform, ranked from recent viewing (decayed), daily."""
