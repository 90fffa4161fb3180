"""The lookup's "Chữ ký số" table: each signed or pending document of the dossier, whether its
signature is intact, who signed and when (checked with pyHanko against the trust roots)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTableView

from motcua_desk.ui import strings
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import Lane, QueryOp

KIND_LABELS = {**strings.DOC_TYPES, "conversion": "Bản điện tử chuyển đổi từ giấy"}


def state_text(item: Any) -> str:
    """ "Chờ ký", "Còn nguyên vẹn", "Đã bị thay đổi sau khi ký", or why it could not be checked."""
    if item.document.pending:
        return "Chờ ký"
    if item.check is None:
        return "Không kiểm tra được: " + strings.error_message(item.error or "signing_error", {})
    if not item.check.intact:
        return "KHÔNG hợp lệ: đã bị thay đổi sau khi ký"
    return "Còn nguyên vẹn"


def trust_text(item: Any) -> str:
    if item.check is None:
        return "—"
    if getattr(item.check, "revoked", False):
        return "ĐÃ BỊ THU HỒI"
    return "Tin cậy" if item.check.trusted else "Không rõ nguồn (chưa tin cậy)"


def signed_when(item: Any) -> Any:
    check = item.check
    if check is not None:
        return check.timestamp_at or check.signed_at
    return item.document.signed_at


SIGNATURE_COLUMNS: tuple[Column[Any], ...] = (
    Column("doc", "Tài liệu", lambda i: KIND_LABELS.get(i.document.doc_type, i.document.doc_type)),
    Column("state", "Chữ ký", state_text),
    Column("trust", "Chứng thư", trust_text),
    Column(
        "signer",
        "Người ký",
        lambda i: (i.check.signer_name if i.check else i.document.signer_name) or "—",
    ),
    Column("at", "Thời điểm ký", lambda i: strings.format_datetime(signed_when(i))),
    Column("level", "Mức", lambda i: i.document.level or "—"),
)


class SignaturePanel(QObject):
    """Fills the lookup's "Chữ ký số" table for the dossier on screen (checks run on the I/O
    pool: validating a signature reads the file and the certificate chain)."""

    def __init__(self, ctx: Any, runner: Any, table: QTableView, parent: QObject | None = None):
        super().__init__(parent)
        self.signing = ctx.signing
        self.runner = runner
        self.model: FrozenTableModel[Any] = FrozenTableModel(SIGNATURE_COLUMNS, self)
        table.setModel(self.model)
        self._showing: int | None = None

    def load(self, dossier_id: int) -> None:
        self._showing = dossier_id
        signing = self.signing
        if signing is None:
            return

        def done(rows: list[Any]) -> None:
            if self._showing == dossier_id:
                self.model.set_rows(rows)

        QueryOp[Any](self.runner, lambda: signing.check_dossier(dossier_id), lane=Lane.IO).success(
            done
        ).run_in_background()
