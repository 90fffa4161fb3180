"""Digital signatures: the token of this PC, the PIN dialog, the "chờ ký" list."""
