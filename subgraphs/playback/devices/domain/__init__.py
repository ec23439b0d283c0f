"""The devices domain: devices, their capabilities and presence; free of frameworks."""
