"""The facts playback keeps from other subgraphs' events, as plain values."""
