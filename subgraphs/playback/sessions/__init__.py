"""Playback sessions: start (offer and resume), update, resume points, continue watching."""
