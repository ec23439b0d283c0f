"""The catalog: titles, genres, people and credits, platforms and offers per region."""
