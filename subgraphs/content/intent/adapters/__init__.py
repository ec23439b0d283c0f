"""Intent's adapters: the LLM parser and the caches of its answers."""
