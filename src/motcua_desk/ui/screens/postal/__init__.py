"""Public postal service hand-over page (issue 6)."""
