"""Content's adapters: database models and the repository over them."""
