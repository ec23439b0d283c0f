"""The playback subgraph: a user's devices, their presence and playback sessions."""
