"""Sessions and resume points in playback's database; playback updates out to Redis."""
