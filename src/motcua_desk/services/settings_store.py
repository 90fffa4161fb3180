"""The live settings, shared by every service (kept apart from the context so that services
do not import the module that imports them all)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from motcua_desk.config import AppPaths, Settings, save_settings


class SettingsStore:
    """Holds the current settings; saving writes settings.toml atomically first."""

    def __init__(self, settings: Settings, path: AppPaths | None = None) -> None:
        self._settings = settings
        self._paths = path
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Settings], None]] = []

    @property
    def current(self) -> Settings:
        return self._settings

    def update(self, **changes: Any) -> Settings:
        with self._lock:
            new = replace(self._settings, **changes)
            if self._paths is not None:
                save_settings(self._paths.settings_file, new)
            self._settings = new
            listeners = list(self._listeners)
        for listener in listeners:
            listener(new)
        return new

    def subscribe(self, listener: Callable[[Settings], None]) -> None:
        self._listeners.append(listener)
