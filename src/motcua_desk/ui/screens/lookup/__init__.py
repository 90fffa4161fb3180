"""Dossier lookup: by code or search, the timeline and the counter's transitions (issue 5)."""
