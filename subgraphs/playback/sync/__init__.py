"""Sync of watchlist, progress and preferences across a user's devices: one pycrdt document a
user, kept in the database and fanned out live."""
