"""Sync-health page: queue, failures, rejected events, enrolment (issue 7)."""
