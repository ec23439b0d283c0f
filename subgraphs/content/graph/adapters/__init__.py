"""The title graph in the content database."""
