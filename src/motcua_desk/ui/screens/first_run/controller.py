"""First-run setup: validates the pages, then saves the unit and the admin account."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget, QWizardPage

from motcua_desk.domain.text import normalize
from motcua_desk.ui import errors, strings
from motcua_desk.ui.ports import ContextPort

from .view import ADMIN_FIELDS, UNIT_FIELDS, FirstRunView

AGENCY_ID = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
MIN_PASSWORD = 8


def unit_errors(values: dict[str, str]) -> dict[str, str]:
    """Field -> message for the unit page (empty = valid)."""
    problems: dict[str, str] = {}
    for name in ("agency_id", "agency_name", "counter_name"):
        if not values.get(name):
            problems[name] = strings.field_error(name, "required")
    agency = values.get("agency_id", "")
    if agency and not AGENCY_ID.match(agency):
        problems["agency_id"] = "Mã đơn vị chỉ gồm chữ in hoa, chữ số và dấu chấm."
    return problems


def admin_errors(values: dict[str, str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in ("admin_username", "admin_full_name", "password"):
        if not values.get(name):
            problems[name] = strings.field_error(name, "required")
    if values.get("password") and len(values["password"]) < MIN_PASSWORD:
        problems["password"] = strings.FIELD_ERRORS["password_too_short"]
    elif values.get("password") != values.get("password2"):
        problems["password2"] = strings.FIELD_ERRORS["passwords_differ"]
    return problems


class FirstRunController(QObject):
    """Runs the wizard; ``completed`` carries the admin User."""

    completed = Signal(object)

    def __init__(self, ctx: ContextPort, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.admin: Any = None
        self.view = FirstRunView(parent)
        self.view.unit_page.validatePage = self._validate_unit  # type: ignore[method-assign]
        self.view.admin_page.validatePage = self._validate_admin  # type: ignore[method-assign]

    def values(self, fields: tuple[tuple[str, str], ...]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, _ in fields:
            text = self.view.edit(name).text()
            out[name] = text if name.startswith("password") else normalize(text)
        return out

    @staticmethod
    def _show(page: QWizardPage, problems: dict[str, str]) -> bool:
        label = page.error_label  # type: ignore[attr-defined]
        label.setText("\n".join(problems.values()))
        return not problems

    def _validate_unit(self) -> bool:
        return self._show(self.view.unit_page, unit_errors(self.values(UNIT_FIELDS)))

    def _validate_admin(self) -> bool:
        admin = self.values(ADMIN_FIELDS)
        if not self._show(self.view.admin_page, admin_errors(admin)):
            return False
        from motcua_desk.services.accounts import UnitSetup  # lazy: keeps startup light

        unit = self.values(UNIT_FIELDS)
        try:
            self.admin = self.ctx.accounts.first_run(
                UnitSetup(**unit),
                admin["admin_username"],
                admin["admin_full_name"],
                admin["password"],
            )
        except Exception as exc:
            if not isinstance(getattr(exc, "code", None), str):
                errors.report_exception(exc)
            return self._show(self.view.admin_page, {"_": strings.exception_message(exc)})
        self.completed.emit(self.admin)
        return True
