"""The offer history's storage."""
