"""Playback's own copy of other subgraphs' facts (titles, offers, viewers, watchlists, profiles'
limits), kept from their events; it never reads their tables."""
