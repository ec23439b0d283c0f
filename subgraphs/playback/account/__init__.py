"""A user's data in playback as a whole: its export (GDPR) and its erasure."""
