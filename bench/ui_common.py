"""Shared setup of the UI benches: the real services on a temporary database."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

NOW = datetime(2026, 2, 12, 10, 15, tzinfo=timezone(timedelta(hours=7)))
PASSWORD = "matkhau-bench-123"

WORDS = ("Cấp", "Đổi", "Đăng ký", "Xác nhận", "Thẩm định", "Gia hạn", "Điều chỉnh", "Chứng thực")
THINGS = (
    "giấy phép kinh doanh",
    "chứng chỉ hành nghề",
    "hộ kinh doanh",
    "quyền sử dụng đất",
    "biển số xe",
    "hộ tịch",
    "bản sao từ sổ gốc",
)


def generated_catalogue(count: int) -> bytes:
    items = []
    for i in range(count):
        items.append(
            {
                "code": f"9.{i:06d}",
                "name": f"{WORDS[i % len(WORDS)]} {THINGS[(i // len(WORDS)) % len(THINGS)]} "
                f"trường hợp {i}",
                "field": "Tổng hợp",
                "level": "commune",
                "processing_days": 1 + i % 15,
                "fee_vnd": 1000 * (i % 50),
                "required_documents": [
                    {"name": "Tờ khai"},
                    {"name": "Bản sao giấy tờ", "form": "copy"},
                ],
            }
        )
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def real_context(procedures: int = 0) -> tuple[Any, Any]:
    """(AppContext, logged-in admin) on a fresh temp data directory."""
    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.services.accounts import UnitSetup
    from motcua_desk.storage.catalogue_import import import_catalogue

    base = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    ctx = build_context(AppPaths(data_dir=base, log_dir=base / "logs"), clock=lambda: NOW)
    ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Lê Thị Hoa",
        PASSWORD,
    )
    if procedures:
        uow_factory = ctx.catalogue._uow_factory  # bench only: bulk-load generated procedures
        with uow_factory() as uow:
            import_catalogue(uow, generated_catalogue(procedures))
            uow.commit()
        ctx.catalogue.reload()
    return ctx, ctx.accounts.login("admin", PASSWORD)
