"""The projected facts in playback's database."""
