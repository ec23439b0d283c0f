"""Availability over time: the history of offer changes and the lists read from it (leaving
soon, new arrivals, price drops)."""
