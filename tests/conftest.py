"""Shared test setup: Qt offscreen, and cyclic garbage collection on the main thread only."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True, scope="session")
def _garbage_collect_on_the_main_thread() -> Iterator[None]:
    """A collection triggered on a TaskRunner worker would destroy Qt objects on the wrong
    thread and crash (see motcua_desk/ui/gc_guard.py); collect after each test instead."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()
