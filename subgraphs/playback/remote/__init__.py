"""Remote control: commands to a user's devices, their acks, hand-off ("send to TV"), and the
live channel every device event travels on."""
