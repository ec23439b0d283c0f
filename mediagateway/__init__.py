"""Operating the stack: migrations, demo data, schema export and the one-command run."""
