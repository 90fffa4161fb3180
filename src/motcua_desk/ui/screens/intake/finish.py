"""What happens to a digitised paper after it is saved, at intake or later from the lookup page.

In the background: OCR when it is on, then a copy signed with the conversion mark when the unit
signs papers (Luật Giao dịch điện tử 2023 Art. 12; without the token the paper waits, "chờ ký").
The save itself never waits for either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from motcua_desk.ui.operations import Lane, QueryOp
from motcua_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def finish_paper(
    ctx: Any,
    runner: TaskRunner,
    user: Any,
    sync_id: str,
    on_done: Callable[[Any], None] | None = None,
) -> None:
    """OCR (when on), then the signed copy (when the unit signs papers), off the GUI thread."""
    signer = ctx.paper_signing  # None when the app runs without signing
    ocr = ctx.settings.ocr_language if ctx.settings.ocr_enabled else None
    if signer is None or not signer.enabled:
        if not ocr:
            return
        service = ctx.digitisation
        op = QueryOp[Any](runner, lambda: service.run_ocr(sync_id, ocr), lane=Lane.IO)
    else:
        op = QueryOp[Any](runner, lambda: signer.finish(sync_id, user, ocr), lane=Lane.IO)
    if on_done is not None:
        op.success(on_done)
    op.failure(_not_done).run_in_background()


def _not_done(exc: BaseException) -> None:
    log.info("background image work not done: %s", getattr(exc, "code", type(exc).__name__))
