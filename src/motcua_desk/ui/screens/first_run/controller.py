"""First-run setup: validates the pages, then saves the unit and the admin account."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from motcua_desk.domain.text import normalize
from motcua_desk.ui import errors, strings
from motcua_desk.ui.changes import SETTINGS, Changed, ChangeSet
from motcua_desk.ui.operations import CollectionOp
from motcua_desk.ui.ports import ContextPort
from motcua_desk.ui.tasks import TaskRunner

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

    def __init__(self, ctx: ContextPort, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.admin: Any = None
        self.saving = False
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
        """Finish: saved on the db lane; the wizard closes when the save has returned."""
        if self.admin is not None:
            return True  # saved: accept() validates once more before closing
        if self.saving:
            return False
        admin = self.values(ADMIN_FIELDS)
        if not self._show(self.view.admin_page, admin_errors(admin)):
            return False
        from motcua_desk.services.accounts import UnitSetup  # lazy: keeps startup light

        unit = UnitSetup(**self.values(UNIT_FIELDS))
        accounts = self.ctx.accounts
        self._set_saving(True)
        CollectionOp[Any](
            self.runner,
            lambda: Changed(
                accounts.first_run(
                    unit, admin["admin_username"], admin["admin_full_name"], admin["password"]
                ),
                ChangeSet.of(SETTINGS),
            ),
        ).success(self._saved).failure(self._failed).run_in_background()
        return False

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.view.admin_page.error_label.setText(  # type: ignore[attr-defined]
            "Đang lưu…" if saving else ""
        )
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton):
            button = self.view.button(which)
            if button is not None:
                button.setEnabled(not saving)

    def _saved(self, admin: Any) -> None:
        self._set_saving(False)
        self.admin = admin
        self.completed.emit(admin)
        self.view.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        if not isinstance(getattr(exc, "code", None), str):
            errors.report_exception(exc)
        self._show(self.view.admin_page, {"_": strings.exception_message(exc)})
