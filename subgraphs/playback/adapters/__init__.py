"""Playback's adapters: database models, the repository and the update publisher."""
