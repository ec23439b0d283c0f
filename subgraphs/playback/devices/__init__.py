"""Devices: registration (at most 10 a user), renaming, removal, signed-in TVs, and presence."""
