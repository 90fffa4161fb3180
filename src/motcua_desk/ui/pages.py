"""The pages of the main window, in tab order, registered in one list (issue 12 §4).

The window builds each page from :data:`PAGES` instead of wiring them by hand in its
constructor. A page whose services are not in the context (screen tests on fakes) or that the
user's role may not see is not built. Each builder hands its screen the narrow context it
declares in :mod:`motcua_desk.ui.ports`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from .ports import (
    BoardContext,
    ContextPort,
    DayCloseContext,
    LookupContext,
    PostalContext,
    ReportsContext,
    ReturnsContext,
    SettingsContext,
    SyncContext,
)
from .print_flow import PrintFlow
from .screens.accounts.controller import AccountsController
from .screens.board.controller import BoardController
from .screens.day_close.controller import DayCloseController
from .screens.home.controller import HomeController
from .screens.intake.controller import IntakeController
from .screens.lookup.controller import LookupController
from .screens.postal.controller import PostalController
from .screens.reports.controller import ReportsController
from .screens.returns.controller import ReturnController
from .screens.settings.controller import SettingsController
from .screens.sync_health.controller import SyncHealthController
from .tasks import TaskRunner


@dataclass(frozen=True)
class PageDeps:
    """What every page may be built with."""

    ctx: ContextPort
    runner: TaskRunner
    print_flow: PrintFlow
    user: Any
    backend: Any
    parent: QWidget


@dataclass(frozen=True)
class PageSpec:
    #: attribute of the main window holding the page's controller (None when not built)
    attr: str
    title: str
    build: Callable[[PageDeps], QObject | None]
    #: roles that see the page; empty: everyone
    roles: frozenset[str] = frozenset()


def role_of(user: Any) -> str:
    return str(getattr(user.role, "value", user.role))


def _lookup(d: PageDeps) -> LookupController | None:
    if d.ctx.lookup is None or d.ctx.lifecycle is None:
        return None
    ctx = cast(LookupContext, d.ctx)
    return LookupController(ctx, d.runner, d.user, d.parent, print_flow=d.print_flow)


def _board(d: PageDeps) -> BoardController | None:
    if d.ctx.lookup is None:
        return None
    return BoardController(cast(BoardContext, d.ctx), d.runner, d.user, d.parent)


def _sync(d: PageDeps) -> SyncHealthController | None:
    if d.ctx.sync is None:
        return None
    return SyncHealthController(cast(SyncContext, d.ctx), d.runner, d.user, d.parent)


def _returns(d: PageDeps) -> ReturnController | None:
    if d.ctx.returns is None:
        return None
    ctx = cast(ReturnsContext, d.ctx)
    return ReturnController(ctx, d.runner, d.print_flow, d.user, d.parent)


def _postal(d: PageDeps) -> PostalController | None:
    if d.ctx.postal is None:
        return None
    ctx = cast(PostalContext, d.ctx)
    return PostalController(ctx, d.runner, d.user, d.parent, backend=d.backend)


def _reports(d: PageDeps) -> ReportsController | None:
    if d.ctx.reports is None or d.ctx.ledger is None:
        return None
    return ReportsController(cast(ReportsContext, d.ctx), d.runner, d.user, d.parent)


def _day_close(d: PageDeps) -> DayCloseController | None:
    if d.ctx.day_close is None:
        return None
    return DayCloseController(cast(DayCloseContext, d.ctx), d.runner, d.user, d.parent)


def _settings(d: PageDeps) -> SettingsController | None:
    if d.ctx.settings_admin is None:
        return None
    return SettingsController(cast(SettingsContext, d.ctx), d.runner, d.user, d.parent)


def _accounts(d: PageDeps) -> AccountsController | None:
    if d.ctx.accounts is None:
        return None
    return AccountsController(d.ctx, d.runner, d.user, d.parent)


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "home", "Trang chủ", lambda d: HomeController(d.ctx, d.runner, d.print_flow, d.parent)
    ),
    PageSpec(
        "intake",
        "Tiếp nhận hồ sơ (F2)",
        lambda d: IntakeController(d.ctx, d.runner, d.print_flow, d.user, d.parent),
    ),
    PageSpec("lookup", "Tra cứu hồ sơ", _lookup),
    PageSpec("board", "Bảng theo dõi", _board),
    PageSpec("sync_health", "Đồng bộ", _sync),
    PageSpec("returns", "Trả kết quả", _returns),
    PageSpec("postal", "Bưu chính công ích", _postal),
    PageSpec("reports", "Sổ theo dõi, báo cáo", _reports),
    PageSpec("day_close", "Chốt sổ cuối ngày", _day_close),
    PageSpec("settings_page", "Cấu hình", _settings, roles=frozenset({"admin"})),
    PageSpec("accounts_page", "Tài khoản", _accounts, roles=frozenset({"admin"})),
)


def build_pages(deps: PageDeps) -> list[tuple[PageSpec, QObject | None]]:
    """Every page of :data:`PAGES` built for ``deps`` (None where it does not apply)."""
    role = role_of(deps.user)
    return [
        (spec, spec.build(deps) if not spec.roles or role in spec.roles else None) for spec in PAGES
    ]
