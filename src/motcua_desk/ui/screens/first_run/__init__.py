"""First-run setup wizard (unit, counter, administrator account)."""
