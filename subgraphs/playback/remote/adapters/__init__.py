"""Commands in playback's database; device events on each user's pub/sub channel."""
