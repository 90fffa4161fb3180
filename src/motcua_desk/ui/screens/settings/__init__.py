"""Administrator settings page (issue 8)."""
