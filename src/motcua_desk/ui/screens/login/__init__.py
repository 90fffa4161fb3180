"""Login dialog."""
