"""Child process of the postal SIGKILL test: scans dossier + S10 pairs into a batch in a loop,
printing each scan after its commit. Usage: postal_scanner_child.py DATA_DIR BATCH_ID CODES..."""

from __future__ import annotations

import sys
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.postal import make_item_code

data_dir, batch_id, codes = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
ctx = build_context(AppPaths(data_dir, data_dir / "logs"), seed=False)
clerk = ctx.accounts.login("admin", "mat-khau-2026")
assert ctx.postal is not None
for n, code in enumerate(codes):
    for raw in (code, make_item_code("EE", f"{30000000 + n:08d}")):
        ctx.postal.scan(batch_id, raw, clerk)
        sys.stdout.write(raw + "\n")
        sys.stdout.flush()
