"""Users' adapters: database models, repository, signing keys and rate limits."""
