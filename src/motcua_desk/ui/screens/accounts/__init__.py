"""Account administration screen (issue 12 §2)."""
