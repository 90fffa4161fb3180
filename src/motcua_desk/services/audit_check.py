"""Verification of the audit log's hash chain (issue 14 §5).

Run in the background when an administrator's window opens and on demand from the settings
page; a broken chain is logged at ERROR and shown to the administrator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from motcua_desk.services.accounts import require_role
from motcua_desk.storage.repositories.audit import AuditVerification
from motcua_desk.storage.repositories.users import Role, User
from motcua_desk.storage.uow import UnitOfWork, reading

log = logging.getLogger(__name__)


class AuditService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def verify(self, actor: User) -> AuditVerification:
        """Walk the whole chain in a read-only unit of work (no write lock is held)."""
        require_role(self._uow_factory, actor, (Role.ADMIN, Role.SUPERVISOR), "audit_verify")
        with reading(self._uow_factory) as uow:
            result = uow.audit.verify()
        if result.ok:
            log.info("audit chain verified: %d rows", result.checked)
        else:
            log.error(
                "audit chain broken at row %s (%s) after %d rows",
                result.first_bad_id,
                result.reason,
                result.checked,
            )
        return result
