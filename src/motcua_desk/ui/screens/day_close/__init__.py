"""End-of-day close page: figures, pending work, supervisor close and reopen (issue 5)."""
