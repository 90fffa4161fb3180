"""Every mutating service method says what it changed (issue 12 §4).

A screen never declares a change set itself: the service returns :class:`Changed`, a bare
:class:`ChangeSet` (nothing else to return), or a result with a ``changes`` property (as
lifecycle's ``TransitionResult``). The walk below finds the public methods of every
``*Service`` class whose name starts with a mutating verb; a new one that returns a bare value
fails here, so the operations layer keeps broadcasting every change to every page.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import typing
from typing import Any

import pytest

import motcua_desk.services as services_pkg
from motcua_desk.services.changes import DOSSIER, PRINT, Changed, ChangeSet
from motcua_desk.services.context import AppContext
from motcua_desk.services.intake_rules import IntakeDraft

from .conftest import HOA

#: Name prefixes of methods that change stored data.
MUTATING = (
    "receive",
    "request_",
    "refuse",
    "record_",
    "update",
    "add_",
    "remove_",
    "close",
    "reopen",
    "retry",
    "resolve_",
    "reapply_",
    "enrol",
    "run_once",
    "create_",
    "reset_",
    "set_",
    "unlock_",
    "register_",
    "start_",
    "scan",
    "rate",
    "complete",
    "hand_over",
    "withdraw",
    "stop",
    "payment_",
    "result_",
    "supplement_",
    "apologise_",
)

#: Mutating-sounding methods that are not data changes a page could show, with the reason.
EXEMPT = {
    # starts and stops the background sync thread; the sync reports go through run_once
    ("SyncService", "start"),
    ("SyncService", "stop"),
    # a returned citizen's case is read, not written, until ``complete``
    ("ReturnService", "start"),
    # reads the stored return record and rating of a dossier
    ("ReturnService", "record_for"),
    # pages scanned into an unsaved draft; ``save`` / ``save_drafts`` store them
    ("DigitisationService", "scan"),
    # reads how much of a dossier is digitised ("complete" is a prefix, not a change)
    ("DigitisationService", "completeness"),
}

#: Methods the walk must find: the rule would pass vacuously if the walk found none.
EXPECTED = {
    ("ReceptionService", "receive"),
    ("ReceptionService", "request_supplement"),
    ("ReceptionService", "refuse"),
    ("DocumentService", "record_print"),
    ("SettingsAdminService", "update"),
    ("SettingsAdminService", "add_calendar_day"),
    ("SettingsAdminService", "remove_calendar_day"),
    ("DayCloseService", "close"),
    ("DayCloseService", "reopen"),
    ("SyncService", "retry"),
    ("SyncService", "resolve_conflict"),
    ("SyncService", "reapply_conflict"),
    ("SyncService", "enrol"),
    ("SyncService", "run_once"),
    ("AccountService", "create_user"),
    ("AccountService", "reset_password"),
    ("AccountService", "set_active"),
    ("AccountService", "unlock_user"),
    ("PostalService", "scan"),
    ("PostalService", "start_results_batch"),
    ("PostalService", "record_attempt"),
    ("ReturnService", "complete"),
    ("LifecycleService", "hand_over"),
}


def _says_what_changed(annotation: object) -> bool:
    origin = typing.get_origin(annotation) or annotation
    if origin is Changed or origin is ChangeSet:
        return True
    return isinstance(getattr(origin, "changes", None), property)


def _service_methods() -> dict[tuple[str, str], object]:
    found: dict[tuple[str, str], object] = {}
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"{services_pkg.__name__}.{info.name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not cls_name.endswith("Service"):
                continue
            for name, fn in inspect.getmembers(cls, inspect.isfunction):
                if name.startswith("_") or not name.startswith(MUTATING):
                    continue
                if (cls_name, name) in EXEMPT:
                    continue
                found[(cls_name, name)] = typing.get_type_hints(fn).get("return")
    return found


def test_every_mutating_service_method_returns_its_changes() -> None:
    methods = _service_methods()
    missing = EXPECTED - methods.keys()
    assert not missing, f"the walk no longer finds {sorted(missing)}"
    bare = {f"{c}.{m} -> {r}" for (c, m), r in methods.items() if not _says_what_changed(r)}
    assert not bare, "return Changed / ChangeSet / a result with `changes`: " + ", ".join(
        sorted(bare)
    )


def test_the_rule_rejects_a_bare_value() -> None:
    """The check itself can fail: a plain value or None is not a change set."""
    from motcua_desk.domain.dossier import Dossier
    from motcua_desk.services.lifecycle import TransitionResult

    assert not _says_what_changed(Dossier)
    assert not _says_what_changed(type(None))
    assert _says_what_changed(Changed[Dossier])
    assert _says_what_changed(ChangeSet)
    assert _says_what_changed(TransitionResult)


def test_the_change_sets_name_the_dossier(ctx: AppContext, admin: Any) -> None:
    """At run time the value and the change set agree: the new dossier's code is named."""
    saved = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
    assert saved.changes.kinds == {DOSSIER}
    assert saved.changes.dossier_codes == {saved.value.code}
    doc = ctx.documents.render("receipt", saved.value)
    printed = ctx.documents.record_print(doc, printer="PDF", outcome="sent", clerk=admin)
    assert printed.changes == ChangeSet.of(PRINT, codes=(saved.value.code,))
    assert printed.value.dossier_id == saved.value.id


@pytest.mark.parametrize("kind", [DOSSIER])
def test_changed_is_frozen(kind: str) -> None:
    changed = Changed(1, ChangeSet.of(kind))
    with pytest.raises(AttributeError):
        changed.value = 2  # type: ignore[misc]
