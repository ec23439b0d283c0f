"""Sync documents in playback's database, and who may write them."""
