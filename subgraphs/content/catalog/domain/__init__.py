"""The catalog's domain: plain dataclasses and rules, no GraphQL or database imports."""
