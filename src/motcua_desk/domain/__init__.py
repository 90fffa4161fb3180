"""Pure domain rules: standard library only (enforced by tests and import-linter)."""
