"""Charts' domain: decayed tallies, rankings and their daily history; no I/O."""
