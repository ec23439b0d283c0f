"""SONA, the recommendation engine: numpy/scipy over integer item indices, no I/O.

`training.build` turns interactions and catalog facts into a `SonaModel`; `scoring` ranks one
user's candidates with it. The offline benchmark and the served subgraph call the same code.
"""
