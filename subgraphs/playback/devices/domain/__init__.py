"""Playback's domain: devices, sessions and their rules; free of frameworks."""
