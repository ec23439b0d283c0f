"""The remote-control domain: commands, their rules and the events devices hear."""
