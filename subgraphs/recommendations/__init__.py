"""The recommendations subgraph: what a user should watch next, fed by events from the others."""
