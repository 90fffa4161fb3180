"""Return of results at the counter."""
