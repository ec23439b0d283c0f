"""Users domain: plain dataclasses and rules, no GraphQL or database imports."""
