"""Devices in playback's database: rows, the per-user lock, presence flags."""
