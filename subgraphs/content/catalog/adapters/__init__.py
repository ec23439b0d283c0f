"""Reading the catalog from the database."""
