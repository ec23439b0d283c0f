"""Search's adapters: the engines, the embedding providers and personal scores over HTTP."""
