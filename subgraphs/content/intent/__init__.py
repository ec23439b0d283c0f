"""What a search query asks for: slots parsed by rules, or by an LLM with the rules behind it."""
