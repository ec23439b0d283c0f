"""Content's shared persistence: the Tortoise models of its one database (`orm.py`)."""
