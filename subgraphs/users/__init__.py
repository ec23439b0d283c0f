"""The users subgraph: accounts, sign-in, profiles, watchlists and viewing history."""
