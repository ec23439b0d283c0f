"""The account itself: password change (signs out every other session), deletion everywhere
through events, and an export of what the users subgraph holds."""
