"""Reports page: daily and monthly figures, a bar chart and the Mẫu 07 ledger export (issue 5)."""
