"""Form numbers and titles keyed by regime (TT 03/2025/TT-VPCP table).

TT 01/2018/TT-VPCP governs dossiers of the NĐ 61/2018 regime; TT 03/2025/TT-VPCP those of the
NĐ 118/2025 regime. The control slip moved from Mẫu 05 to 06 and the ledger from 06 to 07;
Mẫu 05 (stop notice) has no 2018 counterpart.
"""

from __future__ import annotations

from motcua_desk.domain.dossier import Regime

CIRCULAR: dict[Regime, str] = {
    Regime.ND61_2018: "TT 01/2018/TT-VPCP",
    Regime.ND118_2025: "TT 03/2025/TT-VPCP",
}

_NUMBERS: dict[str, dict[Regime, str | None]] = {
    "receipt": {Regime.ND61_2018: "01", Regime.ND118_2025: "01"},
    "supplement": {Regime.ND61_2018: "02", Regime.ND118_2025: "02"},
    "refusal": {Regime.ND61_2018: "03", Regime.ND118_2025: "03"},
    "apology": {Regime.ND61_2018: "04", Regime.ND118_2025: "04"},
    "stop_notice": {Regime.ND61_2018: None, Regime.ND118_2025: "05"},
    "control_slip": {Regime.ND61_2018: "05", Regime.ND118_2025: "06"},
    "ledger": {Regime.ND61_2018: "06", Regime.ND118_2025: "07"},
    "return_slip": {Regime.ND61_2018: None, Regime.ND118_2025: None},
    "postal_handover": {Regime.ND61_2018: None, Regime.ND118_2025: None},
}

_TITLES: dict[str, dict[Regime, str]] = {
    "receipt": dict.fromkeys(Regime, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement": dict.fromkeys(Regime, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": dict.fromkeys(Regime, "Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
    "apology": {
        Regime.ND61_2018: "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        Regime.ND118_2025: "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
    },
    "stop_notice": dict.fromkeys(Regime, "Thông báo dừng giải quyết hồ sơ"),
    "control_slip": dict.fromkeys(Regime, "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "ledger": dict.fromkeys(Regime, "Sổ theo dõi hồ sơ"),
    "return_slip": dict.fromkeys(Regime, "Phiếu xác nhận trả kết quả giải quyết hồ sơ"),
    "postal_handover": dict.fromkeys(Regime, "Biên bản giao nhận hồ sơ"),
}


def form_number(form: str, regime: Regime) -> str | None:
    """``"01"`` … ``"07"``, or None when the regime has no numbered form for it."""
    return _NUMBERS[form][regime]


def form_label(form: str, regime: Regime) -> str:
    """Marker printed at the top right, e.g. ``Mẫu số 06 (TT 03/2025/TT-VPCP)``; may be empty."""
    number = form_number(form, regime)
    return "" if number is None else f"Mẫu số {number} ({CIRCULAR[regime]})"


def form_title(form: str, regime: Regime) -> str:
    return _TITLES[form][regime]
