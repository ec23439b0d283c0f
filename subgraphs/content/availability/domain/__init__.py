"""What changed in offers, and the windows and groups the lists are read in."""
