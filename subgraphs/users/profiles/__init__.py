"""Household profiles: create, change, delete, and switch the profile a token acts as."""
