"""Status board of the unit's open dossiers (issue 5)."""
