"""Charts' adapters: the facts and snapshots in the recommendations database."""
