"""Home page: receipts not yet printed, and the dossier opened by a scan."""
