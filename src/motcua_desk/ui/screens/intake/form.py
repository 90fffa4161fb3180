"""Reading and writing the intake form's values (no service calls)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from motcua_desk.domain import formatting as fmt
from motcua_desk.domain.dossier import ChecklistItem, Person, Sex
from motcua_desk.domain.text import normalize
from motcua_desk.services.clock import to_local
from motcua_desk.ui import strings

from .view import IntakeView

_DATE = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$")
_COMPACT_DATE = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 10


def parse_date(text: str) -> date | None:
    """``dd/mm/yyyy`` (also ``-``, ``.``, or ``ddmmyyyy``); raises ValueError when malformed."""
    text = normalize(text)
    if not text:
        return None
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if match is None:
        raise ValueError(text)
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)


def format_date(value: date | None) -> str:
    return fmt.format_date(value) if value else ""


def format_due(due: Any) -> str:
    """A due date from ``preview_due`` in office time, worded as on the printed slip."""
    moment = due
    for attr in ("due_at", "at", "moment", "value"):
        if hasattr(due, attr):
            moment = getattr(due, attr)
            break
    if isinstance(moment, datetime):
        moment = to_local(moment)
        return f"Vào lúc {moment:%H} giờ {moment:%M} phút, ngày {fmt.format_date(moment)}"
    if isinstance(moment, date):
        return fmt.format_date(moment)
    return str(moment)


_SKIP_REASONS = {
    "weekend": "nghỉ cuối tuần",
    "holiday": "nghỉ lễ",
    "substitute_day_off": "nghỉ bù",
    "makeup_not_counted": "ngày làm bù không tính",
}


def explain_due(due: Any) -> str:
    """Why the due date is what it is: receipt moved, days not counted (Bộ luật Dân sự 2015 Art. 147–148 step 6)."""
    lines: list[str] = []
    if getattr(due, "start_shifted", False):
        start = to_local(due.effective_start)
        lines.append(
            f"Nhận ngoài giờ làm việc: tính từ {start:%H} giờ {start:%M} phút ngày {fmt.format_date(start)}."
        )
    if getattr(due, "cutoff_applied", False):
        lines.append("Nhận sau 15 giờ: hẹn trả vào ngày làm việc tiếp theo.")
    skipped = tuple(getattr(due, "skipped", ()) or ())
    if skipped:
        parts = []
        for day in skipped:
            reason = _SKIP_REASONS.get(str(day.reason), str(day.reason))
            name = f" — {day.name}" if day.name and day.reason != "weekend" else ""
            parts.append(f"{day.day:%d/%m} ({reason}{name})")
        lines.append("Không tính: " + "; ".join(parts) + ".")
    return "\n".join(lines)


def checklist_label(item: ChecklistItem) -> str:
    form = strings.PAPER_FORMS.get(item.form.value, item.form.value)
    optional = "" if item.required else " (không bắt buộc)"
    return f"{item.name} — {form}, {item.copies} bản{optional}"


def set_checklist(view: IntakeView, items: tuple[ChecklistItem, ...]) -> None:
    view.checklist.clear()
    for item in items:
        entry = QListWidgetItem(checklist_label(item))
        entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        entry.setCheckState(Qt.CheckState.Checked if item.received else Qt.CheckState.Unchecked)
        entry.setData(ITEM_ROLE, item)
        view.checklist.addItem(entry)


def read_checklist(view: IntakeView) -> tuple[ChecklistItem, ...]:
    out: list[ChecklistItem] = []
    for i in range(view.checklist.count()):
        entry = view.checklist.item(i)
        item: ChecklistItem = entry.data(ITEM_ROLE)
        received = entry.checkState() == Qt.CheckState.Checked
        out.append(ChecklistItem(item.name, item.form, item.copies, item.required, received))
    return tuple(out)


def read_applicant(view: IntakeView) -> tuple[Person, dict[str, str]]:
    """The applicant and any local (format) errors, e.g. a malformed birth date."""
    problems: dict[str, str] = {}
    try:
        birth = parse_date(view.birth_date.text())
    except ValueError:
        birth = None
        problems["applicant.birth_date"] = "invalid_date"
    sex_value = view.sex.currentData()
    person = Person(
        full_name=normalize(view.full_name.text()),
        id_number=normalize(view.id_number.text()).replace(" ", ""),
        birth_date=birth,
        sex=Sex(sex_value) if sex_value else None,
        phone=normalize(view.phone.text()).replace(" ", ""),
        email=normalize(view.email.text()),
        address=normalize(view.address.text()),
    )
    return person, problems


def read_submitter(view: IntakeView) -> Person | None:
    if not view.submitter_box.isChecked():
        return None
    return Person(
        full_name=normalize(view.sub_full_name.text()),
        id_number=normalize(view.sub_id_number.text()).replace(" ", ""),
        phone=normalize(view.sub_phone.text()).replace(" ", ""),
        address=normalize(view.sub_address.text()),
    )


def write_applicant(view: IntakeView, person: Person) -> None:
    view.full_name.setText(person.full_name)
    view.id_number.setText(person.id_number)
    view.birth_date.setText(format_date(person.birth_date))
    index = view.sex.findData(person.sex.value if person.sex else None)
    view.sex.setCurrentIndex(max(index, 0))
    if person.phone:
        view.phone.setText(person.phone)
    if person.email:
        view.email.setText(person.email)
    view.address.setText(person.address)


def write_submitter(view: IntakeView, person: Person) -> None:
    view.submitter_box.setChecked(True)
    view.sub_full_name.setText(person.full_name)
    view.sub_id_number.setText(person.id_number)
    if person.phone:
        view.sub_phone.setText(person.phone)
    view.sub_address.setText(person.address)


def text_fields(view: IntakeView) -> tuple[Any, ...]:
    return (
        view.full_name,
        view.id_number,
        view.birth_date,
        view.phone,
        view.email,
        view.address,
        view.sub_full_name,
        view.sub_id_number,
        view.sub_phone,
        view.sub_address,
        view.sub_authorisation,
        view.return_address,
        view.note,
        view.fee_receipt_no,
    )


def has_input(view: IntakeView) -> bool:
    if any(edit.text().strip() for edit in text_fields(view)):
        return True
    return any(
        view.checklist.item(i).checkState() == Qt.CheckState.Checked
        for i in range(view.checklist.count())
    )


def clear(view: IntakeView) -> None:
    for edit in text_fields(view):
        edit.clear()
    view.sex.setCurrentIndex(0)
    view.submitter_box.setChecked(False)
    view.channel.setCurrentIndex(0)
    view.return_method.setCurrentIndex(0)
    view.postage.setValue(0)
    view.fee_timing.setCurrentIndex(0)
    view.fee_paid.setValue(0)
    view.sets_count.setValue(1)
    view.procedure_search.clear()
    view.checklist.clear()
    view.procedure_name.setText("Chưa chọn thủ tục")
    for label in (
        view.detail_field,
        view.detail_level,
        view.detail_fee,
        view.detail_time,
        view.detail_due,
    ):
        label.setText("—")
    view.clear_errors()
