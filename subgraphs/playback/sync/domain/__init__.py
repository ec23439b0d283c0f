"""The sync domain: the document, its declared schema, clocks and the log; no framework."""
